// `runs create` flags (or a run.json file) to the body of POST /v1/runs. Only the syntax is checked
// here; the API validates the run against the registry and names any field it refuses.
import { readFile } from 'node:fs/promises';
import type { components } from '../../openapi/schema';
import { UsageError, numberOption } from './cli-options';

type CreateRun = components['schemas']['CreateRun'];
type VersionRef = { model: string; version: number | string };

/** The body sent: the CreateRun schema plus `init` (a train or distill run starting from a version). */
export type RunBody = CreateRun & { init?: VersionRef };

export const RUN_FLAGS = {
  kind: { type: 'string' },
  dataset: { type: 'string' },
  model: { type: 'string' },
  architecture: { type: 'string' },
  teacher: { type: 'string', multiple: true },
  aggregation: { type: 'string' },
  init: { type: 'string' },
  evaluate: { type: 'string' },
  epochs: { type: 'string' },
  'batch-size': { type: 'string' },
  lr: { type: 'string' },
  optimizer: { type: 'string' },
  seed: { type: 'string' },
  temperature: { type: 'string' },
  alpha: { type: 'string' },
  augmentation: { type: 'boolean' },
  'max-attempts': { type: 'string' },
} as const;

type RunFlags = { [K in keyof typeof RUN_FLAGS]?: (typeof RUN_FLAGS)[K] extends { multiple: true } ? string[] : (typeof RUN_FLAGS)[K] extends { type: 'boolean' } ? boolean : string };

/** `name@3`, `name@production`: a number reads as a version number, anything else as an alias. */
export function parseVersionRef(raw: string, flag: string): VersionRef {
  const at = raw.lastIndexOf('@');
  if (at <= 0 || at === raw.length - 1) throw new UsageError(`${flag} must be MODEL@VERSION, got "${raw}"`);
  const version = raw.slice(at + 1);
  return { model: raw.slice(0, at), version: /^[1-9]\d*$/.test(version) ? Number(version) : version };
}

/** `teacher@2:0.7` (the weight is optional). */
function parseTeacher(raw: string): NonNullable<CreateRun['teachers']>[number] {
  const colon = raw.lastIndexOf(':');
  if (colon === -1) return parseVersionRef(raw, '--teacher');
  return { ...parseVersionRef(raw.slice(0, colon), '--teacher'), weight: numberOption(raw.slice(colon + 1), '--teacher weight') };
}

/** `fashion` or `fashion@2`. */
function parseDatasetRef(raw: string): CreateRun['dataset'] {
  const at = raw.indexOf('@');
  if (at === -1) return { name: raw };
  const version = raw.slice(at + 1);
  if (!/^[1-9]\d*$/.test(version)) throw new UsageError(`--dataset must be NAME or NAME@VERSION (a number), got "${raw}"`);
  return { name: raw.slice(0, at), version: Number(version) };
}

/** The hyperparameters the flags set; anything absent takes the reference protocol's default on the server. */
function hyperparametersOf(flags: RunFlags): Record<string, unknown> | undefined {
  const numbers: [keyof RunFlags, string][] = [
    ['epochs', 'epochs'],
    ['batch-size', 'batchSize'],
    ['seed', 'seed'],
    ['temperature', 'temperature'],
    ['alpha', 'alpha'],
  ];
  const hyperparameters: Record<string, unknown> = {};
  for (const [flag, key] of numbers) {
    const raw = flags[flag];
    if (typeof raw === 'string') hyperparameters[key] = numberOption(raw, `--${flag}`);
  }
  if (flags.augmentation) hyperparameters.augmentation = true;
  if (flags.optimizer !== undefined || flags.lr !== undefined) {
    hyperparameters.optimizer = {
      ...(flags.optimizer === undefined ? {} : { name: flags.optimizer }),
      ...(flags.lr === undefined ? {} : { learningRate: numberOption(flags.lr, '--lr') }),
    };
  }
  return Object.keys(hyperparameters).length === 0 ? undefined : hyperparameters;
}

/** The request body the flags describe. */
export function runBodyFromFlags(flags: RunFlags): RunBody {
  if (!flags.kind) throw new UsageError('runs create needs --kind train|distill|evaluate (or --file run.json)');
  if (!flags.dataset) throw new UsageError('runs create needs --dataset NAME[@VERSION]');
  const body: RunBody = { kind: flags.kind as CreateRun['kind'], dataset: parseDatasetRef(flags.dataset) };
  if (flags.model !== undefined) body.model = flags.model;
  if (flags.architecture !== undefined) body.architecture = flags.architecture as CreateRun['architecture'];
  if (flags.teacher !== undefined) body.teachers = flags.teacher.map(parseTeacher);
  if (flags.aggregation !== undefined) body.aggregation = flags.aggregation as CreateRun['aggregation'];
  if (flags.init !== undefined) body.init = parseVersionRef(flags.init, '--init');
  if (flags.evaluate !== undefined) body.version = parseVersionRef(flags.evaluate, '--evaluate');
  const hyperparameters = hyperparametersOf(flags);
  if (hyperparameters) body.hyperparameters = hyperparameters;
  if (flags['max-attempts'] !== undefined) body.maxAttempts = numberOption(flags['max-attempts'], '--max-attempts');
  return body;
}

/** run.json as written: the API checks it, so a file and the equivalent flags get the same answer. */
export async function runBodyFromFile(path: string): Promise<RunBody> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read --file ${path}: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text) as RunBody;
  } catch (error) {
    throw new UsageError(`--file ${path} is not JSON: ${(error as Error).message}`);
  }
}

/** Which run flags were given: --file excludes them all. */
export const givenRunFlags = (flags: RunFlags): string[] => Object.keys(RUN_FLAGS).filter((flag) => flags[flag as keyof RunFlags] !== undefined);
