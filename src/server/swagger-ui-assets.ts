// Node adapter for the /docs page: serves swagger-ui-dist's files from node_modules (no CDN).
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { DocsAssets } from '../api/app-env';

const CONTENT_TYPES: Record<string, string> = {
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.png': 'image/png',
  '.map': 'application/json',
};

// Only files under the package's own folder with a plain name may be read: no path traversal.
const SAFE_FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export function createSwaggerUiAssets(): DocsAssets {
  const folder = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
  return {
    async get(fileName) {
      const extension = fileName.slice(fileName.lastIndexOf('.'));
      const contentType = CONTENT_TYPES[extension];
      if (!SAFE_FILE_NAME.test(fileName) || fileName.includes('..') || !contentType) return null;
      try {
        return { body: new Uint8Array(await readFile(join(folder, fileName))), contentType };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw error;
      }
    },
  };
}
