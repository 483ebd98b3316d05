// One model: its record, aliases and versions (metrics, parameters, tags, archived state, files).
import { useState } from 'preact/hooks';
import { can, data, type Schemas } from '../api';
import { Load, Section, Status, Tags } from '../components/common';
import { VersionFiles } from '../components/version-files';
import { dateTime, decimal, percent, shortId } from '../format';
import { href } from '../router';
import { WriteButton } from '../components/write-button';
import { useSession } from '../session';
import { useApi } from '../use-api';

type Version = Schemas['ModelVersion'];

// What a reader compares versions by first: accuracy, then likelihood and calibration.
const METRIC_ORDER = [/accuracy/i, /nll|loss/i, /ece/i];
const metricRank = (name: string) => {
  const rank = METRIC_ORDER.findIndex((pattern) => pattern.test(name));
  return rank === -1 ? METRIC_ORDER.length : rank;
};

/** The versions' metric names that become the table's columns: the telling ones first, then by name. */
function metricColumns(versions: Version[], most = 4): string[] {
  const names = new Set(versions.flatMap((version) => Object.keys(version.metrics)));
  return [...names].sort((a, b) => metricRank(a) - metricRank(b) || a.localeCompare(b)).slice(0, most);
}

// The parameters that tell versions apart at a glance; the version's page lists them all.
const HEADLINE_PARAMS = ['architecture', 'epochs', 'batchSize', 'seed', 'temperature', 'alpha', 'aggregation'];

function headlineParams(params: Record<string, unknown>): Record<string, string> {
  const entries = HEADLINE_PARAMS.filter((key) => typeof params[key] === 'string' || typeof params[key] === 'number').map((key) => [key, String(params[key])]);
  const optimizer = params.optimizer as { name?: unknown; learningRate?: unknown } | undefined;
  if (typeof optimizer?.name === 'string') entries.push(['optimizer', `${optimizer.name}${typeof optimizer.learningRate === 'number' ? ` ${optimizer.learningRate}` : ''}`]);
  return Object.fromEntries(entries);
}

function ArchiveButton({ version, onDone }: { version: Version; onDone: () => void }) {
  const { client } = useSession();
  const archived = version.status === 'archived';
  const path = { name: version.model, version: String(version.version) };
  const toggle = () =>
    data(archived ? client.POST('/v1/models/{name}/versions/{version}/unarchive', { params: { path } }) : client.POST('/v1/models/{name}/versions/{version}/archive', { params: { path } }));
  return (
    <WriteButton action={toggle} onDone={onDone}>
      {archived ? 'Unarchive' : 'Archive'}
    </WriteButton>
  );
}

export function ModelPage({ name }: { name: string }) {
  const session = useSession();
  const { client } = session;
  const [includeArchived, setIncludeArchived] = useState(true);
  const model = useApi(() => data(client.GET('/v1/models/{name}', { params: { path: { name } } })), [name]);
  const aliases = useApi(() => data(client.GET('/v1/models/{name}/aliases', { params: { path: { name } } })), [name]);
  const versions = useApi(
    () => data(client.GET('/v1/models/{name}/versions', { params: { path: { name }, query: { limit: 100, include_archived: includeArchived ? 'true' : 'false' } } })),
    [name, includeArchived],
  );
  return (
    <>
      <div class="page-head">
        <h1>
          <a href={href('models')}>Models</a> / {name}
        </h1>
      </div>
      <Load loaded={model}>
        {(record) =>
          'task' in record ? (
            <div class="summary">
              <p>{record.description || <span class="muted">No description.</span>}</p>
              <dl>
                <dt>Task</dt>
                <dd>{record.task}</dd>
                <dt>Input shape</dt>
                <dd>[{record.inputShape.join(', ')}]</dd>
                <dt>Classes</dt>
                <dd>{record.classLabels.length <= 12 ? record.classLabels.join(', ') : `${record.classLabels.length} classes`}</dd>
                <dt>Tags</dt>
                <dd>
                  <Tags tags={record.tags} />
                </dd>
                <dt>Aliases</dt>
                <dd>
                  {aliases.value?.items.length ? (
                    aliases.value.items.map((alias) => (
                      <a key={alias.alias} class="tag" href={href('models', name, 'versions', alias.version.version)}>
                        {alias.alias} → v{alias.version.version}
                      </a>
                    ))
                  ) : (
                    <span class="muted">–</span>
                  )}
                </dd>
              </dl>
            </div>
          ) : (
            <p>
              <a href={href('ensembles', name)}>{name} is an ensemble.</a>
            </p>
          )
        }
      </Load>
      <Section
        title="Versions"
        actions={
          <label class="small">
            <input type="checkbox" checked={includeArchived} onChange={(event) => setIncludeArchived(event.currentTarget.checked)} /> archived too
          </label>
        }
      >
        <Load loaded={versions}>
          {(page) => {
            const columns = metricColumns(page.items);
            return (
              <table class="list" data-testid="versions">
                <thead>
                  <tr>
                    <th>Version</th>
                    <th>Status</th>
                    {columns.map((column) => (
                      <th key={column}>{column}</th>
                    ))}
                    <th>Latest evaluation</th>
                    <th>Parameters</th>
                    <th>Tags</th>
                    <th>Source run</th>
                    <th>Created</th>
                    <th>Files</th>
                    {can(session, 'write') ? <th /> : null}
                  </tr>
                </thead>
                <tbody>
                  {page.items.map((version) => (
                    <tr key={version.id} class={version.status === 'archived' ? 'archived' : ''}>
                      <td>
                        <a href={href('models', name, 'versions', version.version)}>v{version.version}</a>
                      </td>
                      <td>
                        <Status status={version.status} />
                      </td>
                      {columns.map((column) => (
                        <td key={column}>{decimal(version.metrics[column] as number | undefined)}</td>
                      ))}
                      <td>
                        {version.latestEvaluation ? (
                          <a href={href('evaluations', version.latestEvaluation.id)}>
                            {percent(version.latestEvaluation.accuracy)} ({version.latestEvaluation.split})
                          </a>
                        ) : (
                          <span class="muted">–</span>
                        )}
                      </td>
                      <td class="params">
                        <Tags tags={headlineParams(version.params)} />
                      </td>
                      <td>
                        <Tags tags={version.tags} />
                      </td>
                      <td>{version.sourceRunId ? <a href={href('runs', version.sourceRunId)}>{shortId(version.sourceRunId)}</a> : <span class="muted">upload</span>}</td>
                      <td>{dateTime(version.createdAt)}</td>
                      <td>
                        <VersionFiles version={version} />
                      </td>
                      {can(session, 'write') ? (
                        <td>
                          <ArchiveButton version={version} onDone={versions.reload} />
                        </td>
                      ) : null}
                    </tr>
                  ))}
                </tbody>
              </table>
            );
          }}
        </Load>
      </Section>
    </>
  );
}
