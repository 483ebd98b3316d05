// The dashboard's only way to the server: the generated OpenAPI client, authenticated with the key the
// user entered, and the problem+json errors it returns turned into one error type the pages show.
import { createDistilleryClient, type DistilleryClient } from '../../openapi/client';
import type { components, paths } from '../../openapi/schema';

export type Schemas = components['schemas'];
export type Scope = Schemas['Scope'];
/** An evaluation as `GET /v1/evaluations` returns it (the schema's `metrics` composes badly into one type). */
export type Evaluation = paths['/v1/evaluations']['get']['responses'][200]['content']['application/json']['items'][number];

/** An API error as the server described it (RFC 9457): the page shows `detail`. */
export class ProblemError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
  ) {
    super(detail || title);
  }
}

interface Problem {
  title?: string;
  detail?: string;
}

export function problemOf(response: Response, body: unknown): ProblemError {
  const problem = (typeof body === 'object' && body !== null ? body : {}) as Problem;
  const title = problem.title ?? response.statusText;
  return new ProblemError(response.status, title, problem.detail ?? title ?? `HTTP ${response.status}`);
}

/** The data of an openapi-fetch call, or its problem thrown. */
export async function data<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data: body, error, response } = await call;
  if (error !== undefined || body === undefined) throw problemOf(response, error);
  return body;
}

export interface Session {
  client: DistilleryClient;
  key: string;
  /** The key's own record (`GET /v1/keys/current`): its name and scopes. */
  identity: Schemas['ApiKey'];
}

export function can(session: Session, scope: Scope): boolean {
  return session.identity.scopes.includes('admin') || session.identity.scopes.includes(scope);
}

// Session storage: the key lives as long as the tab (and tabs the browser duplicates from it), never in
// localStorage or a cookie.
const KEY_ITEM = 'distillery.apiKey';

export const storedKey = (): string | null => sessionStorage.getItem(KEY_ITEM);
export const forgetKey = (): void => sessionStorage.removeItem(KEY_ITEM);

/** Checks the key against the server; keeps it only when the server accepts it. */
export async function signIn(key: string): Promise<Session> {
  const client = createDistilleryClient(location.origin, key);
  const identity = await data(client.GET('/v1/keys/current'));
  sessionStorage.setItem(KEY_ITEM, key);
  return { client, key, identity };
}

/** Hands a file the client fetched (`parseAs: 'blob'`) to the browser as a download. */
export async function saveAs(call: Promise<{ data?: unknown; error?: unknown; response: Response }>, fileName: string): Promise<void> {
  // openapi-fetch types `data` by the route's declared content, not by `parseAs`: with 'blob' it is a Blob.
  const url = URL.createObjectURL((await data(call)) as Blob);
  const link = Object.assign(document.createElement('a'), { href: url, download: fileName });
  link.click();
  // The click has read the URL by now; revoking it frees the blob.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
