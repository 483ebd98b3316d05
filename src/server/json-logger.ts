// The Node logger: one JSON object per line on stdout (stderr for errors), filtered by level.
import type { Logger } from '../api/app-env';
import type { LogLevel } from '../env-settings';

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export function createJsonLogger(level: LogLevel, write: (line: string, isError: boolean) => void = writeToConsole): Logger {
  const emit = (lineLevel: 'info' | 'warn' | 'error', event: string, fields: Record<string, unknown> = {}) => {
    if (RANK[lineLevel] < RANK[level]) return;
    write(JSON.stringify({ time: new Date().toISOString(), level: lineLevel, event, ...fields }), lineLevel === 'error');
  };
  return {
    info: (event, fields) => emit('info', event, fields),
    warn: (event, fields) => emit('warn', event, fields),
    error: (event, fields) => emit('error', event, fields),
  };
}

function writeToConsole(line: string, isError: boolean): void {
  (isError ? process.stderr : process.stdout).write(`${line}\n`);
}
