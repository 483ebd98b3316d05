// Typed Distillery client: openapi-fetch over the paths generated from openapi/openapi.json, plus
// the multipart version upload, which openapi-fetch cannot serialise from the schema alone.
import createClient, { type Client } from 'openapi-fetch';
import type { components, paths } from './schema';

export type DistilleryClient = Client<paths>;
export type VersionUploadMetadata = components['schemas']['VersionUploadMetadata'];

/**
 * @example
 * const client = createDistilleryClient('http://localhost:8080', process.env.DISTILLERY_KEY!);
 * const { data, error } = await client.GET('/v1/models/{name}', { params: { path: { name: 'mnist' } } });
 */
export function createDistilleryClient(baseUrl: string, apiKey: string): DistilleryClient {
  return createClient<paths>({ baseUrl, headers: { Authorization: `Bearer ${apiKey}` } });
}

/**
 * The multipart body of `POST /v1/models/{name}/versions`: `model.json`, one `weights` part per
 * manifest path, and the metadata (an object, or JSON text as-is).
 */
export function versionUploadForm(
  modelJson: Uint8Array,
  weightFiles: Map<string, Uint8Array>,
  metadata?: VersionUploadMetadata | string,
): FormData {
  const form = new FormData();
  form.append('model.json', new Blob([modelJson as Uint8Array<ArrayBuffer>], { type: 'application/json' }), 'model.json');
  for (const [path, bytes] of weightFiles) {
    form.append('weights', new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }), path);
  }
  if (metadata !== undefined) {
    const text = typeof metadata === 'string' ? metadata : JSON.stringify(metadata);
    form.append('metadata', new Blob([text], { type: 'application/json' }));
  }
  return form;
}

/**
 * Uploads a new version of model `name` with the typed client.
 * @example await uploadVersion(client, 'mnist', versionUploadForm(modelJson, weights, { parents }))
 */
export function uploadVersion(client: DistilleryClient, name: string, form: FormData) {
  return client.POST('/v1/models/{name}/versions', {
    params: { path: { name } },
    // The generated body type describes the parts; the FormData is sent as it is.
    body: form as unknown as components['schemas']['VersionUpload'],
    bodySerializer: () => form,
  });
}
