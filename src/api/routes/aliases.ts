// /v1/models/{name}/aliases: named pointers to versions (`production` -> 7). Reading through an alias
// is `GET /v1/models/{name}/versions/{alias}`.
import { OpenAPIHono, z } from '@hono/zod-openapi';
import { deleteAlias, getAlias, listAliases, setAlias, type ResolvedAlias } from '../../registry/aliases';
import type { AppEnv } from '../app-env';
import { protectedRoute } from '../route-config';
import { AliasNameSchema, NameSchema, VersionNumberSchema, json } from '../schemas';
import type { EvaluationStore } from '../../registry/ports';
import { VersionSchema, toVersions } from './versions';

const AliasSchema = z
  .object({ alias: z.string(), version: VersionSchema, updatedAt: z.string() })
  .openapi('Alias');

const SetAliasSchema = z
  .object({ version: VersionNumberSchema.openapi({ description: 'Version number the alias points at.', example: 3 }) })
  .strict()
  .openapi('SetAlias');

const ModelParams = z.object({ name: NameSchema.openapi({ param: { name: 'name', in: 'path' } }) });
const AliasParams = ModelParams.extend({
  alias: AliasNameSchema.openapi({ param: { name: 'alias', in: 'path' }, example: 'production' }),
});

/** The aliases with the versions they point at (each with its newest evaluation). */
async function toAliases(repo: EvaluationStore, modelName: string, aliases: ResolvedAlias[]): Promise<z.infer<typeof AliasSchema>[]> {
  const versions = await toVersions(repo, modelName, aliases.map((alias) => alias.version));
  return aliases.map((alias, i) => ({ alias: alias.alias, version: versions[i]!, updatedAt: alias.updatedAt }));
}

const toAlias = async (repo: EvaluationStore, modelName: string, alias: ResolvedAlias) => (await toAliases(repo, modelName, [alias]))[0]!;

const setRoute = protectedRoute(
  'write',
  {
    method: 'put',
    operationId: 'setAlias',
    path: '/{name}/aliases/{alias}',
    tags: ['aliases'],
    summary: 'Point an alias at a version (creates or moves it)',
    request: { params: AliasParams, body: { required: true, ...json(SetAliasSchema) } },
    responses: { 200: { description: 'The alias and the version it points at.', ...json(AliasSchema) } },
  },
  { problems: { 422: 'The model has no such version, or the alias is all digits or `latest` (`unprocessable-entity`).' } },
);

const listRoute = protectedRoute('read', {
  method: 'get',
  operationId: 'listAliases',
  path: '/{name}/aliases',
  tags: ['aliases'],
  summary: "List a model's aliases",
  request: { params: ModelParams },
  responses: { 200: { description: 'Every alias of the model.', ...json(z.object({ items: z.array(AliasSchema) })) } },
});

const getRoute = protectedRoute('read', {
  method: 'get',
  operationId: 'getAlias',
  path: '/{name}/aliases/{alias}',
  tags: ['aliases'],
  summary: 'Read an alias',
  request: { params: AliasParams },
  responses: { 200: { description: 'The alias and the version it points at.', ...json(AliasSchema) } },
});

const deleteRoute = protectedRoute('write', {
  method: 'delete',
  operationId: 'deleteAlias',
  path: '/{name}/aliases/{alias}',
  tags: ['aliases'],
  summary: 'Delete an alias (the version stays)',
  request: { params: AliasParams },
  responses: { 204: { description: 'Deleted.' } },
});

export const aliasRoutes = new OpenAPIHono<AppEnv>()
  .openapi(setRoute, async (c) => {
    const { name, alias } = c.req.valid('param');
    return c.json(await toAlias(c.get('deps').repo, name, await setAlias(c.get('deps'), name, alias, c.req.valid('json').version)), 200);
  })
  .openapi(listRoute, async (c) => {
    const { name } = c.req.valid('param');
    const aliases = await listAliases(c.get('deps').repo, name);
    return c.json({ items: await toAliases(c.get('deps').repo, name, aliases) }, 200);
  })
  .openapi(getRoute, async (c) => {
    const { name, alias } = c.req.valid('param');
    return c.json(await toAlias(c.get('deps').repo, name, await getAlias(c.get('deps').repo, name, alias)), 200);
  })
  .openapi(deleteRoute, async (c) => {
    const { name, alias } = c.req.valid('param');
    await deleteAlias(c.get('deps').repo, name, alias);
    return c.body(null, 204);
  });
