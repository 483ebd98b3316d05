// How the Node server serves the built dashboard at /ui: the page and every file it names, no key
// needed, a strict Content-Security-Policy, hashed files cached for good and the page revalidated,
// nothing outside dist/ui, and a clear problem when the dashboard has not been built.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/api/app';
import { createFolderAssets } from '../../src/server/folder-assets';
import { startTestServer, type TestServer } from '../support/server';

let server: TestServer;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server?.close());

describe('the dashboard on the Node server', () => {
  it('redirects /ui to /ui/ and serves the page and every asset it names without a key', async () => {
    const redirect = await server.fetch('/ui', { redirect: 'manual' }, null);
    expect(redirect.status).toBe(308);
    expect(redirect.headers.get('location')).toBe('/ui/');
    const page = await server.fetch('/ui/', {}, null);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('cache-control')).toBe('no-cache');
    const csp = page.headers.get('content-security-policy')!;
    for (const directive of ["script-src 'self'", "connect-src 'self'", "frame-ancestors 'none'"]) expect(csp).toContain(directive);
    const html = await page.text();
    expect(html).not.toMatch(/https?:\/\//);
    const assets = [...html.matchAll(/(?:src|href)="(\/ui\/assets\/[^"]+)"/g)].map((match) => match[1]!);
    expect(assets.filter((path) => path.endsWith('.js'))).toHaveLength(1);
    for (const path of assets) {
      const asset = await server.fetch(path, {}, null);
      expect(asset.status, path).toBe(200);
      expect(asset.headers.get('cache-control'), path).toBe('public, max-age=31536000, immutable');
      expect(asset.headers.get('x-content-type-options'), path).toBe('nosniff');
    }
  });

  it('answers files it does not have with a problem', async () => {
    for (const path of ['/ui/..%2Fpackage.json', '/ui/index.ts', '/ui/assets/nope.js']) {
      const response = await server.fetch(path, {}, null);
      expect(response.status, path).toBe(404);
      expect(response.headers.get('content-type'), path).toBe('application/problem+json');
    }
  });

  it('reads nothing outside its folder, no hidden file, and with `only` no other file', async () => {
    const root = await mkdtemp(join(tmpdir(), 'distillery-assets-'));
    try {
      await mkdir(join(root, 'inside', 'assets'), { recursive: true });
      await writeFile(join(root, 'outside.js'), 'secret');
      await writeFile(join(root, 'inside', '.hidden.js'), 'hidden');
      await writeFile(join(root, 'inside', 'page.html'), 'page');
      await writeFile(join(root, 'inside', 'assets', 'app.js'), 'app');
      const assets = createFolderAssets(join(root, 'inside'));
      expect(new TextDecoder().decode((await assets.get('assets/app.js'))!.body)).toBe('app');
      expect((await assets.get('page.html'))!.contentType).toBe('text/html; charset=utf-8');
      for (const path of ['../outside.js', 'assets/../../outside.js', '.hidden.js', 'assets//app.js', '/assets/app.js', 'assets', 'missing.js']) {
        expect(await assets.get(path), path).toBeNull();
      }
      const onlyApp = createFolderAssets(join(root, 'inside'), ['assets/app.js']);
      expect(await onlyApp.get('assets/app.js')).not.toBeNull();
      expect(await onlyApp.get('page.html')).toBeNull();
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it("serves /docs only Swagger UI's own files, not the package's demo pages", async () => {
    expect((await server.fetch('/docs/swagger-ui-bundle.js', {}, null)).status).toBe(200);
    for (const file of ['index.html', 'oauth2-redirect.html', 'package.json']) expect((await server.fetch(`/docs/${file}`, {}, null)).status, file).toBe(404);
  });

  it('says how to build the dashboard where it has not been built', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'distillery-no-ui-'));
    try {
      const app = createApp({ ...server.deps, uiAssets: createFolderAssets(empty) });
      const response = await app.request('/ui/');
      expect(response.status).toBe(404);
      expect(((await response.json()) as { detail: string }).detail).toContain('npm run build:ui');
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });
});
