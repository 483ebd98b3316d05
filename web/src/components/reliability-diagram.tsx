// The reliability diagram: for each confidence bin, the share predicted right (bars) against the mean
// confidence (points) and perfect calibration (the diagonal). Bars below the diagonal: overconfident.
import { useMemo } from 'preact/hooks';
import uPlot from 'uplot';
import type { Schemas } from '../api';
import { Chart } from './chart';

const unit: uPlot.Scale = { time: false, range: [0, 1] };

const OPTIONS: Omit<uPlot.Options, 'width' | 'height'> = {
  scales: { x: unit, y: unit },
  axes: [{ label: 'confidence (top probability)' }, { label: 'accuracy' }],
  series: [
    { label: 'bin' },
    { label: 'accuracy', stroke: '#1f5fa8', fill: 'rgba(31, 95, 168, 0.45)', paths: uPlot.paths.bars!({ size: [0.92, Infinity] }), points: { show: false } },
    { label: 'mean confidence', stroke: '#d9822b', width: 0, points: { show: true, size: 7, fill: '#d9822b' } },
    { label: 'perfect calibration', stroke: '#888', dash: [4, 4], width: 1, points: { show: false }, spanGaps: true },
  ],
};

export function ReliabilityDiagram({ bins }: { bins: Schemas['ReliabilityBin'][] }) {
  const chartData = useMemo<uPlot.AlignedData>(() => {
    const middles = bins.map((bin) => (bin.lower + bin.upper) / 2);
    return [middles, bins.map((bin) => bin.accuracy), bins.map((bin) => bin.confidence), middles];
  }, [bins]);
  return <Chart label="reliability" options={OPTIONS} data={chartData} height={300} />;
}
