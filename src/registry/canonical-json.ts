// JSON with its object keys sorted at every depth: the same value gives the same bytes whatever the
// order it was built in (or PostgreSQL's jsonb, which keeps no key order, handed it back in).

/** Recursively sorts object keys so the value serialises byte-stable. */
export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
  );
}

/** `JSON.stringify` of the value with sorted keys. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}
