// One run: status and progress, loss and accuracy curves growing live, checkpoints (best flagged), its
// spec, and cancel for keys that may write.
import { useMemo } from 'preact/hooks';
import type uPlot from 'uplot';
import { can, data } from '../api';
import { Chart } from '../components/chart';
import { ErrorBox, ListTable, Load, Section, Status } from '../components/common';
import { Progress } from '../components/progress';
import { bytes, dateTime, decimal, duration, shortId } from '../format';
import { useNodeNames } from '../node-names';
import { href } from '../router';
import { runCurves } from '../run-curves';
import { useRunEvents } from '../run-events';
import { WriteButton } from '../components/write-button';
import { useSession } from '../session';
import { isFinished } from '../statuses';
import { useApi } from '../use-api';


const epochAxis: uPlot.Axis = { label: 'epoch' };
const line = (label: string, stroke: string, extra: Partial<uPlot.Series> = {}): uPlot.Series => ({ label, stroke, width: 2, spanGaps: true, points: { show: true, size: 6 }, ...extra });

const LOSS_OPTIONS: Omit<uPlot.Options, 'width' | 'height'> = {
  scales: { x: { time: false } },
  axes: [epochAxis, { label: 'loss' }],
  series: [{ label: 'epoch' }, line('batch loss', '#9bb7d4', { width: 1, points: { show: false } }), line('train loss', '#1f5fa8'), line('validation loss', '#d9822b')],
};
const ACCURACY_OPTIONS: Omit<uPlot.Options, 'width' | 'height'> = {
  scales: { x: { time: false } },
  axes: [epochAxis, { label: 'accuracy' }],
  series: [{ label: 'epoch' }, line('train accuracy', '#1f5fa8'), line('validation accuracy', '#d9822b')],
};

function CancelButton({ id, onDone }: { id: string; onDone: () => void }) {
  const { client } = useSession();
  return (
    <WriteButton variant="danger" action={() => data(client.POST('/v1/runs/{id}/cancel', { params: { path: { id } } }))} onDone={onDone}>
      Cancel run
    </WriteButton>
  );
}

export function RunPage({ id }: { id: string }) {
  const session = useSession();
  const { client } = session;
  const feed = useRunEvents(id);
  // The record follows the stream: refreshed while the run is under way, once more when it ends.
  const run = useApi(() => data(client.GET('/v1/runs/{id}', { params: { path: { id } } })), [id, feed.ended], 2000, (record) => isFinished(record.status));
  const checkpoints = useApi(() => data(client.GET('/v1/runs/{id}/checkpoints', { params: { path: { id } } })), [id, feed.ended], feed.ended ? undefined : 5000);
  const nodeName = useNodeNames();
  const curves = useMemo(() => runCurves(feed.events), [feed.events]);
  const logs = feed.events.filter((event) => event.kind === 'log' || event.kind === 'status').slice(-20);

  return (
    <>
      <div class="page-head">
        <h1>
          <a href={href('runs')}>Runs</a> / {shortId(id)}
        </h1>
      </div>
      <Load loaded={run}>
        {(r) => (
          <div class="summary columns">
            <dl>
              <dt>Status</dt>
              <dd data-testid="run-status">
                <Status status={r.status} /> {r.cancelRequestedAt && !isFinished(r.status) ? <span class="muted">cancel requested</span> : null}
              </dd>
              <dt>Kind</dt>
              <dd>{r.kind}</dd>
              <dt>Model</dt>
              <dd>{r.model ? <a href={href('models', r.model)}>{r.model}</a> : '–'}</dd>
              <dt>Node</dt>
              <dd>{r.node ? <a href={href('nodes')}>{nodeName(r.node)}</a> : <span class="muted">not claimed</span>}</dd>
              <dt>Attempt</dt>
              <dd>
                {r.attempt} of {r.maxAttempts}
              </dd>
              <dt>Progress</dt>
              <dd>
                <Progress run={r} />
              </dd>
              <dt>Duration</dt>
              <dd>
                {duration(r.startedAt, r.finishedAt)} <span class="muted">(created {dateTime(r.createdAt)})</span>
              </dd>
              <dt>Result</dt>
              <dd>{r.kind === 'evaluate' ? (
                  <a href={href('evaluations', r.id)}>evaluation report</a>
                ) : r.resultVersionId && r.model ? (
                  <ResultLink versionId={r.resultVersionId} model={r.model} />
                ) : (
                  <span class="muted">–</span>
                )}</dd>
            </dl>
            <div>
              {r.error ? <ErrorBox error={new Error(String((r.error as { message?: unknown }).message ?? JSON.stringify(r.error)))} /> : null}
              {can(session, 'write') && !isFinished(r.status) && !r.cancelRequestedAt ? <CancelButton id={r.id} onDone={run.reload} /> : null}
            </div>
          </div>
        )}
      </Load>
      <Section title="Training curves">
        <ErrorBox error={feed.error} />
        {feed.events.length === 0 ? <p class="muted">No events yet.</p> : null}
        <div class="charts">
          <Chart label="loss" options={LOSS_OPTIONS} data={curves.loss} />
          <Chart label="accuracy" options={ACCURACY_OPTIONS} data={curves.accuracy} />
        </div>
        <p class="muted small" data-testid="live-state" data-events={feed.events.length}>
          {feed.ended ? `Stream ended: ${feed.ended}.` : 'Live: following the run’s events.'} {feed.events.length} events.
        </p>
      </Section>
      <Section title="Checkpoints">
        <Load loaded={checkpoints}>
          {(list) =>
            list.items.length === 0 ? (
              <p class="muted">None yet.</p>
            ) : (
              <ListTable testId="checkpoints" columns={['Attempt', 'Epoch', 'Validation metric', 'Best', 'Size', 'Written']}>
                  {list.items.map((checkpoint) => (
                    <tr key={checkpoint.id} class={checkpoint.isBest ? 'best-row' : ''}>
                      <td>{checkpoint.attempt}</td>
                      <td>{checkpoint.epoch}</td>
                      <td>{decimal(checkpoint.valMetric)}</td>
                      <td>{checkpoint.isBest ? <span class="badge">best</span> : null}</td>
                      <td>{bytes(checkpoint.size)}</td>
                      <td>{dateTime(checkpoint.createdAt)}</td>
                    </tr>
                  ))}
                </ListTable>
            )
          }
        </Load>
      </Section>
      {logs.length > 0 ? (
        <Section title="Log">
          <pre class="log">{logs.map((event) => `${dateTime(event.createdAt)}  ${event.message ?? JSON.stringify(event.metrics)}`).join('\n')}</pre>
        </Section>
      ) : null}
      <Section title="Spec">
        <Load loaded={run}>{(r) => <pre class="spec">{JSON.stringify(r.spec, null, 2)}</pre>}</Load>
      </Section>
    </>
  );
}

/** The version a train or distill run produced, found among its model's versions by id. */
function ResultLink({ versionId, model }: { versionId: string; model: string }) {
  const { client } = useSession();
  const versions = useApi(
    () => data(client.GET('/v1/models/{name}/versions', { params: { path: { name: model }, query: { limit: 100, include_archived: 'true' } } })),
    [model, versionId],
  );
  const found = versions.value?.items.find((version) => version.id === versionId);
  return found ? <a href={href('models', model, 'versions', found.version)}>{`${model} v${found.version}`}</a> : <span>{shortId(versionId)}</span>;
}
