// /ui: the dashboard (web/, built into dist/ui), public like /docs: the page asks for an API key and
// calls the API with it. On Workers these files are static assets and never reach this route.
import { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AppEnv } from '../app-env';
import { publicAccess } from '../middleware/auth';
import { problemResponse } from '../problem';

// The page runs only its own scripts and talks only to this origin: an injected script could not send
// the key it holds elsewhere, and no other page may frame it. Preact and uPlot set styles through the
// CSSOM (element.style), which style-src does not restrict, so no 'unsafe-inline' is needed.
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

/** Headers of every dashboard file; Workers' static assets get the same ones from `_headers` (uiHeadersFile, written by src/cli/stage-worker-assets.ts). */
export const UI_SECURITY_HEADERS = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
} as const;

/** Built file names carry a content hash: cached for a year. The page itself is revalidated every time. */
export const IMMUTABLE_CACHE = 'public, max-age=31536000, immutable';
const cacheControl = (path: string) => (path.startsWith('assets/') ? IMMUTABLE_CACHE : 'no-cache');

/** Cloudflare's `_headers` file giving /ui/ on Workers the headers this route sends on Node. */
export function uiHeadersFile(): string {
  const lines = (headers: Record<string, string>) => Object.entries(headers).map(([name, value]) => `  ${name}: ${value}`);
  return [`/ui/*`, ...lines({ ...UI_SECURITY_HEADERS, 'Cache-Control': 'no-cache' }), `/ui/assets/*`, `  ! Cache-Control`, ...lines({ 'Cache-Control': IMMUTABLE_CACHE }), ''].join('\n');
}

async function serveAsset(c: Context<AppEnv>, path: string) {
  const assets = c.get('deps').uiAssets;
  const asset = assets ? await assets.get(path) : null;
  if (!asset) {
    if (path === 'index.html') return problemResponse(c, 404, 'the dashboard is not built here: run `npm run build:ui` (npm install does it)');
    return problemResponse(c, 404, `no dashboard file named "${path}"`);
  }
  return c.body(asset.body as Uint8Array<ArrayBuffer>, 200, {
    'Content-Type': asset.contentType,
    'Cache-Control': cacheControl(path),
    ...UI_SECURITY_HEADERS,
  });
}

export const uiRoutes = new OpenAPIHono<AppEnv>()
  // The built page's URLs are absolute (/ui/assets/…); the trailing slash is where Workers' assets serve it too.
  .get('/', publicAccess, (c) => (new URL(c.req.url).pathname.endsWith('/') ? serveAsset(c, 'index.html') : c.redirect('/ui/', 308)))
  .get('/*', publicAccess, (c) => serveAsset(c, new URL(c.req.url).pathname.replace(/^\/ui\//, '') || 'index.html'));
