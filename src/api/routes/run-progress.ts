// /v1/runs/{id}/metrics and /events: what clients read of a run's progress, the events as a JSON page
// or followed live as Server-Sent Events (polling the store, so it works on every runtime).
import { OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { streamSSE, type SSEStreamingApi } from 'hono/streaming';
import type { RunEventRecord } from '../../registry/records';
import { epochHistory, isFinished } from '../../registry/run-progress';
import { getRun } from '../../registry/runs';
import type { AppEnv } from '../app-env';
import { protectedRoute } from '../route-config';
import { integerParam, json } from '../schemas';
import { RunIdParams } from './runs';

export const RunEventSchema = z
  .object({
    id: z.number().int().openapi({ description: 'Grows with every event of the database: resume after the last one seen.' }),
    runId: z.string(),
    attempt: z.number().int(),
    kind: z.string().openapi({ description: '`batch`, `epoch`, `status` or `log`.' }),
    epoch: z.number().int().nullable(),
    metrics: z.record(z.string(), z.number()),
    message: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi('RunEvent');

const toRunEvent = (event: RunEventRecord): z.infer<typeof RunEventSchema> => ({ ...event });

const EpochSchema = z
  .object({
    epoch: z.number().int(),
    learningRate: z.number().optional(),
    trainLoss: z.number().optional(),
    trainAccuracy: z.number().optional(),
    validationLoss: z.number().optional(),
    validationAccuracy: z.number().optional(),
    attempt: z.number().int().openapi({ description: 'The attempt that reported the epoch (a later attempt\'s replaces an earlier one\'s).' }),
  })
  .catchall(z.number())
  .openapi('RunEpochMetrics');

const EVENT_ID_RULE = { min: 0, max: Number.MAX_SAFE_INTEGER };

const EventsQuery = z.object({
  after: integerParam(EVENT_ID_RULE).default(0).openapi({ description: 'Only events with a greater id (0: from the start).' }),
  limit: integerParam({ min: 1, max: 500 }).default(100).openapi({ description: 'Page size of the JSON page (1-500).' }),
});

const EventsHeaders = z.object({
  'Last-Event-ID': integerParam(EVENT_ID_RULE)
    .optional()
    .openapi({ param: { name: 'Last-Event-ID', in: 'header' }, description: 'Server-Sent Events: resume after this event (takes precedence over `after`).' }),
});

const metricsRoute = protectedRoute('read', {
  method: 'get',
  operationId: 'getRunMetrics',
  path: '/{id}/metrics',
  tags: ['runs'],
  summary: 'Per-epoch metrics of a run',
  request: { params: RunIdParams },
  responses: { 200: { description: 'One entry per epoch, in epoch order.', ...json(z.object({ epochs: z.array(EpochSchema) }).openapi('RunMetrics')) } },
});

const eventsRoute = protectedRoute('read', {
  method: 'get',
  operationId: 'listRunEvents',
  path: '/{id}/events',
  tags: ['runs'],
  summary: 'Events of a run: a JSON page, or followed live as Server-Sent Events',
  description:
    'With `Accept: text/event-stream` the events stream as they come (`id:` the event id, `event:` its kind, `data:` the event JSON), ' +
    'after `Last-Event-ID` (or `after`), with keep-alive comments, ending with `event: end` (`data:` `{"status": …}`) once the run has finished and every event was sent.',
  request: { params: RunIdParams, query: EventsQuery, headers: EventsHeaders },
  responses: {
    200: {
      description: 'A page of events (`next`: the `after` of the next page, null at the end), or the event stream.',
      content: {
        'application/json': { schema: z.object({ items: z.array(RunEventSchema), next: z.number().int().nullable() }).openapi('RunEventPage') },
        'text/event-stream': { schema: z.string().openapi({ description: 'Server-Sent Events.' }) },
      },
    },
  },
});

/** How often a follower asks the store for new events, and how long a quiet stream waits before a keep-alive comment. */
const POLL_MS = 300;
const KEEP_ALIVE_MS = 15_000;
/** Events read per poll. */
const EVENT_BATCH = 200;

const wantsEventStream = (c: Context<AppEnv>) => (c.req.header('accept') ?? '').toLowerCase().includes('text/event-stream');

/** Sends the run's events after `after` until the run has finished and every event went out, or the client leaves. */
async function followEvents(c: Context<AppEnv>, stream: SSEStreamingApi, runId: string, after: number): Promise<void> {
  const { repo } = c.get('deps');
  let quietSince = Date.now();
  while (!stream.aborted) {
    // Read the status first: once a run is finished no event is added, so the read after it drains them all.
    const { status } = await getRun(repo, runId);
    const events = await repo.listRunEvents(runId, after, EVENT_BATCH);
    for (const event of events) {
      await stream.writeSSE({ id: String(event.id), event: event.kind, data: JSON.stringify(toRunEvent(event)) });
      after = event.id;
    }
    if (events.length === EVENT_BATCH) continue;
    if (isFinished(status)) {
      await stream.writeSSE({ event: 'end', data: JSON.stringify({ status }) });
      return;
    }
    if (events.length > 0) quietSince = Date.now();
    else if (Date.now() - quietSince >= KEEP_ALIVE_MS) {
      await stream.write(': keep-alive\n\n');
      quietSince = Date.now();
    }
    await stream.sleep(POLL_MS);
  }
}

export const runProgressRoutes = new OpenAPIHono<AppEnv>()
  .openapi(metricsRoute, async (c) => {
    const { repo } = c.get('deps');
    const run = await getRun(repo, c.req.valid('param').id);
    const epochs = (await epochHistory(repo, run.id)).map(({ epoch, attempt, metrics }) => ({ ...metrics, epoch, attempt }));
    return c.json({ epochs }, 200);
  })
  .openapi(eventsRoute, async (c) => {
    const { repo, logger } = c.get('deps');
    const run = await getRun(repo, c.req.valid('param').id);
    const { after, limit } = c.req.valid('query');
    if (wantsEventStream(c)) {
      const resumeAfter = c.req.valid('header')['Last-Event-ID'] ?? after;
      return streamSSE(
        c,
        (stream) => followEvents(c, stream, run.id, resumeAfter),
        async (error) => logger.error('event-stream-failed', { requestId: c.get('requestId'), run: run.id, error: error.message }),
      );
    }
    const items = (await repo.listRunEvents(run.id, after, limit)).map(toRunEvent);
    return c.json({ items, next: items.length === limit ? items.at(-1)!.id : null }, 200);
  });
