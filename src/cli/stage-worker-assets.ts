// wrangler.toml's [build]: stages Workers' static assets in dist/worker-assets — Swagger UI's files for
// /docs, the dashboard freshly built from web/ for /ui/, and `_headers` giving /ui/ the headers the Node
// server sends (src/api/routes/ui.ts). Staged in a folder of its own and swapped in whole, because
// several builds may run at once (the Worker test files each build the bundle) while a running
// workerd serves the folder.
import { cp, mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';
import { SWAGGER_UI_FILES } from '../api/routes/docs';
import { uiHeadersFile } from '../api/routes/ui';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TARGET = join(ROOT, 'dist', 'worker-assets');

async function stage(folder: string): Promise<void> {
  const swaggerUi = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
  await mkdir(join(folder, 'docs'));
  for (const file of SWAGGER_UI_FILES) await cp(join(swaggerUi, file), join(folder, 'docs', file));
  await build({ configFile: join(ROOT, 'web', 'vite.config.ts'), build: { outDir: join(folder, 'ui') }, logLevel: 'warn' });
  await writeFile(join(folder, '_headers'), uiHeadersFile());
}

const code = (error: unknown) => (error as NodeJS.ErrnoException).code;

/** Replaces TARGET by `staged`: the old folder moves aside first; a concurrent swap just tries again. */
async function swapIn(staged: string): Promise<void> {
  for (;;) {
    const aside = `${staged}-old`;
    await rename(TARGET, aside).catch((error: unknown) => {
      if (code(error) !== 'ENOENT') throw error;
    });
    await rm(aside, { recursive: true, force: true });
    try {
      await rename(staged, TARGET);
      return;
    } catch (error) {
      if (code(error) !== 'ENOTEMPTY' && code(error) !== 'EEXIST') throw error;
    }
  }
}

await mkdir(dirname(TARGET), { recursive: true });
const staged = await mkdtemp(`${TARGET}-staging-`);
try {
  await stage(staged);
  await swapIn(staged);
} finally {
  await rm(staged, { recursive: true, force: true });
}
process.stdout.write(`staged ${TARGET}\n`);
