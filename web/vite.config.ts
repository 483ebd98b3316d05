// Builds the dashboard (web/src) into dist/ui, which the API serves at /ui (src/api/routes/ui.ts).
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  // Every asset URL is under /ui/, the one path the app and Workers' static assets serve it at.
  base: '/ui/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: fileURLToPath(new URL('../dist/ui', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    // The built files' names carry their content hash: the server caches them for a year.
    assetsDir: 'assets',
  },
  server: {
    // `npm run dev:ui`: Vite's dev server, with the API of a running `npm start` behind it.
    proxy: Object.fromEntries(['/v1', '/health', '/openapi.json'].map((path) => [path, 'http://127.0.0.1:8080'])),
  },
});
