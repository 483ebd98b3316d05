// Strict base64 (RFC 4648, standard or URL-safe alphabet, padding optional) for images sent inside JSON.
import { invalidInput } from './errors';

// Checked with a character class and arithmetic, not one pattern over the whole text: a regex with a repeated
// group backtracks and overflows the stack on megabyte strings.
const NOT_BASE64_BODY = /[^A-Za-z0-9+/]/;

/** Standard-alphabet text with optional padding whose length leaves no stray sextet. */
function isBase64(text: string): boolean {
  const body = text.replace(/={1,2}$/, '');
  if (text.length > body.length && text.length % 4 !== 0) return false;
  return body.length % 4 !== 1 && !NOT_BASE64_BODY.test(body);
}

/** The bytes `text` encodes; 400 naming `path` when it is not base64 (or empty). `atob` exists on every runtime we run on. */
export function decodeBase64(text: string, path: string): Uint8Array {
  const standard = text.replaceAll('-', '+').replaceAll('_', '/');
  if (text.length === 0 || !isBase64(standard)) throw invalidInput(`${path}: is not valid base64`, path);
  const binary = atob(standard);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
