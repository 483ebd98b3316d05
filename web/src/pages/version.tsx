// One version: its record and files, its lineage graph (ancestors, descendants or both, to a depth), and
// the comparison with its teachers, ensembles and students.
import { useCallback } from 'preact/hooks';
import { data } from '../api';
import { KeyValues, Load, Section, Status, Tags } from '../components/common';
import { Comparison } from '../components/comparison';
import { LineageGraph } from '../components/lineage-graph';
import { VersionFiles } from '../components/version-files';
import { dateTime, percent, shortId } from '../format';
import { href, navigate } from '../router';
import { useSession } from '../session';
import { useApi } from '../use-api';

const DIRECTIONS = ['both', 'ancestors', 'descendants'] as const;
type Direction = (typeof DIRECTIONS)[number];
const DEPTHS = [1, 2, 3, 5, 10, 100];

export function VersionPage({ model, version, query }: { model: string; version: number; query: URLSearchParams }) {
  const { client } = useSession();
  const direction: Direction = DIRECTIONS.find((one) => one === query.get('direction')) ?? 'both';
  const depth = Number(query.get('depth') ?? 3);
  const path = { name: model, version: String(version) };
  const record = useApi(() => data(client.GET('/v1/models/{name}/versions/{version}', { params: { path } })), [model, version]);
  const lineage = useApi(() => data(client.GET('/v1/models/{name}/versions/{version}/lineage', { params: { path, query: { direction, depth } } })), [model, version, direction, depth]);
  // Edges name their dataset by id; the graph shows its name.
  const datasets = useApi(() => data(client.GET('/v1/datasets', { params: { query: { limit: 100 } } })), []);
  const datasetName = useCallback(
    (id: string) => {
      const found = datasets.value?.items.find((dataset) => dataset.id === id);
      return found ? `${found.name} v${found.version}` : id.slice(0, 8);
    },
    [datasets.value],
  );
  const setLineage = (next: { direction?: Direction; depth?: number }) => navigate(href('models', model, 'versions', version, { direction: next.direction ?? direction, depth: next.depth ?? depth }));

  return (
    <>
      <div class="page-head">
        <h1>
          <a href={href('models')}>Models</a> / <a href={href('models', model)}>{model}</a> / v{version}
        </h1>
      </div>
      <Load loaded={record}>
        {(v) => (
          <div class="summary columns">
            <div>
              <p>{v.description || <span class="muted">No description.</span>}</p>
              <dl>
                <dt>Status</dt>
                <dd>
                  <Status status={v.status} /> {v.archivedAt ? <span class="muted">since {dateTime(v.archivedAt)}</span> : null}
                </dd>
                <dt>Created</dt>
                <dd>{dateTime(v.createdAt)}</dd>
                <dt>Source run</dt>
                <dd>{v.sourceRunId ? <a href={href('runs', v.sourceRunId)}>{shortId(v.sourceRunId)}</a> : <span class="muted">uploaded</span>}</dd>
                <dt>Latest evaluation</dt>
                <dd>
                  {v.latestEvaluation ? (
                    <a href={href('evaluations', v.latestEvaluation.id)}>
                      {percent(v.latestEvaluation.accuracy)} on {v.latestEvaluation.dataset.name} ({v.latestEvaluation.split}), ECE {percent(v.latestEvaluation.ece)}
                    </a>
                  ) : (
                    <span class="muted">none</span>
                  )}
                </dd>
                <dt>Tags</dt>
                <dd>
                  <Tags tags={v.tags} />
                </dd>
                <dt>Files</dt>
                <dd>
                  <VersionFiles version={v} />
                </dd>
              </dl>
            </div>
            <div>
              <h3>Metrics</h3>
              <KeyValues values={v.metrics} />
              <h3>Parameters</h3>
              <KeyValues values={v.params} />
            </div>
          </div>
        )}
      </Load>
      <Section
        title="Lineage"
        actions={
          <span class="controls">
            <label>
              Show{' '}
              <select aria-label="Direction" value={direction} onChange={(event) => setLineage({ direction: event.currentTarget.value as Direction })}>
                {DIRECTIONS.map((one) => (
                  <option key={one} value={one}>
                    {one === 'both' ? 'ancestors and descendants' : one}
                  </option>
                ))}
              </select>
            </label>{' '}
            <label>
              to depth{' '}
              <select aria-label="Depth" value={depth} onChange={(event) => setLineage({ depth: Number(event.currentTarget.value) })}>
                {DEPTHS.map((one) => (
                  <option key={one} value={one}>
                    {one}
                  </option>
                ))}
              </select>
            </label>
          </span>
        }
      >
        <Load loaded={lineage}>{(graph) => <LineageGraph lineage={graph} datasetName={datasetName} />}</Load>
      </Section>
      <Section title="Compared with its teachers, ensembles and students">
        <Comparison model={model} version={version} />
      </Section>
    </>
  );
}
