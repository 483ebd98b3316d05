// A run's events as Server-Sent Events (GET /v1/runs/{id}/events, docs/node-protocol.md), read with
// eventsource-parser over fetch; a dropped connection is resumed after the last event seen (Last-Event-ID).
import { setTimeout as sleep } from 'node:timers/promises';
import { createParser } from 'eventsource-parser';
import { ApiProblemError, problemOf } from './api';
import type { ApiSettings } from './cli-options';

export interface RunEvent {
  id: number;
  runId: string;
  attempt: number;
  kind: 'batch' | 'epoch' | 'status' | 'log';
  epoch: number | null;
  metrics: Record<string, number>;
  message: string | null;
  createdAt: string;
}

export interface RunEventsOptions {
  /** Wait before reconnecting, until the server sends its own `retry:`. */
  retryMs?: number;
  /** Connections in a row that may drop before any event arrives; then the last error is thrown. */
  maxFailures?: number;
  /** Told of each reconnection (the CLI notes it with the progress). */
  onReconnect?: (reason: unknown) => void;
}

/**
 * Yields the run's events in order until the server's `end` event. An API answer (4xx) is thrown
 * as its problem; a dropped connection or a 5xx is retried from the last event id.
 */
export async function* runEvents(settings: ApiSettings, runId: string, options: RunEventsOptions = {}): AsyncGenerator<RunEvent> {
  const url = `${settings.baseUrl}/v1/runs/${encodeURIComponent(runId)}/events`;
  let lastEventId: string | undefined;
  let retryMs = options.retryMs ?? 1000;
  let failures = 0;
  for (;;) {
    const received: RunEvent[] = [];
    let ended = false;
    const parser = createParser({
      onEvent(message) {
        if (message.id !== undefined) lastEventId = message.id;
        if (message.event === 'end') ended = true;
        else received.push(JSON.parse(message.data) as RunEvent);
      },
      onRetry(ms) {
        retryMs = ms;
      },
    });
    let failure: unknown = new Error('the event stream closed before the run finished');
    try {
      const headers: Record<string, string> = { Accept: 'text/event-stream', Authorization: `Bearer ${settings.token}` };
      if (lastEventId !== undefined) headers['Last-Event-ID'] = lastEventId;
      const response = await fetch(url, { headers });
      if (!response.ok) throw await problemOf(response);
      const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
      for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
        parser.feed(chunk.value);
        if (received.length > 0) failures = 0;
        yield* received.splice(0);
        if (ended) {
          await reader.cancel();
          return;
        }
      }
    } catch (error) {
      if (error instanceof ApiProblemError && error.status < 500) throw error;
      failure = error;
    }
    yield* received.splice(0);
    if (ended) return;
    failures += 1;
    if (failures > (options.maxFailures ?? 5)) throw failure;
    options.onReconnect?.(failure);
    await sleep(retryMs);
  }
}
