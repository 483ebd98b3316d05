// Runs: newest first, filtered by status and kind, with node, progress and duration; refreshed every 2 s.
import { data, type Schemas } from '../api';
import { ListTable, Load, Status } from '../components/common';
import { Pager } from '../components/pager';
import { Progress } from '../components/progress';
import { dateTime, duration, shortId } from '../format';
import { useNodeNames } from '../node-names';
import { href, navigate } from '../router';
import { useSession } from '../session';
import { useApi } from '../use-api';

const STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;
const KINDS = ['train', 'distill', 'evaluate'] as const;
const PAGE_SIZE = 50;
const REFRESH_MS = 2000;

type Run = Schemas['Run'];

export function RunsPage({ query }: { query: URLSearchParams }) {
  const { client } = useSession();
  const status = STATUSES.find((one) => one === query.get('status'));
  const kind = KINDS.find((one) => one === query.get('kind'));
  const offset = Number(query.get('offset') ?? 0);
  const runs = useApi(() => data(client.GET('/v1/runs', { params: { query: { limit: PAGE_SIZE, offset, status, kind } } })), [status, kind, offset], REFRESH_MS);
  const nodeName = useNodeNames();
  const filter = (next: { status?: string; kind?: string }) => navigate(href('runs', { status, kind, ...next }));
  return (
    <>
      <div class="page-head">
        <h1>Runs</h1>
        <span class="controls">
          <select aria-label="Status" value={status ?? ''} onChange={(event) => filter({ status: event.currentTarget.value || undefined })}>
            <option value="">any status</option>
            {STATUSES.map((one) => (
              <option key={one}>{one}</option>
            ))}
          </select>{' '}
          <select aria-label="Kind" value={kind ?? ''} onChange={(event) => filter({ kind: event.currentTarget.value || undefined })}>
            <option value="">any kind</option>
            {KINDS.map((one) => (
              <option key={one}>{one}</option>
            ))}
          </select>
        </span>
      </div>
      <Load loaded={runs}>
        {(page) =>
          page.items.length === 0 ? (
            <p class="muted">No runs{status || kind ? ' match' : ' yet'}.</p>
          ) : (
            <>
              <ListTable testId="runs" columns={['Run', 'Kind', 'Model', 'Status', 'Node', 'Progress', 'Duration', 'Created']}>
                  {page.items.map((run: Run) => (
                    <tr key={run.id}>
                      <td>
                        <a href={href('runs', run.id)}>{shortId(run.id)}</a>
                      </td>
                      <td>{run.kind}</td>
                      <td>{run.model ? <a href={href('models', run.model)}>{run.model}</a> : <span class="muted">–</span>}</td>
                      <td>
                        <Status status={run.status} />
                        {run.attempt > 1 ? <span class="muted small"> attempt {run.attempt}</span> : null}
                      </td>
                      <td>{run.node ? <a href={href('nodes')}>{nodeName(run.node)}</a> : <span class="muted">–</span>}</td>
                      <td>
                        <Progress run={run} />
                      </td>
                      <td>{duration(run.startedAt, run.finishedAt)}</td>
                      <td>{dateTime(run.createdAt)}</td>
                    </tr>
                  ))}
                </ListTable>
              <Pager total={page.total} limit={PAGE_SIZE} offset={offset} onOffset={(next) => navigate(href('runs', { status, kind, offset: next }))} />
            </>
          )
        }
      </Load>
    </>
  );
}
