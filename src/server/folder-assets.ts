// Node adapter for StaticAssets: files of one folder (swagger-ui-dist's for /docs, the built dashboard
// for /ui), read on request, never from outside the folder.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { StaticAssets } from '../api/app-env';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.map': 'application/json',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.woff2': 'font/woff2',
};

// Every segment a plain name (no `..`, no hidden files, no separators): no path traversal.
const SAFE_SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** The folder's files; with `only`, just those (a package folder holds more than the page needs). */
export function createFolderAssets(folder: string, only?: readonly string[]): StaticAssets {
  return {
    async get(path) {
      const segments = path.split('/');
      const contentType = CONTENT_TYPES[path.slice(path.lastIndexOf('.'))];
      if (!contentType || segments.some((segment) => !SAFE_SEGMENT.test(segment) || segment.includes('..'))) return null;
      if (only && !only.includes(path)) return null;
      try {
        return { body: new Uint8Array(await readFile(join(folder, ...segments))), contentType };
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT' || code === 'EISDIR' || code === 'ENOTDIR') return null;
        throw error;
      }
    },
  };
}
