// The lineage graph in SVG: drag to pan, wheel to zoom, click a version or an ensemble to open it.
import { useMemo, useRef, useState } from 'preact/hooks';
import type { Schemas } from '../api';
import { LINE_HEIGHT, layoutLineage } from '../lineage-layout';
import { href, navigate } from '../router';


function pathOf(points: { x: number; y: number }[]): string {
  return points.map((point, index) => `${index === 0 ? 'M' : 'L'}${point.x.toFixed(1)},${point.y.toFixed(1)}`).join(' ');
}

export function LineageGraph({ lineage, datasetName }: { lineage: Schemas['Lineage']; datasetName: (id: string) => string }) {
  const drawn = useMemo(() => layoutLineage(lineage, datasetName), [lineage, datasetName]);
  const [view, setView] = useState({ x: 0, y: 0, scale: 1 });
  const drag = useRef<{ x: number; y: number; moved: boolean } | null>(null);
  const viewHeight = Math.max(drawn.height, 160);

  const onWheel = (event: WheelEvent) => {
    event.preventDefault();
    const factor = event.deltaY < 0 ? 1.1 : 1 / 1.1;
    setView((current) => ({ ...current, scale: Math.min(4, Math.max(0.25, current.scale * factor)) }));
  };
  const onPointerDown = (event: PointerEvent) => {
    drag.current = { x: event.clientX, y: event.clientY, moved: false };
  };
  const onPointerMove = (event: PointerEvent) => {
    const start = drag.current;
    if (!start || event.buttons === 0) return;
    const dx = event.clientX - start.x;
    const dy = event.clientY - start.y;
    if (Math.abs(dx) + Math.abs(dy) > 3) start.moved = true;
    drag.current = { x: event.clientX, y: event.clientY, moved: start.moved };
    setView((current) => ({ ...current, x: current.x + dx, y: current.y + dy }));
  };
  // A click that ended a drag opens nothing.
  const open = (to: string) => {
    if (!drag.current?.moved) navigate(to);
  };

  return (
    <div class="lineage">
      <div class="lineage-tools">
        <button class="small" onClick={() => setView({ x: 0, y: 0, scale: 1 })}>
          Reset view
        </button>
        <span class="muted small">Drag to pan, wheel to zoom, click a node to open it.</span>
      </div>
      <svg data-testid="lineage-graph" width="100%" height={Math.min(viewHeight, 640)} viewBox={`0 0 ${Math.max(drawn.width, 400)} ${viewHeight}`} onWheel={onWheel} onPointerDown={onPointerDown} onPointerMove={onPointerMove} onPointerUp={() => setTimeout(() => (drag.current = null), 0)}>
        <defs>
          <marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
            <path d="M 0 0 L 10 5 L 0 10 z" class="arrow-head" />
          </marker>
        </defs>
        <g transform={`translate(${view.x},${view.y}) scale(${view.scale})`}>
          {drawn.edges.map((edge) => (
            <g key={edge.id} class={`edge edge-${edge.relation}`} data-relation={edge.relation}>
              <path d={pathOf(edge.points)} marker-end="url(#arrow)" />
              <text x={edge.labelX} y={edge.labelY - ((edge.lines.length - 1) * LINE_HEIGHT) / 2} text-anchor="middle">
                {edge.lines.map((line, index) =>
                  line.startsWith('run ') && edge.runId ? (
                    <tspan key={index} x={edge.labelX} dy={index === 0 ? 0 : LINE_HEIGHT} class="edge-run" onClick={() => open(href('runs', edge.runId!))}>
                      {line}
                    </tspan>
                  ) : (
                    <tspan key={index} x={edge.labelX} dy={index === 0 ? 0 : LINE_HEIGHT}>
                      {line}
                    </tspan>
                  ),
                )}
              </text>
            </g>
          ))}
          {drawn.nodes.map((node) => {
            const to = 'ensemble' in node.target ? href('ensembles', node.target.ensemble) : href('models', node.target.model, 'versions', node.target.version);
            return (
              <g
                key={node.id}
                class={`node node-${node.kind}${node.isRoot ? ' root' : ''}${node.archived ? ' archived' : ''}`}
                data-testid="lineage-node"
                data-title={node.title}
                transform={`translate(${node.x - node.width / 2},${node.y - node.height / 2})`}
                onClick={() => open(to)}
              >
                <rect width={node.width} height={node.height} rx={node.kind === 'ensemble' ? 22 : 6} />
                <text x={node.width / 2} y={21} text-anchor="middle" class="node-title">
                  {node.title}
                </text>
                <text x={node.width / 2} y={37} text-anchor="middle" class="node-subtitle">
                  {node.subtitle}
                </text>
              </g>
            );
          })}
        </g>
      </svg>
    </div>
  );
}
