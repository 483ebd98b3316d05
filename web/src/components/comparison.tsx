// A version beside its teachers, the ensembles it was distilled from, and its students: one column each,
// their metrics and latest evaluations in the same rows, the best of each row marked.
import { data, type Evaluation, type Schemas } from '../api';
import { decimal, percent } from '../format';
import { href } from '../router';
import { useSession } from '../session';
import { useApi } from '../use-api';
import { Load } from './common';

type Version = Schemas['ModelVersion'];

interface Column {
  key: string;
  role: string;
  title: string;
  link: string;
  metrics: Record<string, number>;
  evaluation: { accuracy: number; ece: number; nll: number; split: string } | null;
}

const versionColumn = (version: Version, role: string): Column => ({
  key: version.id,
  role,
  title: `${version.model} v${version.version}`,
  link: href('models', version.model, 'versions', version.version),
  metrics: Object.fromEntries(Object.entries(version.metrics).filter((entry): entry is [string, number] => typeof entry[1] === 'number')),
  evaluation: version.latestEvaluation,
});

const ensembleColumn = (name: string, evaluation: Evaluation | undefined): Column => ({
  key: `ensemble:${name}`,
  role: 'ensemble',
  title: `ensemble ${name}`,
  link: href('ensembles', name),
  metrics: {},
  evaluation: evaluation?.metrics ? { ...evaluation.metrics, split: evaluation.split } : null,
});

async function loadColumns(session: ReturnType<typeof useSession>, model: string, version: number): Promise<Column[]> {
  const { client } = session;
  const lineage = await data(client.GET('/v1/models/{name}/versions/{version}/lineage', { params: { path: { name: model, version: String(version) }, query: { direction: 'both', depth: 1 } } }));
  const read = (node: Schemas['LineageNode']) => data(client.GET('/v1/models/{name}/versions/{version}', { params: { path: { name: node.model, version: String(node.version) } } }));
  const byDistance = (distance: number) => Promise.all(lineage.nodes.filter((node) => node.distance === distance).map(read));
  const [parents, [self], children] = await Promise.all([byDistance(-1), byDistance(0), byDistance(1)]);
  // The ensembles on its edges: one it was distilled from (a parent's edge), one it is a member of (a child's).
  const ensemblesWhere = (touches: (edge: Schemas['LineageEdge']) => boolean) =>
    [...new Set(lineage.edges.filter(touches).map((edge) => edge.params.ensemble))].filter((name): name is string => typeof name === 'string');
  const teacherEnsembles = ensemblesWhere((edge) => edge.child === lineage.root);
  const memberOf = ensemblesWhere((edge) => edge.parent === lineage.root).filter((name) => !teacherEnsembles.includes(name));
  const evaluationOf = (name: string) =>
    data(client.GET('/v1/evaluations', { params: { query: { ensemble: name, limit: 20 } } })).then((page) => ensembleColumn(name, page.items.find((item) => item.status === 'succeeded')));
  const [teacherEnsembleColumns, memberOfColumns] = await Promise.all([Promise.all(teacherEnsembles.map(evaluationOf)), Promise.all(memberOf.map(evaluationOf))]);
  const relationOf = (parent: Version) => lineage.edges.find((edge) => edge.parent === parent.id && edge.child === lineage.root)?.relation ?? 'parent';
  // Left to right as the knowledge flowed: teachers, their ensemble, this version, an ensemble it is in, students.
  return [
    ...parents.map((parent) => versionColumn(parent, relationOf(parent))),
    ...teacherEnsembleColumns,
    ...(self ? [versionColumn(self, 'this version')] : []),
    ...memberOfColumns,
    ...children.map((child) => versionColumn(child, 'student')),
  ];
}

/** The row's best values (highest, or lowest where lower is better); none when fewer than two differ. */
function bestOf(values: (number | undefined)[], lowerIsBetter: boolean): Set<number> {
  const present = values.filter((value): value is number => value !== undefined);
  if (new Set(present).size < 2) return new Set();
  const best = lowerIsBetter ? Math.min(...present) : Math.max(...present);
  return new Set(values.flatMap((value, index) => (value === best ? [index] : [])));
}

const LOWER_IS_BETTER = /loss|nll|ece|error|seconds/i;

export function Comparison({ model, version }: { model: string; version: number }) {
  const session = useSession();
  const columns = useApi(() => loadColumns(session, model, version), [model, version]);
  return (
    <Load loaded={columns}>
      {(list) => {
        const metricNames = [...new Set(list.flatMap((column) => Object.keys(column.metrics)))].sort();
        const rows: { name: string; values: (number | undefined)[]; show: (value: number) => string }[] = [
          ...(['accuracy', 'ece', 'nll'] as const).map((name) => ({
            name: `evaluation ${name}`,
            values: list.map((column) => column.evaluation?.[name]),
            show: name === 'accuracy' ? (value: number) => percent(value) : (value: number) => decimal(value),
          })),
          ...metricNames.map((name) => ({ name, values: list.map((column) => column.metrics[name]), show: (value: number) => decimal(value) })),
        ];
        return (
          <table class="list comparison" data-testid="comparison">
            <thead>
              <tr>
                <th />
                {list.map((column) => (
                  <th key={column.key}>
                    <div class="muted small">{column.role}</div>
                    <a href={column.link}>{column.title}</a>
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              <tr>
                <th>evaluated on</th>
                {list.map((column) => (
                  <td key={column.key}>{column.evaluation?.split ?? <span class="muted">not evaluated</span>}</td>
                ))}
              </tr>
              {rows.map((row) => {
                const best = bestOf(row.values, LOWER_IS_BETTER.test(row.name));
                return (
                  <tr key={row.name}>
                    <th>{row.name}</th>
                    {row.values.map((value, index) => (
                      <td key={index} class={best.has(index) ? 'best' : ''}>
                        {value === undefined ? <span class="muted">–</span> : row.show(value)}
                      </td>
                    ))}
                  </tr>
                );
              })}
            </tbody>
          </table>
        );
      }}
    </Load>
  );
}
