// A run's events, followed live: the API's Server-Sent Events read through the generated client (a
// fetch, so the key goes in the Authorization header, never in a URL), resumed after the last event
// seen when the connection drops.
import { EventSourceParserStream } from 'eventsource-parser/stream';
import { useEffect, useState } from 'preact/hooks';
import { ProblemError, problemOf, type Schemas } from './api';
import { useSession } from './session';

export type RunEvent = Schemas['RunEvent'];

export interface RunEventFeed {
  events: RunEvent[];
  /** The run's final status once the stream said `end`; null while it runs. */
  ended: string | null;
  error: unknown;
}

const RETRY_MS = 2000;
const RETRIED_STATUSES = new Set([408, 429]);

export function useRunEvents(runId: string): RunEventFeed {
  const { client } = useSession();
  const [feed, setFeed] = useState<RunEventFeed>({ events: [], ended: null, error: undefined });
  useEffect(() => {
    const abort = new AbortController();
    let lastId = 0;
    // Events arriving together are added together: one render per burst, not one per event.
    let pending: RunEvent[] = [];
    let flushTimer: ReturnType<typeof setTimeout> | undefined;
    let retryTimer: ReturnType<typeof setTimeout> | undefined;
    const flush = () => {
      clearTimeout(flushTimer);
      flushTimer = undefined;
      const arrived = pending;
      pending = [];
      setFeed((previous) => ({ ...previous, events: [...previous.events, ...arrived], error: undefined }));
    };
    /** Reads the stream until it ends: true when the run has finished, false when the connection closed early. */
    const follow = async (): Promise<boolean> => {
      const { data: body, error, response } = await client.GET('/v1/runs/{id}/events', {
        params: { path: { id: runId }, header: lastId > 0 ? { 'Last-Event-ID': lastId } : {} },
        headers: { Accept: 'text/event-stream' },
        parseAs: 'stream',
        signal: abort.signal,
      });
      if (!body || error !== undefined) throw problemOf(response, error);
      const reader = (body as ReadableStream<Uint8Array>).pipeThrough(new TextDecoderStream() as TransformStream<Uint8Array, string>).pipeThrough(new EventSourceParserStream()).getReader();
      for (;;) {
        const { value: message, done } = await reader.read();
        if (done) return false;
        if (message.event === 'end') {
          const { status } = JSON.parse(message.data) as { status: string };
          flush();
          setFeed((previous) => ({ ...previous, ended: status }));
          return true;
        }
        const event = JSON.parse(message.data) as RunEvent;
        lastId = event.id;
        pending.push(event);
        flushTimer ??= setTimeout(flush, 50);
      }
    };
    const run = (): void => {
      follow().then(
        (finished) => {
          if (!finished && !abort.signal.aborted) retryTimer = setTimeout(run, RETRY_MS);
        },
        (error: unknown) => {
          if (abort.signal.aborted) return;
          flush();
          setFeed((previous) => ({ ...previous, error }));
          // A refusal (no such run, a revoked key) stays one: only a dropped connection or a busy server is retried.
          if (!(error instanceof ProblemError) || RETRIED_STATUSES.has(error.status) || error.status >= 500) retryTimer = setTimeout(run, RETRY_MS);
        },
      );
    };
    run();
    return () => {
      abort.abort();
      clearTimeout(flushTimer);
      clearTimeout(retryTimer);
    };
  }, [runId, client]);
  return feed;
}
