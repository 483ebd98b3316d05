// The lineage graph as drawn: versions, and the ensembles a student was distilled from as nodes of their
// own between their members and the student, laid out in layers (parents left of children) by dagre.
import { Graph, layout } from '@dagrejs/dagre';
import type { Schemas } from './api';

type Lineage = Schemas['Lineage'];
type LineageEdge = Schemas['LineageEdge'];

export interface DrawnNode {
  id: string;
  kind: 'version' | 'ensemble';
  title: string;
  subtitle: string;
  /** Where a click goes: the version's or the ensemble's page. */
  target: { model: string; version: number } | { ensemble: string };
  isRoot: boolean;
  archived: boolean;
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface DrawnEdge {
  id: string;
  relation: string;
  /** The lines of its label: relation and method, temperature and alpha, weight, dataset. */
  lines: string[];
  runId: string | null;
  points: { x: number; y: number }[];
  labelX: number;
  labelY: number;
}

export interface DrawnLineage {
  nodes: DrawnNode[];
  edges: DrawnEdge[];
  width: number;
  height: number;
}

const NODE_WIDTH = 180;
const NODE_HEIGHT = 50;
/** Height of one line of an edge label: the layout reserves it, the drawing spaces lines by it. */
export const LINE_HEIGHT = 14;

const number = (value: unknown): string | null => (typeof value === 'number' ? String(Number(value.toPrecision(4))) : null);

function hyperparameterLine(params: Record<string, unknown>): string | null {
  const parts = [number(params.temperature) && `T=${number(params.temperature)}`, number(params.alpha) && `α=${number(params.alpha)}`, typeof params.aggregation === 'string' ? params.aggregation : null];
  const present = parts.filter(Boolean);
  return present.length > 0 ? present.join(' · ') : null;
}

function labelLines(edge: LineageEdge, datasetName: (id: string) => string, throughEnsemble: boolean): string[] {
  const lines = [[throughEnsemble ? 'teacher (ensemble)' : edge.relation, edge.method].filter(Boolean).join(' · ')];
  const hyperparameters = hyperparameterLine(edge.params);
  if (hyperparameters) lines.push(hyperparameters);
  if (!throughEnsemble && edge.weight !== null) lines.push(`weight ${number(edge.weight)}`);
  if (edge.datasetId) lines.push(`data ${datasetName(edge.datasetId)}`);
  if (edge.runId) lines.push(`run ${edge.runId.slice(0, 8)}`);
  return lines;
}

/** How far up or down the root a version is: distance is negative for ancestors, positive for descendants. */
function relationToRoot(distance: number): string {
  const generations = Math.abs(distance);
  const names = distance < 0 ? ['parent', 'grandparent'] : ['child', 'grandchild'];
  return generations <= 2 ? names[generations - 1]! : `${generations - 2}x great-${names[1]}`;
}

interface PendingEdge {
  id: string;
  from: string;
  to: string;
  relation: string;
  lines: string[];
  runId: string | null;
}

/** The ensemble a parent was a member of, when the run distilled from an ensemble (its `ensemble-member` edges name it). */
function ensembleOf(edge: LineageEdge): { name: string; revision: number | null } | null {
  const name = edge.params.ensemble;
  return typeof name === 'string' ? { name, revision: typeof edge.params.revision === 'number' ? edge.params.revision : null } : null;
}

export function layoutLineage(lineage: Lineage, datasetName: (id: string) => string = (id) => id.slice(0, 8)): DrawnLineage {
  const nodes = new Map<string, Omit<DrawnNode, 'x' | 'y'>>();
  for (const node of lineage.nodes) {
    nodes.set(node.id, {
      id: node.id,
      kind: 'version',
      title: `${node.model} v${node.version}`,
      subtitle: [node.id === lineage.root ? 'this version' : relationToRoot(node.distance), node.status === 'archived' ? 'archived' : null].filter(Boolean).join(' · '),
      target: { model: node.model, version: node.version },
      isRoot: node.id === lineage.root,
      archived: node.status === 'archived',
      width: NODE_WIDTH,
      height: NODE_HEIGHT,
    });
  }
  const edges = new Map<string, PendingEdge>();
  for (const edge of lineage.edges) {
    const ensemble = ensembleOf(edge);
    if (!ensemble) {
      edges.set(`${edge.parent}>${edge.child}>${edge.relation}`, { id: `${edge.parent}>${edge.child}>${edge.relation}`, from: edge.parent, to: edge.child, relation: edge.relation, lines: labelLines(edge, datasetName, false), runId: edge.runId });
      continue;
    }
    // One node per ensemble revision: its members point at it, and it points at each student.
    const ensembleId = `ensemble:${ensemble.name}:${ensemble.revision ?? ''}`;
    nodes.set(ensembleId, {
      id: ensembleId,
      kind: 'ensemble',
      title: `ensemble ${ensemble.name}`,
      subtitle: ensemble.revision === null ? '' : `revision ${ensemble.revision}`,
      target: { ensemble: ensemble.name },
      isRoot: false,
      archived: false,
      width: NODE_WIDTH,
      height: NODE_HEIGHT,
    });
    const memberId = `${edge.parent}>${ensembleId}`;
    edges.set(memberId, { id: memberId, from: edge.parent, to: ensembleId, relation: 'ensemble-member', lines: ['ensemble-member', ...(edge.weight !== null ? [`weight ${number(edge.weight)}`] : [])], runId: null });
    const studentId = `${ensembleId}>${edge.child}`;
    edges.set(studentId, { id: studentId, from: ensembleId, to: edge.child, relation: 'teacher', lines: labelLines(edge, datasetName, true), runId: edge.runId });
  }

  const graph = new Graph({ multigraph: true });
  graph.setGraph({ rankdir: 'LR', nodesep: 28, ranksep: 90, edgesep: 16, marginx: 16, marginy: 16 });
  for (const node of nodes.values()) graph.setNode(node.id, { width: node.width, height: node.height });
  for (const edge of edges.values()) {
    const width = Math.max(...edge.lines.map((line) => line.length)) * 6.4 + 8;
    graph.setEdge(edge.from, edge.to, { width, height: edge.lines.length * LINE_HEIGHT + 4, labelpos: 'c' }, edge.id);
  }
  layout(graph);

  const drawnNodes = [...nodes.values()].map((node) => {
    const placed = graph.node(node.id) as { x: number; y: number };
    return { ...node, x: placed.x, y: placed.y };
  });
  const drawnEdges = [...edges.values()].map((edge) => {
    const placed = graph.edge(edge.from, edge.to, edge.id) as { points: { x: number; y: number }[]; x: number; y: number };
    return { id: edge.id, relation: edge.relation, lines: edge.lines, runId: edge.runId, points: placed.points, labelX: placed.x, labelY: placed.y };
  });
  const size = graph.graph() as { width?: number; height?: number };
  return { nodes: drawnNodes, edges: drawnEdges, width: size.width ?? 0, height: size.height ?? 0 };
}
