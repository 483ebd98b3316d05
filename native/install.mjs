// Builds the optional oneDNN addon (npm's install step runs this). Without oneDNN or a compiler it
// says why and exits 0, so `npm install` succeeds and the engine runs on plain wasm;
// `--required` (npm run build:native) exits 1 instead.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const NATIVE = dirname(fileURLToPath(import.meta.url));
const BUILD = join(NATIVE, 'build');
const required = process.argv.includes('--required');

/** Records the outcome where the engine reads it (src/training/backend/onednn-addon.ts) and ends. */
function finish(built, reason, log = '') {
  mkdirSync(BUILD, { recursive: true });
  writeFileSync(join(BUILD, 'status.json'), `${JSON.stringify({ built, reason }, null, 2)}\n`);
  if (log) writeFileSync(join(BUILD, 'build.log'), log);
  // An addon left from an earlier build must not outlive a status that says there is none.
  if (!built) rmSync(join(BUILD, 'Release'), { recursive: true, force: true });
  if (built) {
    console.log('distillery: built the oneDNN addon (native/build/Release/distillery_onednn.node)');
    process.exit(0);
  }
  console.warn(`distillery: the oneDNN addon was not built: ${reason}.\n` +
    'The engine will run on plain WebAssembly. For native speed: apt-get install libdnnl-dev, then npm run build:native.');
  process.exit(required ? 1 : 0);
}

if (process.env.DISTILLERY_ONEDNN === 'off') finish(false, 'DISTILLERY_ONEDNN=off at install time');

/** Where the compiler looks for headers: the standard prefixes and CPATH / CPLUS_INCLUDE_PATH. */
const includeDirs = [
  ...(process.env.CPLUS_INCLUDE_PATH ?? '').split(':'),
  ...(process.env.CPATH ?? '').split(':'),
  '/usr/local/include',
  '/usr/include',
].filter(Boolean);
if (!includeDirs.some((dir) => existsSync(join(dir, 'oneapi', 'dnnl', 'dnnl.hpp')))) {
  finish(false, `oneDNN's headers (oneapi/dnnl/dnnl.hpp) are not in ${includeDirs.join(', ')}`);
}

/** npm names its bundled node-gyp in lifecycle scripts; run by hand, it sits beside npm. */
function nodeGyp() {
  const candidates = [
    process.env.npm_config_node_gyp,
    join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
  ];
  return candidates.find((path) => path && existsSync(path));
}

const gyp = nodeGyp();
if (gyp === undefined) finish(false, 'node-gyp was not found (it ships with npm)');
const args = [gyp, 'rebuild'];
// Offline, node-gyp must use the installed Node headers instead of downloading them.
const prefix = dirname(dirname(process.execPath));
if (!process.env.npm_config_nodedir && existsSync(join(prefix, 'include', 'node', 'node_api.h'))) args.push(`--nodedir=${prefix}`);
const build = spawnSync(process.execPath, args, { cwd: NATIVE, encoding: 'utf8' });
const log = `${build.stdout ?? ''}${build.stderr ?? ''}`;
if (build.status === 0) finish(true, null, log);
const firstError = log.split('\n').find((line) => /error/i.test(line) && !line.startsWith('gyp info')) ?? `node-gyp exited with ${build.status}`;
finish(false, `the build failed (${firstError.trim()}; full log: native/build/build.log)`, log);
