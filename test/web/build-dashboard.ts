// Vitest global setup: builds the dashboard from web/ before any test runs, so the browser tests check
// the sources as they are, not whatever `npm install` built earlier.
import { build } from 'vite';

export default async function buildDashboard(): Promise<void> {
  await build({ configFile: new URL('../../web/vite.config.ts', import.meta.url).pathname, logLevel: 'warn' });
}
