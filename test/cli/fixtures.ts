// Test support for the CLI suites: the registry they start from (a tiny IDX dataset and teachers that fit it).
import { uploadVersion } from '../../openapi/client';
import { smallIdxFiles } from '../registry/datasets-fixtures';
import { createModel } from '../api/typed-requests';
import { imageClassifierArtifact, uploadForm } from '../support/artifacts';
import { datasetUploadForm } from '../support/requests';
import type { TestServer } from '../support/server';

export const DIGIT_LABELS = ['zero', 'one', 'two'];
/** The shape of smallIdxFiles()' images. */
export const DIGIT_SHAPE = [4, 5, 1];

/** Registers smallIdxFiles() as dataset "digits" (version 1). */
export async function registerDigits(server: TestServer): Promise<void> {
  const form = datasetUploadForm({ name: 'digits', format: 'idx', class_labels: JSON.stringify(DIGIT_LABELS) }, smallIdxFiles());
  const response = await server.fetch('/v1/datasets', { method: 'POST', body: form });
  if (response.status !== 201) throw new Error(`registering the dataset: ${await response.text()}`);
}

/** Models `names`, each with one version that takes the digits and has their classes. */
export async function registerDigitTeachers(server: TestServer, names: string[]): Promise<void> {
  const artifact = await imageClassifierArtifact(DIGIT_SHAPE, DIGIT_LABELS.length);
  for (const name of names) {
    await createModel(server, name, { task: 'image-classification', inputShape: DIGIT_SHAPE, classLabels: DIGIT_LABELS });
    const { error } = await uploadVersion(server.client, name, uploadForm(artifact));
    if (error) throw new Error(`uploading ${name}: ${JSON.stringify(error)}`);
  }
}
