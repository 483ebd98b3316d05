// Test support: small request builders shared by the API tests.
import type { TestServer } from './server';
import type { VersionUploadMetadata } from '../../openapi/client';
import { DENSE_MODEL, denseArtifact, uploadForm } from './artifacts';

/** A JSON request body with its content type. */
export function jsonBody(value: unknown, method = 'POST'): RequestInit {
  return { method, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(value) };
}

/** Registers a model shaped like denseClassifier() (4 inputs, 3 classes); fails the test otherwise. */
export async function createDenseModel(server: TestServer, name: string, extra: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
  const response = await server.fetch('/v1/models', jsonBody({ name, ...DENSE_MODEL, ...extra }));
  if (response.status !== 201) throw new Error(`creating model ${name}: ${response.status} ${await response.text()}`);
  return (await response.json()) as Record<string, unknown>;
}

/** Uploads a fresh dense artifact as a new version of `model`; returns the raw response. */
export async function uploadDenseVersion(server: TestServer, model: string, metadata?: VersionUploadMetadata, apiKey?: string): Promise<Response> {
  return server.fetch(`/v1/models/${model}/versions`, { method: 'POST', body: uploadForm(await denseArtifact(), metadata) }, apiKey);
}

/** Uploads and returns the new version's JSON; fails unless the upload succeeded. */
export async function addDenseVersion(server: TestServer, model: string, metadata?: VersionUploadMetadata): Promise<{ id: string; version: number } & Record<string, unknown>> {
  const response = await uploadDenseVersion(server, model, metadata);
  if (response.status !== 201) throw new Error(`uploading to ${model}: ${response.status} ${await response.text()}`);
  return (await response.json()) as { id: string; version: number };
}

/** The versions of `model` (archived included), to check that a refused request stored nothing. */
export async function versionNumbers(server: TestServer, model: string): Promise<number[]> {
  const response = await server.fetch(`/v1/models/${model}/versions?include_archived=true&limit=500`);
  const page = (await response.json()) as { items: { version: number }[] };
  return page.items.map((v) => v.version).sort((a, b) => a - b);
}
