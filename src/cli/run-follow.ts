// `runs follow`: shows a run's progress until it finishes; exit 0 when it succeeded (with the result
// version), 1 when it failed (with the error) or was cancelled.
import type { DistilleryClient } from '../../openapi/client';
import type { components } from '../../openapi/schema';
import { connect, expectData } from './api';
import type { ApiSettings } from './cli-options';
import { runEvents } from './run-events';
import { progressView } from './run-progress';

type Run = components['schemas']['Run'];

const getRun = (client: DistilleryClient, id: string) => expectData(client.GET('/v1/runs/{id}', { params: { path: { id } } }));

/** The epochs a train or distill run plans (its resolved spec), for "epoch 3/10". */
function plannedEpochs(run: Run): number | undefined {
  const training = run.spec.training as { epochs?: unknown } | undefined;
  return typeof training?.epochs === 'number' ? training.epochs : undefined;
}

/** `model@version` of a run's result, looked up among the target model's versions by id. */
async function describeResult(client: DistilleryClient, run: Run): Promise<string> {
  const versionId = run.resultVersionId;
  const model = run.spec.model;
  if (!versionId) return 'no version (an evaluate run records its metrics on the run)';
  if (typeof model !== 'string') return versionId;
  const pageSize = 500;
  for (let offset = 0; ; offset += pageSize) {
    const page = await expectData(
      client.GET('/v1/models/{name}/versions', { params: { path: { name: model }, query: { include_archived: 'true', limit: pageSize, offset } } }),
    );
    const found = page.items.find((version) => version.id === versionId);
    if (found) return `${model}@${found.version} (${versionId})`;
    if (offset + pageSize >= page.total) return versionId;
  }
}

const reasonOf = (reason: unknown) => (reason instanceof Error ? (reason.cause instanceof Error ? reason.cause.message : reason.message) : String(reason));

/** Follows run `id` to its end and returns the exit code. */
export async function followRun(settings: ApiSettings, id: string): Promise<number> {
  const client = connect(settings);
  const run = await getRun(client, id);
  const view = progressView(process.stdout, plannedEpochs(run));
  view.note(`run ${run.id} (${run.kind}) ${run.status}`);
  try {
    const onReconnect = (reason: unknown) => view.note(`connection lost (${reasonOf(reason)}); resuming after the last event`);
    for await (const event of runEvents(settings, id, { onReconnect })) view.show(event);
  } finally {
    view.stop();
  }
  const finished = await getRun(client, id);
  switch (finished.status) {
    case 'succeeded':
      process.stdout.write(`succeeded: ${await describeResult(client, finished)}\n`);
      return 0;
    case 'failed': {
      const error = finished.error ?? {};
      process.stderr.write(`failed: ${String(error.type ?? 'error')}: ${String(error.message ?? JSON.stringify(error))}\n`);
      return 1;
    }
    case 'cancelled':
      process.stderr.write('cancelled\n');
      return 1;
    default:
      process.stderr.write(`the event stream ended while the run is ${finished.status}\n`);
      return 1;
  }
}
