// Test support for the predict suites: a real server with a dense model (two versions, an alias) and an image model,
// and the raw requests both protocols' suites make.
import { encode as encodePng } from 'fast-png';
import { uploadVersion } from '../../openapi/client';
import { imageClassifierArtifact, uploadForm } from '../support/artifacts';
import { jsonBody } from '../support/requests';
import { startTestServer, type TestServer } from '../support/server';
import { addVersion, createModel } from './typed-requests';

export const IMAGE_SHAPE = [4, 4, 1];

/** Two inputs of `dense`. */
export const ROWS = [
  [0.1, 0.2, 0.3, 0.4],
  [1, -1, 0.5, 2],
];

/** `dense` (4 inputs, 3 classes: versions 1 and 2, alias `production` on 1) and `digits` (a 4x4 gray image, 3 classes). */
export async function startPredictServer(): Promise<TestServer> {
  const server = await startTestServer();
  await createModel(server, 'dense');
  await addVersion(server, 'dense');
  await addVersion(server, 'dense');
  await server.client.PUT('/v1/models/{name}/aliases/{alias}', { params: { path: { name: 'dense', alias: 'production' } }, body: { version: 1 } });
  await createModel(server, 'digits', { inputShape: IMAGE_SHAPE });
  const uploaded = await uploadVersion(server.client, 'digits', uploadForm(await imageClassifierArtifact(IMAGE_SHAPE, 3)));
  if (!uploaded.data) throw new Error(`uploading digits: ${uploaded.response.status}`);
  return server;
}

/** POSTs `body` as JSON and returns the status and parsed answer. */
export async function postJson(server: TestServer, path: string, body: unknown, apiKey?: string): Promise<{ status: number; body: any }> {
  const response = await server.fetch(path, jsonBody(body), apiKey);
  return { status: response.status, body: await response.json() };
}

/** A 4x4 gray PNG. */
export function grayPng(seed: number): Uint8Array {
  return encodePng({ width: 4, height: 4, data: Uint8Array.from({ length: 16 }, (_, i) => (i * 37 + seed * 91) % 256), channels: 1, depth: 8 });
}

export const base64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

/** What a refused request must not change: every model and version list. */
export async function registryState(server: TestServer): Promise<unknown> {
  const models = (await server.client.GET('/v1/models', { params: { query: { limit: 500 } } })).data!;
  const versions = await Promise.all(
    models.items.map(async (model) => (await server.client.GET('/v1/models/{name}/versions', { params: { path: { name: model.name }, query: { include_archived: 'true', limit: 500 } } })).data),
  );
  return { models, versions };
}

export const sum = (row: number[]) => row.reduce((a, b) => a + b, 0);
