// Lineage: the graph of which versions were made from which, walked breadth-first one level per
// ModelStore call, up to a bounded depth.
import { modelNamesById } from './models';
import type { ModelStore } from './ports';
import type { LineageEdgeRecord, ModelVersionRecord } from './records';
import { getVersion } from './version-refs';

export type LineageDirection = 'ancestors' | 'descendants' | 'both';
export const DEFAULT_LINEAGE_DEPTH = 10;
export const MAX_LINEAGE_DEPTH = 100;

export interface LineageNode {
  id: string;
  model: string;
  version: number;
  status: ModelVersionRecord['status'];
  /** Steps from the requested version: negative for ancestors, positive for descendants, 0 for itself. */
  distance: number;
}

export interface LineageEdge {
  parent: string;
  child: string;
  relation: LineageEdgeRecord['relation'];
  weight: number | null;
  method: string | null;
  params: LineageEdgeRecord['params'];
  runId: string | null;
  datasetId: string | null;
}

export interface LineageGraph {
  root: string;
  nodes: LineageNode[];
  edges: LineageEdge[];
}

export async function getLineage(
  repo: ModelStore,
  modelName: string,
  ref: string,
  options: { direction: LineageDirection; depth: number },
): Promise<LineageGraph> {
  const { version: root } = await getVersion(repo, modelName, ref);
  const distances = new Map<string, number>([[root.id, 0]]);
  const edges = new Map<string, LineageEdgeRecord>();
  if (options.direction !== 'descendants') {
    await walk(root.id, options.depth, -1, (ids) => repo.listParentEdges(ids), (edge) => edge.parentVersionId, distances, edges);
  }
  if (options.direction !== 'ancestors') {
    await walk(root.id, options.depth, 1, (ids) => repo.listChildEdges(ids), (edge) => edge.childVersionId, distances, edges);
  }
  const versions = await repo.getVersionsByIds([...distances.keys()]);
  const modelNames = await modelNamesById(repo, new Set(versions.map((v) => v.modelId)));
  return {
    root: root.id,
    nodes: versions
      .map((v) => ({ id: v.id, model: modelNames.get(v.modelId) ?? v.modelId, version: v.version, status: v.status, distance: distances.get(v.id)! }))
      .sort((a, b) => a.distance - b.distance || a.model.localeCompare(b.model) || a.version - b.version),
    edges: [...edges.values()].map(toLineageEdge),
  };
}

/** Breadth-first: each level is one ModelStore call for the whole frontier. */
async function walk(
  start: string,
  depth: number,
  step: 1 | -1,
  nextEdges: (ids: string[]) => Promise<LineageEdgeRecord[]>,
  far: (edge: LineageEdgeRecord) => string,
  distances: Map<string, number>,
  edges: Map<string, LineageEdgeRecord>,
): Promise<void> {
  let frontier = [start];
  for (let level = 1; level <= depth && frontier.length > 0; level += 1) {
    const next: string[] = [];
    for (const edge of await nextEdges(frontier)) {
      edges.set(edge.id, edge);
      const id = far(edge);
      // A version reachable by paths of different lengths keeps the shortest (first seen) distance.
      if (!distances.has(id)) {
        distances.set(id, level * step);
        next.push(id);
      }
    }
    frontier = next;
  }
}

function toLineageEdge(edge: LineageEdgeRecord): LineageEdge {
  return {
    parent: edge.parentVersionId,
    child: edge.childVersionId,
    relation: edge.relation,
    weight: edge.weight,
    method: edge.method,
    params: edge.params,
    runId: edge.runId,
    datasetId: edge.datasetId,
  };
}
