// Run and evaluation statuses as the pages treat them.
const FINISHED = new Set(['succeeded', 'failed', 'cancelled']);

/** Succeeded, failed or cancelled: nothing about it changes any more. */
export const isFinished = (status: string): boolean => FINISHED.has(status);
