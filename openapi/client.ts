// Typed Distillery client: openapi-fetch over the paths generated from openapi/openapi.json.
import createClient, { type Client } from 'openapi-fetch';
import type { paths } from './schema';

export type DistilleryClient = Client<paths>;

/**
 * @example
 * const client = createDistilleryClient('http://localhost:8080', process.env.DISTILLERY_KEY!);
 * const { data, error } = await client.GET('/v1/models/{name}', { params: { path: { name: 'mnist' } } });
 */
export function createDistilleryClient(baseUrl: string, apiKey: string): DistilleryClient {
  return createClient<paths>({ baseUrl, headers: { Authorization: `Bearer ${apiKey}` } });
}
