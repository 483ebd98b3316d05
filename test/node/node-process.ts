// A training node process for the node suites: `node --import tsx test/node/node-process.ts node …`,
// the `distillery node` command's own entry, so these suites do not depend on the rest of the CLI.
import { runNodeCommand } from '../../src/node/node-command';

const [command, ...args] = process.argv.slice(2);
if (command !== 'node') throw new Error(`usage: node-process.ts node [options], got "${command}"`);
runNodeCommand(args).then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`node failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
