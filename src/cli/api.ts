// The CLI's side of the API: the typed client for the chosen server, and API problems as errors the CLI prints.
import { createDistilleryClient, type DistilleryClient } from '../../openapi/client';
import type { components } from '../../openapi/schema';
import type { ApiSettings } from './cli-options';

type Problem = components['schemas']['Problem'];

/** The API answered with an error: printed as "status title: detail" and its field errors, exit code 1. */
export class ApiProblemError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Partial<Problem>,
  ) {
    super(formatProblem(status, problem));
  }
}

function formatProblem(status: number, problem: Partial<Problem>): string {
  const head = `${problem.status ?? status} ${problem.title ?? 'Error'}${problem.detail ? `: ${problem.detail}` : ''}`;
  const fields = (problem.errors ?? []).map((field) => `\n  ${field.in} ${field.path}: ${field.message}`);
  return head + fields.join('');
}

export function connect(settings: ApiSettings): DistilleryClient {
  return createDistilleryClient(settings.baseUrl, settings.token);
}

/** The problem in a non-2xx response (or its status text when the body is no problem document). */
export async function problemOf(response: Response): Promise<ApiProblemError> {
  const text = await response.text();
  try {
    return new ApiProblemError(response.status, JSON.parse(text) as Problem);
  } catch {
    return new ApiProblemError(response.status, { title: response.statusText, detail: text.slice(0, 200) });
  }
}

/**
 * The data of an openapi-fetch result, or its problem thrown.
 * @example const run = await expectData(client.GET('/v1/runs/{id}', { params: { path: { id } } }));
 */
export async function expectData<T>(request: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await request;
  if (response.ok && data !== undefined) return data;
  throw new ApiProblemError(response.status, (error ?? {}) as Partial<Problem>);
}
