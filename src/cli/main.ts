// The `distillery` command: serve the API, client commands over it (runs, models, lineage), export an
// untrained architecture as an uploadable artifact, write the spec.
import { parseArgs } from 'node:util';
import { UsageError, globalsLast } from './cli-options';

const USAGE = `Usage: distillery <command> [options]

Commands:
  serve                 Run the API server (configured by environment variables, see README).
  export-model <arch>   Write an untrained model as a TensorFlow.js Layers artifact (model.json + weights.bin).
                          --input-shape H,W,C  (default 28,28,1)   --classes N  (default 10)
                          --seed N             (default 1)         --out DIR    (required)
                        Architectures: resnet18, resnet18-cifar, cnn-small, mlp.
  node                  Run a training node: --api URL --token T [--backend auto|tensorflow|wasm|cpu]
                          [--concurrency N] [--name NAME]   (distillery node --help for more)
  openapi               Write openapi/openapi.json from the route definitions.
  help                  Show this text.

Client commands (options: --api URL, default $DISTILLERY_API or http://localhost:8080;
--token KEY, default $DISTILLERY_TOKEN; --json for the API's JSON on list, get and create):
  runs create           Start a run, from flags or --file run.json (the POST /v1/runs body):
                          --kind train|distill|evaluate  --dataset NAME[@VERSION]  --model NAME
                          --architecture NAME  --teacher MODEL@VERSION[:WEIGHT] (repeat)
                          --aggregation mean-probabilities|mean-logits|weighted  --init MODEL@VERSION
                          --evaluate MODEL@VERSION  --epochs N  --batch-size N  --lr X
                          --optimizer adam|adamw|sgd  --seed N  --temperature X  --alpha X
                          --augmentation  --max-attempts N  --idempotency-key KEY
                          --follow  (follow the run once created)
  runs list             [--status S] [--kind K] [--model NAME] [--limit N] [--offset N]
  runs get ID           A run's spec, status, attempt, node, timings and result.
  runs cancel ID        Cancel a queued run at once, or ask a running one to stop.
  runs follow ID        Show progress until the run finishes: exit 0 if it succeeded, 1 if it
                          failed or was cancelled.
  models list           [--limit N] [--offset N]
  lineage MODEL@VERSION [--direction ancestors|descendants|both] [--depth N]   (a tree)

Exit codes: 0 done, 1 the API refused (printed as "status title: detail") or the run did not
succeed, 2 a usage error.
`;

/** Returns the exit code; `serve` returns once listening and keeps the process alive. */
async function run(argv: string[]): Promise<number> {
  const [command, ...rest] = globalsLast(argv);
  switch (command) {
    case 'runs': {
      const { runRunsCommand } = await import('./runs-command');
      return runRunsCommand(rest);
    }
    case 'models': {
      const { runModelsCommand } = await import('./models-command');
      return runModelsCommand(rest);
    }
    case 'lineage': {
      const { runLineageCommand } = await import('./lineage-command');
      return runLineageCommand(rest);
    }
    case 'serve': {
      const { serveFromEnv } = await import('../server');
      await serveFromEnv();
      return 0;
    }
    case 'node': {
      const { runNodeCommand, NodeUsageError } = await import('../node/node-command');
      try {
        await runNodeCommand(rest);
      } catch (error) {
        throw error instanceof NodeUsageError ? new UsageError(error.message) : error;
      }
      return 0;
    }
    case 'export-model':
      await exportModel(rest);
      return 0;
    case 'openapi': {
      const { writeOpenApiSpec } = await import('./write-openapi');
      process.stdout.write(`wrote ${await writeOpenApiSpec()}\n`);
      return 0;
    }
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(USAGE);
      return 0;
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

async function exportModel(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      'input-shape': { type: 'string', default: '28,28,1' },
      classes: { type: 'string', default: '10' },
      seed: { type: 'string', default: '1' },
      out: { type: 'string' },
    },
  });
  const { exportUntrainedModel, parseArchitecture } = await import('./export-model');
  const architecture = parseArchitecture(positionals[0]);
  if (!values.out) throw new UsageError('export-model needs --out DIR');
  const inputShape = values['input-shape'].split(',').map(Number);
  if (inputShape.length !== 3 || !inputShape.every((side) => Number.isInteger(side) && side > 0)) {
    throw new UsageError('--input-shape must be three positive integers H,W,C');
  }
  const written = await exportUntrainedModel({
    architecture,
    inputShape: inputShape as [number, number, number],
    numClasses: positiveInteger(values.classes, '--classes'),
    seed: positiveInteger(values.seed, '--seed'),
    outDir: values.out,
  });
  process.stdout.write(`${written.join('\n')}\n`);
}

function positiveInteger(raw: string, flag: string): number {
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < 1) throw new UsageError(`${flag} must be a positive integer, got "${raw}"`);
  return value;
}

function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  // fetch says only "fetch failed"; its cause says why (ECONNREFUSED, a bad certificate…).
  return error.cause instanceof Error ? `${error.message}: ${error.cause.message}` : error.message;
}

run(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const message = describeError(error);
    process.stderr.write(error instanceof UsageError ? `distillery: ${message}\n\n${USAGE}` : `distillery: ${message}\n`);
    process.exit(error instanceof UsageError ? 2 : 1);
  },
);
