// Reading a run's progress over real HTTP: per-epoch metrics across attempts, the events as a JSON
// page, and as Server-Sent Events resumed after Last-Event-ID and ended once the run has finished.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunEventKind, RunRecord } from '../../src/registry/records';
import { heldRun, registerNodeKey, type NodeKey } from '../support/held-runs';
import { startTestServer, type TestServer } from '../support/server';

let server: TestServer;
let node: NodeKey;

beforeAll(async () => {
  server = await startTestServer();
  node = await registerNodeKey(server, 'progress-node');
});
afterAll(() => server?.close());

function append(run: RunRecord, kind: RunEventKind, epoch: number | null, metrics: Record<string, number> = {}) {
  return server.deps.repo.appendRunEvent(run.id, run.fencingToken, { kind, epoch, metrics, message: kind === 'log' ? 'hello' : null, createdAt: new Date().toISOString() });
}

interface SseMessage {
  id?: string;
  event?: string;
  data?: string;
  comment?: string;
}

/** Reads Server-Sent Events off the raw body until `until` says stop (or the stream ends). */
async function readEvents(response: Response, until: (messages: SseMessage[]) => boolean): Promise<{ messages: SseMessage[]; ended: boolean }> {
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  const messages: SseMessage[] = [];
  let buffered = '';
  for (;;) {
    const next = await reader.read();
    if (next.done) return { messages, ended: true };
    buffered += next.value;
    let boundary: number;
    while ((boundary = buffered.indexOf('\n\n')) >= 0) {
      const block = buffered.slice(0, boundary);
      buffered = buffered.slice(boundary + 2);
      const message: SseMessage = {};
      for (const line of block.split('\n')) {
        const [field, ...rest] = line.split(':');
        const value = rest.join(':').replace(/^ /, '');
        if (field === '') message.comment = value;
        else message[field as 'id' | 'event' | 'data'] = value;
      }
      messages.push(message);
    }
    if (until(messages)) {
      await reader.cancel();
      return { messages, ended: false };
    }
  }
}

describe('run progress', () => {
  it('reports one entry per epoch, a later attempt replacing an earlier one', async () => {
    const first = await heldRun(server, node);
    await append(first, 'epoch', 1, { trainLoss: 2, validationAccuracy: 0.3 });
    await append(first, 'epoch', 2, { trainLoss: 1.5, validationAccuracy: 0.4 });
    // The lease expires; the next claim is attempt 2, which resumes after epoch 1 and redoes epoch 2.
    await server.deps.repo.requeueExpiredRuns(new Date(Date.now() + 3_600_000).toISOString());
    const now = new Date();
    const resumed = (await server.deps.repo.claimRun(node.nodeId, new Date(now.getTime() + 600_000).toISOString(), now.toISOString()))!;
    expect(resumed).toMatchObject({ id: first.id, attempt: 2 });
    await append(resumed, 'batch', 2, { batch: 1, batches: 10, loss: 1 });
    await append(resumed, 'epoch', 2, { trainLoss: 1.2, validationAccuracy: 0.5 });
    const response = await server.fetch(`/v1/runs/${first.id}/metrics`);
    expect(await response.json()).toEqual({
      epochs: [
        { epoch: 1, attempt: 1, trainLoss: 2, validationAccuracy: 0.3 },
        { epoch: 2, attempt: 2, trainLoss: 1.2, validationAccuracy: 0.5 },
      ],
    });
  });

  it('pages the events as JSON after an id', async () => {
    const run = await heldRun(server, node);
    const events = [await append(run, 'status', null), await append(run, 'epoch', 1, { loss: 1 }), await append(run, 'log', null)];
    const firstPage = await (await server.fetch(`/v1/runs/${run.id}/events?limit=2`)).json();
    expect(firstPage).toMatchObject({ items: [{ id: events[0]!.id, kind: 'status' }, { id: events[1]!.id, kind: 'epoch', metrics: { loss: 1 } }], next: events[1]!.id });
    const secondPage = await (await server.fetch(`/v1/runs/${run.id}/events?limit=2&after=${firstPage.next}`)).json();
    expect(secondPage).toEqual({ items: [{ ...events[2], message: 'hello' }], next: null });
    expect((await server.fetch(`/v1/runs/${run.id}/events?after=-1`)).status).toBe(422);
    expect((await server.fetch('/v1/runs/no-such-run/events')).status).toBe(404);
  });

  it('streams the events after Last-Event-ID, then new ones, and ends once the run has finished', async () => {
    const run = await heldRun(server, node);
    const seen = await append(run, 'status', null);
    const missed = await append(run, 'epoch', 1, { trainLoss: 1 });
    const response = await server.fetch(`/v1/runs/${run.id}/events`, { headers: { Accept: 'text/event-stream', 'Last-Event-ID': String(seen.id) } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    let live: number | undefined;
    const { messages, ended } = await readEvents(response, (messages) => {
      const ids = messages.map((message) => message.id);
      if (ids.includes(String(missed.id)) && live === undefined) {
        live = -1;
        // While the client is connected: one more event, then the run fails.
        void append(run, 'log', null).then(async (event) => {
          live = event.id;
          await server.deps.repo.failRun(run.id, run.fencingToken, { type: 'test', message: 'stopped' }, new Date().toISOString());
        });
      }
      return false;
    });
    expect(ended).toBe(true);
    const sent = messages.filter((message) => message.comment === undefined);
    expect(sent.map(({ id, event }) => [id, event])).toEqual([
      [String(missed.id), 'epoch'],
      [String(live), 'log'],
      [undefined, 'end'],
    ]);
    expect(JSON.parse(sent[0]!.data!)).toEqual({ ...missed, message: null });
    expect(JSON.parse(sent[2]!.data!)).toEqual({ status: 'failed' });
  });

  it('resumes from ?after= too, and keeps serving after a follower disconnects', async () => {
    const run = await heldRun(server, node);
    const first = await append(run, 'status', null);
    const second = await append(run, 'status', null);
    const controller = new AbortController();
    const response = await server.fetch(`/v1/runs/${run.id}/events?after=${first.id}`, { headers: { Accept: 'text/event-stream' }, signal: controller.signal });
    const { messages, ended } = await readEvents(response, (messages) => messages.length > 0);
    expect(ended).toBe(false);
    expect(messages[0]).toMatchObject({ id: String(second.id), event: 'status' });
    controller.abort();
    // The server goes on serving after the follower left.
    expect((await server.fetch(`/v1/runs/${run.id}/events`)).status).toBe(200);
  });
});
