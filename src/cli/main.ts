// The `distillery` command: serve the API, export an untrained architecture as an uploadable artifact, write the spec.
import { parseArgs } from 'node:util';

const USAGE = `Usage: distillery <command> [options]

Commands:
  serve                 Run the API server (configured by environment variables, see README).
  export-model <arch>   Write an untrained model as a TensorFlow.js Layers artifact (model.json + weights.bin).
                          --input-shape H,W,C  (default 28,28,1)   --classes N  (default 10)
                          --seed N             (default 1)         --out DIR    (required)
                        Architectures: resnet18, resnet18-cifar, cnn-small, mlp.
  openapi               Write openapi/openapi.json from the route definitions.
  help                  Show this text.
`;

class UsageError extends Error {}

async function run(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'serve': {
      const { serveFromEnv } = await import('../server');
      return serveFromEnv();
    }
    case 'export-model':
      return exportModel(rest);
    case 'openapi': {
      const { writeOpenApiSpec } = await import('./write-openapi');
      process.stdout.write(`wrote ${await writeOpenApiSpec()}\n`);
      return;
    }
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(USAGE);
      return;
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

run(process.argv.slice(2)).catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(error instanceof UsageError ? `distillery: ${message}\n\n${USAGE}` : `distillery: ${message}\n`);
  process.exit(error instanceof UsageError ? 2 : 1);
});
