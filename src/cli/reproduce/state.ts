// What a reproduction has done so far, kept in `<out>/state.json` so that a second start with the same
// `--out` resumes where the first stopped: finished steps are read back, never redone.
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** A registered version: what later steps name as teacher, member or evaluation target. */
export interface VersionOutcome {
  versionId: string;
  model: string;
  version: number;
}

export interface Score {
  count: number;
  accuracy: number;
  nll: number;
  ece: number;
}

export interface StepRecord {
  /** Submissions so far; the idempotency key names the current one, so a replayed POST finds its run. */
  submissions: number;
  runId?: string;
  status: 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
  /** train, distill: the version the run registered. */
  result?: VersionOutcome;
  /** evaluate: the target's numbers, and for an ensemble each member's. */
  score?: Score;
  memberScores?: (Score & VersionOutcome)[];
  /** ensemble: its name and the revision created. */
  ensembleName?: string;
  revision?: number;
  node?: string | null;
  attempts?: number;
  /** From the run's startedAt to its finishedAt, as the API recorded them. */
  seconds?: number;
  error?: string;
}

export interface ReproductionState {
  /** Makes this reproduction's idempotency keys its own. */
  protocolId: string;
  preset: string;
  /** The protocol's settings as first started; a resume with other settings is refused. */
  settings: Record<string, unknown>;
  /** The admin key of the embedded service this reproduction started (it lives under `<out>/service`). */
  embeddedAdminKey?: string;
  dataset?: { name: string; version: number };
  steps: Record<string, StepRecord>;
  /** Wall time of every session so far (brought up to date on every save), so the total covers a resumed protocol too. */
  elapsedSeconds: number;
  startedAt: string;
}

export const stateFile = (out: string) => join(out, 'state.json');

/** The state in `out`, or a fresh one when there is none. */
export async function loadState(out: string, preset: string, settings: Record<string, unknown>): Promise<ReproductionState> {
  const text = await readFile(stateFile(out), 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return null;
    throw error;
  });
  if (text === null) {
    return { protocolId: randomBytes(6).toString('hex'), preset, settings, steps: {}, elapsedSeconds: 0, startedAt: new Date().toISOString() };
  }
  const state = JSON.parse(text) as ReproductionState;
  const same = state.preset === preset && JSON.stringify(state.settings) === JSON.stringify(settings);
  if (!same) {
    throw new Error(
      `${stateFile(out)} belongs to another reproduction (${state.preset} ${JSON.stringify(state.settings)}); ` +
        'use another --out, or the same options to resume it',
    );
  }
  return state;
}

/** Written to a temporary file and renamed over the old one, so a crash never leaves half a state. */
export async function saveState(out: string, state: ReproductionState): Promise<void> {
  await mkdir(out, { recursive: true });
  const temporary = `${stateFile(out)}.tmp`;
  await writeFile(temporary, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
  await rename(temporary, stateFile(out));
}
