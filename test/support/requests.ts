// Test support: raw request builders for the API tests' deliberately hand-made requests.

/** A JSON request body with its content type. */
export function jsonBody(value: unknown, method = 'POST'): RequestInit {
  return { method, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(value) };
}
