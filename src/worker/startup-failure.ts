// The answer when the Worker cannot build its app (bad vars, unmigrated D1): problem+json 500, logged, retried on the next request.
import { describeError } from '../api/error-log';
import { PROBLEM_CONTENT_TYPE, PROBLEM_TYPE_BASE, type Problem } from '../api/problem';
import { ConfigError } from '../env-settings';

/**
 * A configuration error names the variable to fix (the operator's own settings, no secret in it);
 * anything else says only that start-up failed, and the log line has the cause.
 */
export function startupFailureResponse(request: Request, error: unknown): Response {
  const requestId = crypto.randomUUID();
  console.error(JSON.stringify({ time: new Date().toISOString(), level: 'error', event: 'worker-startup-failed', requestId, ...describeError(error) }));
  const body: Problem = {
    type: `${PROBLEM_TYPE_BASE}${error instanceof ConfigError ? 'misconfigured' : 'internal-error'}`,
    title: 'Internal Server Error',
    status: 500,
    detail: error instanceof ConfigError ? `the Worker is misconfigured: ${error.message}` : 'the Worker could not start; the request id identifies it in the logs',
    instance: new URL(request.url).pathname,
    requestId,
  };
  return new Response(JSON.stringify(body), { status: 500, headers: { 'Content-Type': PROBLEM_CONTENT_TYPE, 'X-Request-Id': requestId } });
}
