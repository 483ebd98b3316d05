// /ui: the dashboard (web/, built into dist/ui), public like /docs: the page asks for an API key and
// calls the API with it. On Workers these files are static assets and never reach this route.
import { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AppEnv } from '../app-env';
import { publicAccess } from '../middleware/auth';
import { problemResponse } from '../problem';

// The page runs only its own scripts and talks only to this origin; the key it holds cannot be sent
// elsewhere by an injected script or read by a framing page. Styles set from scripts (charts, bars)
// need 'unsafe-inline' for style attributes.
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

/** Built file names carry a content hash: cached for a year. The page itself is revalidated every time. */
const cacheControl = (path: string) => (path.startsWith('assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');

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
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
  });
}

export const uiRoutes = new OpenAPIHono<AppEnv>()
  // The built page's URLs are absolute (/ui/assets/…); the trailing slash is where Workers' assets serve it too.
  .get('/', publicAccess, (c) => (new URL(c.req.url).pathname.endsWith('/') ? serveAsset(c, 'index.html') : c.redirect('/ui/', 308)))
  .get('/*', publicAccess, (c) => serveAsset(c, new URL(c.req.url).pathname.replace(/^\/ui\//, '') || 'index.html'));
