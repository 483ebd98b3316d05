// What the log may say about an unexpected error: its classes, the driver's code (SQLSTATE) and a
// message — never a failed query's text or parameters, which hold user metadata and key hashes.

export interface LoggedError {
  /** Class names along the `cause` chain, outermost first, e.g. `DrizzleQueryError <- DatabaseError`. */
  errorClass: string;
  /** The first string `code` along the chain: SQLSTATE on PostgreSQL, `SQLITE_*` on SQLite. */
  code: string | null;
  message: string;
  /** Stack frames of the outermost error, without its message. */
  stack: string | null;
}

// drizzle's DrizzleQueryError says `Failed query: <sql>\nparams: <values>`; its cause says what failed.
const QUERY_ECHO = /^Failed query:/;

export function describeError(error: unknown): LoggedError {
  const chain: Error[] = [];
  for (let current = error; current instanceof Error && !chain.includes(current); current = current.cause) chain.push(current);
  if (chain.length === 0) return { errorClass: typeof error, code: null, message: 'a non-Error value was thrown', stack: null };
  const code = chain.map((e) => (e as { code?: unknown }).code).find((c): c is string => typeof c === 'string') ?? null;
  const told = chain.find((e) => !QUERY_ECHO.test(e.message));
  const stack = chain[0]!.stack ?? '';
  const frames = stack.indexOf('\n    at ');
  return {
    errorClass: chain.map((e) => e.constructor.name).join(' <- '),
    code,
    message: told?.message ?? 'a database query failed',
    stack: frames >= 0 ? stack.slice(frames + 1) : null,
  };
}
