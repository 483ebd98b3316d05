// Test support for `runs follow` until GET /v1/runs/{id}/events lands on main (branch `protocol`):
// a tiny HTTP server that speaks that route's contract (docs/node-protocol.md) over the real
// store's events, and forwards every other GET to the real server.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestServer } from '../support/server';

const FINISHED = new Set(['succeeded', 'failed', 'cancelled']);

export interface EventsFront {
  baseUrl: string;
  /** What each events connection sent, in order. */
  connections: { authorization?: string; lastEventId?: string }[];
  close(): Promise<void>;
}

export interface EventsFrontOptions {
  /** Drop the first events connection after this many events, as a flaky network would. */
  dropFirstAfter?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function startEventsFront(server: TestServer, options: EventsFrontOptions = {}): Promise<EventsFront> {
  const connections: EventsFront['connections'] = [];

  async function streamEvents(runId: string, request: IncomingMessage, response: ServerResponse): Promise<void> {
    const lastEventId = request.headers['last-event-id'] as string | undefined;
    connections.push({ authorization: request.headers.authorization, lastEventId });
    const dropAfter = connections.length === 1 ? options.dropFirstAfter : undefined;
    response.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
    response.write('retry: 50\n\n');
    let after = Number(lastEventId ?? 0);
    let sent = 0;
    while (!response.destroyed) {
      const events = await server.deps.repo.listRunEvents(runId, after, 100);
      for (const event of events) {
        await new Promise((resolve) => response.write(`id: ${event.id}\nevent: ${event.kind}\ndata: ${JSON.stringify(event)}\n\n`, resolve));
        after = event.id;
        sent += 1;
        if (sent === dropAfter) return void response.destroy();
      }
      if (events.length > 0) continue;
      // Finished, and (read after that) no event left: a finished run gets no more.
      const run = await server.deps.repo.getRun(runId);
      if (run && FINISHED.has(run.status) && (await server.deps.repo.listRunEvents(runId, after, 1)).length === 0) {
        return void response.end('event: end\ndata: {}\n\n');
      }
      await sleep(20);
    }
  }

  async function forward(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const upstream = await fetch(`${server.baseUrl}${request.url}`, { headers: { authorization: request.headers.authorization ?? '' } });
    response.writeHead(upstream.status, { 'Content-Type': upstream.headers.get('content-type') ?? 'application/json' });
    response.end(Buffer.from(await upstream.arrayBuffer()));
  }

  const http = createServer((request, response) => {
    const events = /^\/v1\/runs\/([^/?]+)\/events(\?|$)/.exec(request.url ?? '');
    const handled = request.method !== 'GET' ? Promise.resolve(void response.writeHead(405).end()) : events ? streamEvents(decodeURIComponent(events[1]!), request, response) : forward(request, response);
    handled.catch((error: unknown) => response.destroy(error instanceof Error ? error : new Error(String(error))));
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    connections,
    close: () => {
      http.closeAllConnections();
      return new Promise((resolve) => http.close(() => resolve()));
    },
  };
}
