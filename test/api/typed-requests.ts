// Test support for the API suites: the success-path requests they share, made with the typed client
// (openapi/client.ts) the way an integration would make them.
import { createDistilleryClient, uploadVersion, type VersionUploadMetadata } from '../../openapi/client';
import type { components } from '../../openapi/schema';
import { DENSE_MODEL, denseArtifact, uploadForm } from '../support/artifacts';
import type { TestServer } from '../support/server';

type CreateModel = components['schemas']['CreateModel'];

/** Registers a model shaped like denseClassifier() (4 inputs, 3 classes); fails the test otherwise. */
export async function createModel(server: TestServer, name: string, extra: Partial<CreateModel> = {}) {
  const { data, error, response } = await server.client.POST('/v1/models', { body: { name, ...DENSE_MODEL, ...extra } });
  if (!data) throw new Error(`creating model ${name}: ${response.status} ${JSON.stringify(error)}`);
  return data;
}

/** Uploads a fresh dense artifact as a new version of `model` (with the admin key unless `apiKey` is given). */
export async function uploadDense(server: TestServer, model: string, metadata?: VersionUploadMetadata, apiKey?: string) {
  const client = apiKey === undefined ? server.client : createDistilleryClient(server.baseUrl, apiKey);
  return uploadVersion(client, model, uploadForm(await denseArtifact(), metadata));
}

/** Uploads and returns the new version; fails unless the upload succeeded. */
export async function addVersion(server: TestServer, model: string, metadata?: VersionUploadMetadata) {
  const { data, error, response } = await uploadDense(server, model, metadata);
  if (!data) throw new Error(`uploading to ${model}: ${response.status} ${JSON.stringify(error)}`);
  return data;
}

/** The version numbers of `model`, archived included: to check that a refused request stored nothing. */
export async function storedVersions(server: TestServer, model: string): Promise<number[]> {
  const { data } = await server.client.GET('/v1/models/{name}/versions', {
    params: { path: { name: model }, query: { include_archived: 'true', limit: 500 } },
  });
  return data!.items.map((v) => v.version).sort((a, b) => a - b);
}

/** Path parameters of a version, as the typed client takes them. */
export function versionPath(name: string, version: string | number) {
  return { params: { path: { name, version: String(version) } } };
}
