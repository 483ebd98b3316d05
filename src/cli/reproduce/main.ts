// npm run reproduce -- --preset NAME [--api URL --token T] [--nodes N] [--out DIR]: the reference experiment
// through the API (generated client only), against a running service or the embedded default started here.
import { writeFile, mkdir } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createDistilleryClient } from '../../../openapi/client';
import { UsageError } from '../cli-options';
import { registerDataset } from './datasets';
import { PRESETS, PRESET_NAMES, type Preset } from './presets';
import { logLine } from './progress-lines';
import { protocolSteps } from './protocol';
import { resultsMarkdown } from './report-markdown';
import { collectResults } from './results';
import { runSteps } from './runner';
import { newEmbeddedAdminKey, startEmbeddedService, type Service } from './service';
import { loadState, saveState, type ReproductionState } from './state';

const USAGE = `usage: npm run reproduce -- --preset ${PRESET_NAMES.join('|')} [--api URL --token T] [--nodes N] [--out DIR]
  [--results DIR] [--prefix NAME] [--epochs N] [--limit N] [--data-dir DIR]`;

function positiveInteger(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^[1-9]\d*$/.test(value)) throw new UsageError(`--${name} must be a positive integer, got "${value}"`);
  return Number(value);
}

function parseCommandLine(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      options: {
        preset: { type: 'string' },
        api: { type: 'string' },
        token: { type: 'string' },
        nodes: { type: 'string' },
        out: { type: 'string' },
        results: { type: 'string', default: 'docs/results' },
        prefix: { type: 'string' },
        epochs: { type: 'string' },
        limit: { type: 'string' },
        'data-dir': { type: 'string' },
        'poll-seconds': { type: 'string', default: '2' },
      },
      strict: true,
    });
  } catch (error) {
    // An unknown flag or a missing value: a usage mistake like the others.
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

function parseOptions(argv: string[]) {
  const { values } = parseCommandLine(argv);
  const preset = values.preset && PRESETS[values.preset];
  if (!preset) throw new UsageError(`--preset must be one of ${PRESET_NAMES.join(', ')}`);
  const token = values.token ?? process.env.DISTILLERY_TOKEN;
  if (values.api && !token) throw new UsageError('--api needs a key with read and write scopes: --token T or DISTILLERY_TOKEN');
  if (values.api && values.nodes) throw new UsageError("--nodes starts the embedded service's nodes; with --api the service's own nodes train");
  const epochs = positiveInteger('epochs', values.epochs) ?? preset.hyperparameters.epochs;
  const limit = positiveInteger('limit', values.limit) ?? null;
  const pollSeconds = Number(values['poll-seconds']);
  if (!(pollSeconds > 0)) throw new UsageError(`--poll-seconds must be a positive number, got "${values['poll-seconds']}"`);
  return {
    preset,
    api: values.api ? { url: values.api.replace(/\/+$/, ''), token: token! } : null,
    nodes: positiveInteger('nodes', values.nodes) ?? availableParallelism(),
    out: values.out ?? join('.reproduce', preset.name),
    resultsDir: values.results,
    prefix: values.prefix ?? preset.name,
    epochs,
    limit,
    dataDir: values['data-dir'],
    pollMs: pollSeconds * 1000,
    /** A result file named after the preset holds only the preset as defined; a shortened run says so in its name. */
    resultName: [preset.name, limit && `limit-${limit}`, epochs !== preset.hyperparameters.epochs && `epochs-${epochs}`].filter(Boolean).join('-'),
  };
}

type Options = ReturnType<typeof parseOptions>;

/** The command as the report quotes it (no key). */
const quotedCommand = (argv: string[]) =>
  `npm run reproduce -- ${argv.map((arg, i) => (argv[i - 1] === '--token' ? '$TOKEN' : arg.startsWith('--token=') ? '--token=$TOKEN' : arg)).join(' ')}`;

async function openService(options: Options, state: ReproductionState, save: () => Promise<void>): Promise<Service> {
  if (options.api) return { url: options.api.url, token: options.api.token, close: async () => {} };
  state.embeddedAdminKey ??= newEmbeddedAdminKey();
  await save();
  logLine(`starting the embedded service in ${options.out}/service with ${options.nodes} training node(s)`);
  return startEmbeddedService(options.out, options.nodes, state.embeddedAdminKey);
}

async function reproduce(argv: string[]): Promise<number> {
  const options = parseOptions(argv);
  const { preset, out } = options;
  const settings = { prefix: options.prefix, epochs: options.epochs, limit: options.limit };
  const state = await loadState(out, preset.name, settings);
  const sessionStarted = Date.now();
  const elapsedBefore = state.elapsedSeconds;
  const save = () => {
    state.elapsedSeconds = elapsedBefore + (Date.now() - sessionStarted) / 1000;
    return saveState(out, state);
  };
  const service = await openService(options, state, save);
  const stop = async (signal: string) => {
    logLine(`${signal}: stopping; start again with the same --out to resume (finished runs are kept)`);
    await save();
    await service.close();
    process.exit(130);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
  try {
    const client = createDistilleryClient(service.url, service.token);
    state.dataset ??= await registerDataset(client, preset.dataset, {
      name: datasetName(preset, options.prefix),
      dataDir: options.dataDir,
      limit: options.limit ?? undefined,
      idempotencyKey: `reproduce-${state.protocolId}-dataset`,
    });
    await save();
    logLine(`${preset.name}: ${preset.description}; dataset ${state.dataset.name} version ${state.dataset.version}, ${options.epochs} epoch(s)`);
    const ctx = { client, state, preset, epochs: options.epochs, dataset: state.dataset };
    const unfinished = await runSteps(ctx, protocolSteps(options.prefix), { save, pollMs: options.pollMs, progressEveryMs: 15_000 });
    if (unfinished.length > 0) {
      logLine(`${unfinished.length} step(s) did not finish:`);
      for (const step of unfinished) logLine(`  ${step.label}: ${state.steps[step.id]?.error ?? 'waits for a failed step'}`);
      logLine(`start again with --out ${out} to resume: finished runs are kept, failed ones run again`);
      return 1;
    }
    await save();
    const results = await collectResults({
      client,
      state,
      preset,
      epochs: options.epochs,
      limit: options.limit,
      service: options.api ? options.api.url : `embedded (${options.nodes} node(s))`,
      wallSeconds: state.elapsedSeconds,
    });
    await mkdir(options.resultsDir, { recursive: true });
    const base = join(options.resultsDir, options.resultName);
    await writeFile(`${base}.json`, `${JSON.stringify(results, null, 2)}\n`);
    await writeFile(`${base}.md`, resultsMarkdown(results, quotedCommand(argv)));
    logLine(`wrote ${base}.md and ${base}.json`);
    process.stdout.write(`${base}.md\n`);
    return 0;
  } finally {
    await service.close();
  }
}

function datasetName(preset: Preset, prefix: string): string {
  if (preset.dataset.kind === 'builtin') return preset.dataset.builtin;
  if (preset.dataset.kind === 'builtin-subset') return `${prefix}-${preset.dataset.builtin}`;
  return `${prefix}-cifar10`;
}

reproduce(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`${error.message}\n${USAGE}\n`);
      process.exit(2);
    }
    process.stderr.write(`reproduce failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
