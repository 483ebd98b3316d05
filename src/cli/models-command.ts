// `distillery models list [--limit N --offset N]`: the registry's models.
import { connect, expectData } from './api';
import { UsageError, apiSettings, expectPositionals, numberOption, parseCommandLine } from './cli-options';
import { printJson, printTable } from './output';

export async function runModelsCommand(args: string[]): Promise<number> {
  const [subcommand, ...rest] = args;
  if (subcommand !== 'list') throw new UsageError(subcommand === undefined ? 'models needs a subcommand' : `unknown models subcommand "${subcommand}"`);
  const { values, positionals } = parseCommandLine(rest, { limit: { type: 'string' }, offset: { type: 'string' } });
  expectPositionals(positionals);
  const settings = apiSettings(values);
  const query = {
    limit: values.limit === undefined ? undefined : numberOption(values.limit, '--limit'),
    offset: values.offset === undefined ? undefined : numberOption(values.offset, '--offset'),
  };
  const page = await expectData(connect(settings).GET('/v1/models', { params: { query } }));
  if (settings.json) {
    printJson(page);
    return 0;
  }
  printTable(
    ['NAME', 'TASK', 'INPUT', 'CLASSES', 'DESCRIPTION'],
    page.items.map((model) => [model.name, model.task, model.inputShape.join('x'), String(model.classLabels.length), model.description]),
  );
  return 0;
}
