// Option parsing every `distillery` client command shares: the global --api/--token/--json and usage errors (exit 2).
import { parseArgs, type ParseArgsConfig } from 'node:util';

/** A mistake in the command line itself: printed with the usage text, exit code 2. */
export class UsageError extends Error {}

/** Accepted by every client command, before or after its own options. */
export const GLOBAL_OPTIONS = {
  api: { type: 'string' },
  token: { type: 'string' },
  json: { type: 'boolean', default: false },
} as const satisfies ParseArgsConfig['options'];

export interface ApiSettings {
  baseUrl: string;
  token: string;
  /** Machine output: the API's JSON as it came. */
  json: boolean;
}

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * parseArgs with the global options added and its errors (unknown option, missing value) as UsageError.
 * @example const { values, positionals } = parseCommandLine(args, { limit: { type: 'string' } });
 */
export function parseCommandLine<O extends Options>(args: string[], options: O) {
  try {
    return parseArgs({ args, options: { ...GLOBAL_OPTIONS, ...options }, allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

/**
 * Moves global options written before the command (`distillery --api URL runs list`) behind it,
 * where the command's own parser reads them with the rest.
 */
export function globalsLast(argv: string[]): string[] {
  const leading: string[] = [];
  let i = 0;
  while (i < argv.length && /^--(api|token|json)(=|$)/.test(argv[i]!)) {
    const takesValue = !argv[i]!.includes('=') && argv[i] !== '--json';
    leading.push(...argv.slice(i, i + (takesValue ? 2 : 1)));
    i += takesValue ? 2 : 1;
  }
  return [...argv.slice(i), ...leading];
}

/** The API to talk to: flags first, then DISTILLERY_API / DISTILLERY_TOKEN. */
export function apiSettings(values: { api?: string; token?: string; json?: boolean }, env: NodeJS.ProcessEnv = process.env): ApiSettings {
  const baseUrl = (values.api ?? env.DISTILLERY_API ?? 'http://localhost:8080').replace(/\/+$/, '');
  if (!URL.canParse(baseUrl)) throw new UsageError(`--api must be a URL, got "${baseUrl}"`);
  const token = values.token ?? env.DISTILLERY_TOKEN;
  if (!token) throw new UsageError('an API key is needed: --token KEY or DISTILLERY_TOKEN');
  return { baseUrl, token, json: values.json ?? false };
}

/** Exactly one positional argument per name; the names make the error message. */
export function expectPositionals(positionals: string[], ...names: string[]): string[] {
  if (positionals.length !== names.length) {
    throw new UsageError(names.length === 0 ? `unexpected argument "${positionals[0]}"` : `expected ${names.join(' ')}`);
  }
  return positionals;
}

/** A decimal number as a flag gives it; the API checks its range and names the field. */
export function numberOption(raw: string, flag: string): number {
  if (!/^-?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(raw)) throw new UsageError(`${flag} must be a number, got "${raw}"`);
  return Number(raw);
}
