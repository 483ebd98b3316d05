// Test support: raw request builders for the API tests' deliberately hand-made requests.

/** A JSON request body with its content type. */
export function jsonBody(value: unknown, method = 'POST'): RequestInit {
  return { method, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(value) };
}

/** The multipart body of `POST /v1/datasets`: text fields (name, format…) and one file part per role. */
export function datasetUploadForm(fields: Record<string, string>, files: Record<string, Uint8Array>): FormData {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  for (const [role, bytes] of Object.entries(files)) form.append(role, new Blob([bytes as Uint8Array<ArrayBuffer>]), role);
  return form;
}

/** TestServer's `fetch`: a raw fetch of `path` under `baseUrl` with `Authorization: Bearer <apiKey>` (`defaultKey` unless given; null sends none). */
export function bearerFetch(baseUrl: string, defaultKey: string): (path: string, init?: RequestInit, apiKey?: string | null) => Promise<Response> {
  return (path, init = {}, apiKey = defaultKey) => {
    const headers = new Headers(init.headers);
    if (apiKey !== null) headers.set('Authorization', `Bearer ${apiKey}`);
    return fetch(`${baseUrl}${path}`, { ...init, headers });
  };
}
