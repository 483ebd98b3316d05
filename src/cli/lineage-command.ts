// `distillery lineage MODEL@VERSION [--direction ancestors|descendants|both] [--depth N]`: a version's lineage as a tree.
import { connect, expectData } from './api';
import { UsageError, apiSettings, expectPositionals, numberOption, parseCommandLine } from './cli-options';
import { lineageTree, type Direction } from './lineage-tree';
import { printJson } from './output';
import { parseVersionRef } from './run-request';

const DIRECTIONS = ['ancestors', 'descendants', 'both'] as const;

export async function runLineageCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseCommandLine(args, { direction: { type: 'string', default: 'both' }, depth: { type: 'string' } });
  const [ref] = expectPositionals(positionals, 'MODEL@VERSION');
  const direction = values.direction as (typeof DIRECTIONS)[number];
  if (!DIRECTIONS.includes(direction)) throw new UsageError(`--direction must be one of ${DIRECTIONS.join(', ')}`);
  const { model, version } = parseVersionRef(ref!, 'lineage');
  const settings = apiSettings(values);
  const graph = await expectData(
    connect(settings).GET('/v1/models/{name}/versions/{version}/lineage', {
      params: {
        path: { name: model, version: String(version) },
        query: { direction, depth: values.depth === undefined ? undefined : numberOption(values.depth, '--depth') },
      },
    }),
  );
  if (settings.json) printJson(graph);
  else {
    const directions: Direction[] = direction === 'both' ? ['ancestors', 'descendants'] : [direction];
    process.stdout.write(`${lineageTree(graph, directions).join('\n')}\n`);
  }
  return 0;
}
