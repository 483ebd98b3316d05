// Prints a lineage graph (GET …/lineage) as a tree: the version asked about at the root, its
// ancestors (parents first) and/or descendants below, each edge with its relation, weight and method.
import type { components } from '../../openapi/schema';

type Graph = components['schemas']['Lineage'];
type Edge = components['schemas']['LineageEdge'];
export type Direction = 'ancestors' | 'descendants';

function edgeLabel(edge: Edge): string {
  return [edge.relation, edge.weight === null ? null : `weight ${edge.weight}`, edge.method].filter((part) => part !== null).join(', ');
}

/**
 * The tree's lines. A version reached by two paths (a teacher of two students) appears under each.
 * @example lineageTree(graph, ['ancestors']) // ['student@2', '└─ student@1  teacher, self-distillation', …]
 */
export function lineageTree(graph: Graph, directions: Direction[]): string[] {
  const nodes = new Map(graph.nodes.map((node) => [node.id, node]));
  const label = (id: string) => {
    const node = nodes.get(id);
    return node ? `${node.model}@${node.version}${node.status === 'archived' ? ' [archived]' : ''}` : id;
  };
  const next = (id: string, direction: Direction): [string, Edge][] =>
    graph.edges
      .filter((edge) => (direction === 'ancestors' ? edge.child : edge.parent) === id)
      .map((edge): [string, Edge] => [direction === 'ancestors' ? edge.parent : edge.child, edge])
      .sort(([a], [b]) => label(a).localeCompare(label(b)));

  const branches = (id: string, direction: Direction, prefix: string): string[] =>
    next(id, direction).flatMap(([other, edge], i, all) => {
      const last = i === all.length - 1;
      const line = `${prefix}${last ? '└─ ' : '├─ '}${label(other)}  ${edgeLabel(edge)}`;
      return [line, ...branches(other, direction, prefix + (last ? '   ' : '│  '))];
    });
  const section = (direction: Direction, prefix: string) => {
    const lines = branches(graph.root, direction, prefix);
    return lines.length > 0 ? lines : [`${prefix}(no ${direction})`];
  };

  if (directions.length === 1) return [`${label(graph.root)}  (${directions[0]})`, ...section(directions[0]!, '')];
  return [label(graph.root), '├─ ancestors', ...section('ancestors', '│  '), '└─ descendants', ...section('descendants', '   ')];
}
