// Writes an untrained architecture to a folder as a tfjs Layers artifact, ready to upload as a version.
import * as tf from '@tensorflow/tfjs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { serializeModel } from '../training/checkpoint';
import { ARCHITECTURE_NAMES, buildModel, type Architecture } from '../training/models';

export function parseArchitecture(name: string | undefined): Architecture {
  if (!name || !(ARCHITECTURE_NAMES as readonly string[]).includes(name)) {
    throw new Error(`export-model needs an architecture: one of ${ARCHITECTURE_NAMES.join(', ')}`);
  }
  return name as Architecture;
}

export interface ExportRequest {
  architecture: Architecture;
  inputShape: [number, number, number];
  numClasses: number;
  seed: number;
  outDir: string;
}

/** Returns the paths written. The weights are the seeded initial ones: same seed, same bytes. */
export async function exportUntrainedModel(request: ExportRequest): Promise<string[]> {
  // Building and serialising needs no speed; the CPU backend is always there. PROD silences its
  // "install tfjs-node" banner, which would land in the user's terminal between our output lines.
  tf.env().set('PROD', true);
  await tf.setBackend('cpu');
  const model = buildModel(request.architecture, request);
  try {
    const { modelJson, weights } = await serializeModel(model);
    await mkdir(request.outDir, { recursive: true });
    const files = [join(request.outDir, 'model.json'), join(request.outDir, 'weights.bin')];
    await writeFile(files[0]!, JSON.stringify(modelJson));
    await writeFile(files[1]!, weights);
    return files;
  } finally {
    model.dispose();
  }
}
