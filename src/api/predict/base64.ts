// Strict base64 (RFC 4648, standard or URL-safe alphabet, padding optional) for images sent inside JSON.
import { invalidInput } from './errors';

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}(?:==)?|[A-Za-z0-9+/]{3}=?)?$/;

/** The bytes `text` encodes; 400 naming `path` when it is not base64 (or empty). `atob` exists on every runtime we run on. */
export function decodeBase64(text: string, path: string): Uint8Array {
  const standard = text.replaceAll('-', '+').replaceAll('_', '/');
  if (text.length === 0 || !BASE64.test(standard)) throw invalidInput(`${path}: is not valid base64`, path);
  const binary = atob(standard);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
