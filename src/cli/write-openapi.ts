// Writes openapi/openapi.json from the registered routes (`npm run openapi` then regenerates the types).
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { buildOpenApiDocument } from '../app';

export const SPEC_FILE = fileURLToPath(new URL('../../../openapi/openapi.json', import.meta.url));

/** The exact bytes of the committed spec: 2-space JSON with a trailing newline. */
export function serializeSpec(document: unknown): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await writeFile(SPEC_FILE, serializeSpec(buildOpenApiDocument()));
  process.stdout.write(`wrote ${SPEC_FILE}\n`);
}
