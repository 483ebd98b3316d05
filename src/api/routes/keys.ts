// /v1/keys: issue, list and revoke API keys (admin scope), and read the caller's own key (any key).
// The secret is returned once, at creation.
import { OpenAPIHono, z } from '@hono/zod-openapi';
import { currentApiKey, issueApiKey, listApiKeys, revokeApiKey } from '../../registry/api-keys';
import { SCOPES, type ApiKeyRecord, type Scope } from '../../registry/records';
import type { AppEnv } from '../app-env';
import { protectedRoute } from '../route-config';
import { json, singleLineText } from '../schemas';

const ScopeSchema = z.enum(SCOPES as [Scope, ...Scope[]]).openapi('Scope', {
  description:
    '`read`: GET registry data. `write`: create and change models, versions, aliases, datasets. `admin`: manage keys, implies every scope. `predict`: prediction routes. `node`: training-node routes.',
});

const ApiKeySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    scopes: z.array(ScopeSchema),
    createdAt: z.string(),
    revokedAt: z.string().nullable(),
  })
  .openapi('ApiKey');

const CreatedApiKeySchema = ApiKeySchema.extend({
  token: z.string().openapi({ description: 'The bearer token. Shown only in this response.', example: 'dk_3f2a…_…' }),
}).openapi('CreatedApiKey');

const CreateApiKeySchema = z
  .object({
    name: singleLineText({ min: 1, max: 128 }),
    scopes: z.array(ScopeSchema).min(1),
  })
  .strict()
  .openapi('CreateApiKey');

const KeyIdParams = z.object({ id: z.string().min(1).max(64).openapi({ param: { name: 'id', in: 'path' } }) });

function toApiKey(key: ApiKeyRecord) {
  return { id: key.id, name: key.name, scopes: key.scopes, createdAt: key.createdAt, revokedAt: key.revokedAt };
}

const createKey = protectedRoute(
  'admin',
  {
    method: 'post',
    operationId: 'createApiKey',
    path: '/',
    tags: ['keys'],
    summary: 'Issue an API key',
    description: 'After a failed or unanswered request, list the keys (`GET /v1/keys`) and revoke any unwanted one.',
    request: { body: { required: true, ...json(CreateApiKeySchema) } },
    responses: { 201: { description: 'The key, with its token (shown once).', ...json(CreatedApiKeySchema) } },
  },
  {
    refusesIdempotencyKey:
      'replaying the response would mean storing the plaintext token with it, and replaying it without the token would not give a retrying client what it asked for.',
  },
);

const listKeys = protectedRoute('admin', {
  method: 'get',
  operationId: 'listApiKeys',
  path: '/',
  tags: ['keys'],
  summary: 'List API keys (without secrets)',
  responses: { 200: { description: 'All keys, revoked ones included.', ...json(z.object({ items: z.array(ApiKeySchema) })) } },
});

// Every scope, so that any valid key may read itself: a client learns what it may do (a dashboard hides what it may not).
const getCurrentKey = protectedRoute(SCOPES, {
  method: 'get',
  operationId: 'getCurrentApiKey',
  path: '/current',
  tags: ['keys'],
  summary: 'Read the API key making this request',
  description: 'The caller\'s own key, whatever its scopes: what it may do, without needing `admin` to list keys.',
  responses: { 200: { description: 'The key in the `Authorization` header.', ...json(ApiKeySchema) } },
});

const revokeKey = protectedRoute(
  'admin',
  {
    method: 'delete',
    operationId: 'revokeApiKey',
    path: '/{id}',
    tags: ['keys'],
    summary: 'Revoke an API key',
    request: { params: KeyIdParams },
    responses: { 200: { description: 'The revoked key.', ...json(ApiKeySchema) } },
  },
  { problems: { 409: 'This is the last active admin key (`last-admin-key`): issue another admin key first.' } },
);

export const keyRoutes = new OpenAPIHono<AppEnv>()
  .openapi(createKey, async (c) => {
    const issued = await issueApiKey(c.get('deps'), c.req.valid('json'));
    return c.json({ ...toApiKey(issued.record), token: issued.token }, 201);
  })
  .openapi(listKeys, async (c) => {
    const keys = await listApiKeys(c.get('deps').repo);
    return c.json({ items: keys.map(toApiKey) }, 200);
  })
  // Registered before any `/{id}` route could take `current` for an id.
  .openapi(getCurrentKey, async (c) => {
    const key = await currentApiKey(c.get('deps').repo, c.get('principal').apiKeyId);
    return c.json(toApiKey(key), 200);
  })
  .openapi(revokeKey, async (c) => {
    const revoked = await revokeApiKey(c.get('deps'), c.req.valid('param').id);
    return c.json(toApiKey(revoked), 200);
  });
