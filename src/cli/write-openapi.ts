// Writes openapi/openapi.json from the registered routes (`npm run openapi` then regenerates the types).
// Lives outside src/api because it touches the file system; the API layer stays runtime-agnostic.
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { buildOpenApiDocument } from '../api/app';
import { serializeSpec } from '../api/openapi/document';

export const SPEC_FILE = fileURLToPath(new URL('../../openapi/openapi.json', import.meta.url));

export async function writeOpenApiSpec(): Promise<string> {
  await writeFile(SPEC_FILE, serializeSpec(buildOpenApiDocument()));
  return SPEC_FILE;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.stdout.write(`wrote ${await writeOpenApiSpec()}\n`);
}
