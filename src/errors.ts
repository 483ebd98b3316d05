// The one error base of Distillery: every typed error (registry, API, training engine, dataset
// parsers) extends it, so the API's single error handler can turn any of them into problem+json.

/** `type` is the stable RFC 9457 problem type suffix, `status` the HTTP status it maps to. */
export abstract class DistilleryError extends Error {
  abstract readonly type: string;
  abstract readonly status: number;
  /** Extra problem members (e.g. the offending field) for clients to act on. */
  readonly details: Record<string, unknown>;

  constructor(message: string, details: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.details = details;
  }
}
