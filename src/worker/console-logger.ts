// The Worker's logger: the Node server's JSON lines, written with console.log/console.error (Workers Logs parses JSON lines).
import type { Logger } from '../api/app-env';
import type { LogLevel } from '../env-settings';
import { createJsonLogger } from '../server/json-logger';

export function createConsoleJsonLogger(level: LogLevel): Logger {
  return createJsonLogger(level, (line, isError) => (isError ? console.error(line) : console.log(line)));
}
