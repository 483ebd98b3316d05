// A uPlot chart that follows its data: created once, then given each new data set (live curves), and
// resized with its container.
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface ChartProps {
  /** What the test and a screen reader find it by. */
  label: string;
  options: Omit<uPlot.Options, 'width' | 'height'>;
  data: uPlot.AlignedData;
  height?: number;
}

/** The points each series draws: its non-null y values. */
export const seriesPointCounts = (data: uPlot.AlignedData): number[] =>
  data.slice(1).map((series) => Array.from(series as ArrayLike<number | null | undefined>).filter((value) => value !== null && value !== undefined).length);

export function Chart({ label, options, data, height = 260 }: ChartProps) {
  const container = useRef<HTMLDivElement>(null);
  const chart = useRef<uPlot | null>(null);
  useEffect(() => {
    const element = container.current!;
    const created = new uPlot({ ...options, width: element.clientWidth || 600, height }, data, element);
    chart.current = created;
    const resized = new ResizeObserver(() => created.setSize({ width: element.clientWidth, height }));
    resized.observe(element);
    return () => {
      resized.disconnect();
      created.destroy();
      chart.current = null;
    };
    // The options are fixed for the chart's life; new data goes through setData below.
  }, [options, height]);
  useEffect(() => chart.current?.setData(data), [data]);
  const counts = seriesPointCounts(data);
  // What a test (or a curious reader of the DOM) can check the drawing against.
  return <div class="chart" ref={container} role="img" aria-label={label} data-testid={`chart-${label}`} data-points={counts.reduce((a, b) => a + b, 0)} data-series-points={JSON.stringify(counts)} />;
}
