// Validation of blob keys: `/`-separated relative paths that can never escape a store's root.
import { UnprocessableError } from '../../errors';

/** Longest key accepted, in UTF-8 bytes: S3's own object-key limit. */
const MAX_KEY_BYTES = 1024;

// C0 controls (NUL included), DEL and C1 controls.
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * Throws UnprocessableError unless `key` is a safe relative path such as `models/m/1/weights.bin`.
 * Both adapters apply the same rule, so a key that works on a local folder also works on S3 and
 * the other way round. Segments starting with `.` are refused: that covers `.` and `..`, and
 * leaves dot-names free for a store's in-progress files.
 */
export function assertValidBlobKey(key: string): void {
  const reason = invalidKeyReason(key);
  if (reason !== null) {
    throw new UnprocessableError(`invalid blob key: ${reason}`, { key, reason });
  }
}

function invalidKeyReason(key: string): string | null {
  if (key.length === 0) return 'key is empty';
  if (new TextEncoder().encode(key).byteLength > MAX_KEY_BYTES) return `key is longer than ${MAX_KEY_BYTES} bytes`;
  if (CONTROL_CHARACTER.test(key)) return 'key contains a control character';
  if (key.includes('\\')) return 'key contains a backslash';
  if (key.startsWith('/')) return 'key is absolute';
  for (const segment of key.split('/')) {
    if (segment.length === 0) return 'key has an empty path segment';
    if (segment.startsWith('.')) return 'key has a path segment starting with "."';
  }
  return null;
}
