// Training nodes: alive or not (by their last heartbeat), backend and device, and the runs they hold.
import { data } from '../api';
import { ListTable, Load } from '../components/common';
import { dateTime, shortId } from '../format';
import { href } from '../router';
import { useSession } from '../session';
import { useApi } from '../use-api';

/** A node that has not been heard from in this long is shown as gone (nodes heartbeat every few seconds). */
const ALIVE_MS = 60_000;

export function NodesPage() {
  const { client } = useSession();
  const nodes = useApi(() => data(client.GET('/v1/nodes')), [], 5000);
  return (
    <>
      <div class="page-head">
        <h1>Nodes</h1>
      </div>
      <Load loaded={nodes}>
        {(list) =>
          list.items.length === 0 ? (
            <p class="muted">No training node has registered. Start one with `distillery node --api URL --token T`.</p>
          ) : (
            <ListTable testId="nodes" columns={['Node', 'State', 'Backend', 'Device', 'Details', 'Running', 'Last seen']}>
                {list.items.map((node) => {
                  const alive = Date.now() - Date.parse(node.lastSeenAt) < ALIVE_MS;
                  const details = (node.capabilities as { details?: unknown; threads?: unknown }) ?? {};
                  return (
                    <tr key={node.id}>
                      <td>
                        {node.name} <span class="muted small">{node.version}</span>
                      </td>
                      <td>
                        <span class={`status status-${alive ? 'running' : 'failed'}`}>{alive ? 'alive' : 'gone'}</span>
                      </td>
                      <td>{node.backend}</td>
                      <td>{node.device}</td>
                      <td class="small">
                        {typeof details.threads === 'number' ? `${details.threads} threads. ` : ''}
                        {typeof details.details === 'string' ? details.details : ''}
                      </td>
                      <td>
                        {node.currentRunIds.length === 0 ? (
                          <span class="muted">idle</span>
                        ) : (
                          node.currentRunIds.map((id) => (
                            <a key={id} class="tag" href={href('runs', id)}>
                              {shortId(id)}
                            </a>
                          ))
                        )}
                      </td>
                      <td>{dateTime(node.lastSeenAt)}</td>
                    </tr>
                  );
                })}
              </ListTable>
          )
        }
      </Load>
    </>
  );
}
