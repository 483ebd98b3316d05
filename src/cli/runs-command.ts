// `distillery runs create|list|get|cancel|follow`: the run commands over the typed client.
import type { DistilleryClient } from '../../openapi/client';
import type { components, operations } from '../../openapi/schema';
import { connect, expectData } from './api';
import { UsageError, apiSettings, expectPositionals, numberOption, parseCommandLine } from './cli-options';
import { printFields, printJson, printTable } from './output';
import { followRun } from './run-follow';
import { RUN_FLAGS, givenRunFlags, runBodyFromFile, runBodyFromFlags } from './run-request';

type Run = components['schemas']['Run'];
type RunQuery = NonNullable<operations['listRuns']['parameters']['query']>;

/** Returns the exit code. */
export async function runRunsCommand(args: string[]): Promise<number> {
  const [subcommand, ...rest] = args;
  switch (subcommand) {
    case 'create':
      return createRunCommand(rest);
    case 'list':
      return listRunsCommand(rest);
    case 'get':
      return showRunCommand(rest, (client, id) => client.GET('/v1/runs/{id}', { params: { path: { id } } }));
    case 'cancel':
      return showRunCommand(rest, (client, id) => client.POST('/v1/runs/{id}/cancel', { params: { path: { id } } }));
    case 'follow': {
      const { values, positionals } = parseCommandLine(rest, {});
      const [id] = expectPositionals(positionals, 'ID');
      return followRun(apiSettings(values), id!);
    }
    default:
      throw new UsageError(subcommand === undefined ? 'runs needs a subcommand' : `unknown runs subcommand "${subcommand}"`);
  }
}

function printRun(run: Run): void {
  const spec = run.spec as { model?: string; dataset?: { name: string; version: number }; teachers?: { model: string; version: number }[] };
  printFields([
    ['id', run.id],
    ['kind', run.kind],
    ['status', run.status],
    ['model', spec.model],
    ['dataset', spec.dataset && `${spec.dataset.name}@${spec.dataset.version}`],
    ['teachers', spec.teachers?.map((teacher) => `${teacher.model}@${teacher.version}`).join(', ')],
    ['attempt', `${run.attempt} of ${run.maxAttempts}`],
    ['node', run.node],
    ['created', run.createdAt],
    ['started', run.startedAt],
    ['finished', run.finishedAt],
    ['cancel requested', run.cancelRequestedAt],
    ['result version', run.resultVersionId],
    ['error', run.error],
  ]);
}

async function createRunCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine(args, {
    ...RUN_FLAGS,
    file: { type: 'string' },
    'idempotency-key': { type: 'string' },
    follow: { type: 'boolean', default: false },
  });
  expectPositionals(positionals);
  const { file, 'idempotency-key': idempotencyKey, follow, ...runFlags } = values;
  if (file !== undefined && givenRunFlags(runFlags).length > 0) {
    throw new UsageError(`--file describes the whole run: drop --${givenRunFlags(runFlags).join(', --')}`);
  }
  const body = file === undefined ? runBodyFromFlags(runFlags) : await runBodyFromFile(file);
  const settings = apiSettings(values);
  const headers = idempotencyKey === undefined ? {} : { 'Idempotency-Key': idempotencyKey };
  const run = await expectData(connect(settings).POST('/v1/runs', { body, headers }));
  if (settings.json) printJson(run);
  else printRun(run);
  return follow ? followRun(settings, run.id) : 0;
}

async function showRunCommand(
  args: string[],
  request: (client: DistilleryClient, id: string) => Promise<{ data?: Run; error?: unknown; response: Response }>,
): Promise<number> {
  const { values, positionals } = parseCommandLine(args, {});
  const [id] = expectPositionals(positionals, 'ID');
  const settings = apiSettings(values);
  const run = await expectData(request(connect(settings), id!));
  if (settings.json) printJson(run);
  else printRun(run);
  return 0;
}

async function listRunsCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine(args, {
    status: { type: 'string' },
    kind: { type: 'string' },
    model: { type: 'string' },
    limit: { type: 'string' },
    offset: { type: 'string' },
  });
  expectPositionals(positionals);
  const settings = apiSettings(values);
  const query: RunQuery = {
    status: values.status as RunQuery['status'],
    kind: values.kind as RunQuery['kind'],
    model: values.model,
    limit: values.limit === undefined ? undefined : numberOption(values.limit, '--limit'),
    offset: values.offset === undefined ? undefined : numberOption(values.offset, '--offset'),
  };
  const page = await expectData(connect(settings).GET('/v1/runs', { params: { query } }));
  if (settings.json) {
    printJson(page);
    return 0;
  }
  printTable(
    ['ID', 'KIND', 'STATUS', 'MODEL', 'ATTEMPT', 'CREATED'],
    page.items.map((run) => [run.id, run.kind, run.status, String(run.spec.model ?? '-'), String(run.attempt), run.createdAt]),
  );
  const shown = page.offset + page.items.length;
  if (shown < page.total) process.stdout.write(`${page.total - shown} more: --offset ${shown}\n`);
  return 0;
}
