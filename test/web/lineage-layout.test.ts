// The lineage graph as the dashboard draws it: an ensemble a student was distilled from becomes a node
// between its members and the student, edges carry relation, method, temperature, alpha, weight,
// dataset and run, and the layered layout puts every parent left of its child.
import { describe, expect, it } from 'vitest';
import type { components } from '../../openapi/schema';
import { layoutLineage } from '../../web/src/lineage-layout';

type Lineage = components['schemas']['Lineage'];

const node = (id: string, model: string, version: number, distance: number) => ({ id, model, version, distance, status: 'active' as const });
const provenance = { runId: 'run-2-abcdef', datasetId: 'dataset-1' };
const fromEnsemble = { relation: 'ensemble-member' as const, method: 'knowledge-distillation', params: { temperature: 4, alpha: 0.1, aggregation: 'mean-probabilities', ensemble: 'pair', revision: 3 }, ...provenance };

const LINEAGE: Lineage = {
  root: 'student',
  nodes: [node('t1', 'teacher', 1, -1), node('t2', 'teacher', 2, -1), node('student', 'student', 1, 0), node('grandchild', 'student', 2, 1)],
  edges: [
    { parent: 't1', child: 'student', weight: 0.25, ...fromEnsemble },
    { parent: 't2', child: 'student', weight: 0.75, ...fromEnsemble },
    { parent: 'student', child: 'grandchild', relation: 'teacher', method: 'self-distillation', weight: 1, params: { temperature: 1, alpha: 0 }, runId: 'run-3-abcdef', datasetId: null },
  ],
};

describe('layoutLineage', () => {
  const drawn = layoutLineage(LINEAGE, (id) => (id === 'dataset-1' ? 'bands v1' : id));
  const at = (title: string) => drawn.nodes.find((one) => one.title === title)!;

  it('draws the ensemble as a node of its own between its members and the student', () => {
    expect(drawn.nodes.map((one) => one.title).sort()).toEqual(['ensemble pair', 'student v1', 'student v2', 'teacher v1', 'teacher v2']);
    expect(at('ensemble pair')).toMatchObject({ kind: 'ensemble', subtitle: 'revision 3', target: { ensemble: 'pair' } });
    expect(at('student v1')).toMatchObject({ isRoot: true, subtitle: 'this version' });
    expect(at('teacher v1').subtitle).toBe('parent');
    expect(at('student v2').subtitle).toBe('child');
    expect(drawn.edges.filter((edge) => edge.relation === 'ensemble-member').map((edge) => edge.lines)).toEqual([
      ['ensemble-member', 'weight 0.25'],
      ['ensemble-member', 'weight 0.75'],
    ]);
  });

  it('labels the distillation edges with method, temperature, alpha, aggregation, dataset and run', () => {
    const [fromPair, selfDistilled] = drawn.edges.filter((edge) => edge.relation === 'teacher');
    expect(fromPair!.lines).toEqual(['teacher (ensemble) · knowledge-distillation', 'T=4 · α=0.1 · mean-probabilities', 'data bands v1', 'run run-2-ab']);
    expect(fromPair!.runId).toBe('run-2-abcdef');
    expect(selfDistilled!.lines).toEqual(['teacher · self-distillation', 'T=1 · α=0', 'weight 1', 'run run-3-ab']);
  });

  it('lays generations out left to right, every edge from its parent to its child', () => {
    expect(at('teacher v1').x).toBeLessThan(at('ensemble pair').x);
    expect(at('ensemble pair').x).toBeLessThan(at('student v1').x);
    expect(at('student v1').x).toBeLessThan(at('student v2').x);
    for (const edge of drawn.edges) {
      const first = edge.points[0]!;
      const last = edge.points.at(-1)!;
      expect(first.x, edge.id).toBeLessThan(last.x);
    }
    expect(drawn.width).toBeGreaterThan(4 * 180);
  });
});
