// Test support for `runs follow`: a proxy in front of the real server that records what each
// events connection sent and, like a flaky network, can cut the first one after a number of events.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestServer } from '../support/server';

export interface EventsFront {
  baseUrl: string;
  /** What each events connection sent, in order. */
  connections: { authorization?: string; lastEventId?: string }[];
  close(): Promise<void>;
}

export interface EventsFrontOptions {
  /** Close the first events connection after this many events, before the run has finished. */
  dropFirstAfter?: number;
}

const EVENTS_PATH = /^\/v1\/runs\/[^/?]+\/events(\?|$)/;

export async function startEventsFront(server: TestServer, options: EventsFrontOptions = {}): Promise<EventsFront> {
  const connections: EventsFront['connections'] = [];

  async function forward(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const isEvents = EVENTS_PATH.test(request.url ?? '');
    const headers: Record<string, string> = {};
    for (const name of ['authorization', 'accept', 'last-event-id']) {
      const value = request.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    if (isEvents) connections.push({ authorization: headers.authorization, lastEventId: headers['last-event-id'] });
    const dropAfter = isEvents && connections.length === 1 ? options.dropFirstAfter : undefined;
    const upstream = await fetch(`${server.baseUrl}${request.url}`, { headers });
    response.writeHead(upstream.status, { 'Content-Type': upstream.headers.get('content-type') ?? 'application/json' });
    if (!upstream.body) return void response.end();
    const reader = upstream.body.getReader();
    const decoder = new TextDecoder();
    let pending = '';
    let events = 0;
    for (let read = await reader.read(); !read.done; read = await reader.read()) {
      if (dropAfter === undefined) {
        response.write(read.value);
        continue;
      }
      // Forwarded one whole event at a time, so the cut falls exactly after the dropAfter-th.
      pending += decoder.decode(read.value, { stream: true });
      for (let end = pending.indexOf('\n\n'); end >= 0; end = pending.indexOf('\n\n')) {
        const block = pending.slice(0, end + 2);
        pending = pending.slice(end + 2);
        response.write(block);
        if (/^id: /m.test(block) && ++events === dropAfter) {
          await reader.cancel().catch(() => {});
          // Ended rather than destroyed, so the events already written reach the client first.
          return void response.end();
        }
      }
    }
    response.end();
  }

  const http = createServer((request, response) => {
    const handled = request.method !== 'GET' ? Promise.resolve(void response.writeHead(405).end()) : forward(request, response);
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
