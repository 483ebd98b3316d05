// One model: its record, aliases and versions (metrics, parameters, tags, archived state, files).
import { useState } from 'preact/hooks';
import { can, data, type Schemas } from '../api';
import { ErrorBox, KeyValues, Load, Section, Status, Tags } from '../components/common';
import { VersionFiles } from '../components/version-files';
import { dateTime, decimal, percent, shortId } from '../format';
import { href } from '../router';
import { useSession } from '../session';
import { useApi } from '../use-api';

type Version = Schemas['ModelVersion'];

/** The metric names of the versions, the most common first: the columns of the table. */
function metricColumns(versions: Version[], most = 4): string[] {
  const counts = new Map<string, number>();
  for (const version of versions) for (const key of Object.keys(version.metrics)) counts.set(key, (counts.get(key) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, most).map(([key]) => key);
}

function ArchiveButton({ version, onDone }: { version: Version; onDone: () => void }) {
  const { client } = useSession();
  const [error, setError] = useState<unknown>(undefined);
  const archived = version.status === 'archived';
  const path = { name: version.model, version: String(version.version) };
  const toggle = () =>
    data(archived ? client.POST('/v1/models/{name}/versions/{version}/unarchive', { params: { path } }) : client.POST('/v1/models/{name}/versions/{version}/archive', { params: { path } }))
      .then(onDone, setError);
  return (
    <>
      <button class="small write" onClick={() => void toggle()}>
        {archived ? 'Unarchive' : 'Archive'}
      </button>
      <ErrorBox error={error} />
    </>
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
                        <KeyValues values={version.params} />
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
