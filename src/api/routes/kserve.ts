// The Open Inference Protocol (KServe v2) REST API under /v2: server metadata and health (public), model metadata and
// readiness, and infer, for models and ensembles alike (one namespace with /v1/models). Errors also carry `error`.
import { OpenAPIHono, z } from '@hono/zod-openapi';
import { resolveServingTarget, type ServingRef } from '../../registry/serving-targets';
import { MAX_VERSION_NUMBER } from '../../registry/version-refs';
import type { AppDeps, AppEnv } from '../app-env';
import { kserveEnvelopeError, KServeInferRequestSchema, parseKServeRequest } from '../predict/kserve-request';
import { KServeInferResponseSchema, kserveResponse, type KServeInferResponse } from '../predict/kserve-response';
import { kserveMetadata } from '../predict/metadata';
import { requirePredictor } from '../predict/predictor-access';
import { protectedRoute, publicRoute } from '../route-config';
import { NameSchema, integerParam, json } from '../schemas';

const ModelParams = z.object({ name: NameSchema.openapi({ param: { name: 'name', in: 'path' }, description: 'A model or an ensemble.' }) });
const VersionParams = ModelParams.extend({
  version: integerParam({ min: 1, max: MAX_VERSION_NUMBER }).openapi({
    param: { name: 'version', in: 'path' },
    description: "A model's version number, or an ensemble's revision.",
    example: 1,
  }),
});

const ServerMetadataSchema = z.object({ name: z.string(), version: z.string(), extensions: z.array(z.string()) }).openapi('KServeServerMetadata');
const LiveSchema = z.object({ live: z.boolean() }).openapi('KServeServerLive');
const ReadySchema = z.object({ ready: z.boolean() }).openapi('KServeServerReady');
const ModelReadySchema = z.object({ name: z.string(), ready: z.boolean() }).openapi('KServeModelReady');
const TensorMetadataSchema = z.object({ name: z.string(), datatype: z.string(), shape: z.array(z.number().int()) }).openapi('KServeTensorMetadata');
const ModelMetadataSchema = z
  .object({
    name: z.string(),
    versions: z.array(z.string()),
    platform: z.string().openapi({ description: '`tensorflowjs_layers` for a model, `ensemble` for an ensemble.' }),
    inputs: z.array(TensorMetadataSchema),
    outputs: z.array(TensorMetadataSchema),
    parameters: z.object({ class_labels: z.array(z.string()) }),
  })
  .openapi('KServeModelMetadata');

const SERVER = { name: 'distillery', version: '0.1.0', extensions: ['classification'] };

const TARGET_PROBLEMS = {
  404: 'No model or ensemble has the name, or the version does not exist.',
  422: 'The version is archived, or an ensemble member no longer resolves (`unprocessable-entity`).',
} as const;

type Target = 'model' | 'version';
const PARAMS = { model: ModelParams, version: VersionParams } as const;
const SUFFIX = { model: '', version: '/versions/{version}' } as const;
const OPERATION = { model: '', version: 'Version' } as const;

const serverRoute = <const P extends string, const O extends string, S extends z.ZodType>(path: P, operationId: O, summary: string, schema: S) =>
  publicRoute(
    { method: 'get', operationId, path, tags: ['kserve'], summary, responses: { 200: { description: summary, ...json(schema) } } },
    { protocolErrors: true },
  );

const metadataRoute = <T extends Target>(target: T) =>
  protectedRoute(
    ['read', 'predict'],
    {
      method: 'get',
      operationId: `kserveModel${OPERATION[target]}Metadata` as `kserveModel${(typeof OPERATION)[T]}Metadata`,
      path: `/models/{name}${SUFFIX[target]}` as `/models/{name}${(typeof SUFFIX)[T]}`,
      tags: ['kserve'],
      summary: 'Model metadata: its input and output tensors (KServe v2)',
      request: { params: PARAMS[target] },
      responses: { 200: { description: 'The model metadata.', ...json(ModelMetadataSchema) } },
    },
    { protocolErrors: true, problems: TARGET_PROBLEMS },
  );

const readyRoute = <T extends Target>(target: T) =>
  protectedRoute(
    ['read', 'predict'],
    {
      method: 'get',
      operationId: `kserveModel${OPERATION[target]}Ready` as `kserveModel${(typeof OPERATION)[T]}Ready`,
      path: `/models/{name}${SUFFIX[target]}/ready` as `/models/{name}${(typeof SUFFIX)[T]}/ready`,
      tags: ['kserve'],
      summary: 'Whether the model can be served here (KServe v2)',
      request: { params: PARAMS[target] },
      responses: { 200: { description: 'Ready when it resolves and this runtime runs models.', ...json(ModelReadySchema) } },
    },
    { protocolErrors: true, problems: TARGET_PROBLEMS },
  );

const inferRoute = <T extends Target>(target: T) =>
  protectedRoute(
    'predict',
    {
      method: 'post',
      operationId: `kserveInfer${OPERATION[target]}` as `kserveInfer${(typeof OPERATION)[T]}`,
      path: `/models/{name}${SUFFIX[target]}/infer` as `/models/{name}${(typeof SUFFIX)[T]}/infer`,
      tags: ['kserve'],
      summary: 'Infer: class probabilities for a typed input tensor (KServe v2)',
      request: { params: PARAMS[target], body: { required: true, ...json(KServeInferRequestSchema) } },
      responses: { 200: { description: 'The requested outputs.', ...json(KServeInferResponseSchema) } },
    },
    {
      protocolErrors: true,
      problems: {
        ...TARGET_PROBLEMS,
        400: 'The body is not an infer request for this target (`invalid-prediction-input`): a wrong input name, datatype or shape, a value that is not a finite number or not of its datatype, too many or no inputs, bad base64, an image that does not decode (`invalid-image`), or an unknown output. `error` says which.',
      },
    },
  );

/** A body that breaks the infer schema is the protocol's 400, as every other bad input: not the registry's 422. */
function refuseInvalidInfer(result: { success: true } | { success: false; error: { issues: z.core.$ZodIssue[] } }): undefined {
  if (!result.success) throw kserveEnvelopeError(result.error.issues[0]!);
  return undefined;
}

const versionRef = (params: { name: string; version: number }): ServingRef => ({ name: params.name, version: String(params.version) });

async function infer(deps: AppDeps, ref: ServingRef, body: unknown): Promise<KServeInferResponse> {
  const predictor = requirePredictor(deps);
  const target = await resolveServingTarget(deps.repo, ref);
  const request = parseKServeRequest(body, target, deps.predictLimits);
  return kserveResponse(request, target, await predictor.predict(target, request.input));
}

/** Ready: the target resolves (else 404/422 as metadata) and the runtime runs models. */
async function modelReady(deps: AppDeps, ref: ServingRef): Promise<z.infer<typeof ModelReadySchema>> {
  const target = await resolveServingTarget(deps.repo, ref);
  return { name: target.name, ready: deps.predictor !== null };
}

export const kserveRoutes = new OpenAPIHono<AppEnv>()
  .openapi(serverRoute('/', 'kserveServerMetadata', 'Server metadata (KServe v2)', ServerMetadataSchema), (c) => c.json(SERVER, 200))
  .openapi(serverRoute('/health/live', 'kserveServerLive', 'Server liveness (KServe v2)', LiveSchema), (c) => c.json({ live: true }, 200))
  .openapi(serverRoute('/health/ready', 'kserveServerReady', 'Server readiness: false where models cannot run (Workers) (KServe v2)', ReadySchema), (c) =>
    c.json({ ready: c.get('deps').predictor !== null }, 200),
  )
  .openapi(metadataRoute('model'), async (c) => {
    const target = await resolveServingTarget(c.get('deps').repo, c.req.valid('param'));
    return c.json(kserveMetadata(target, [String(target.version)]), 200);
  })
  .openapi(metadataRoute('version'), async (c) => {
    const target = await resolveServingTarget(c.get('deps').repo, versionRef(c.req.valid('param')));
    return c.json(kserveMetadata(target, [String(target.version)]), 200);
  })
  .openapi(readyRoute('model'), async (c) => c.json(await modelReady(c.get('deps'), c.req.valid('param')), 200))
  .openapi(readyRoute('version'), async (c) => c.json(await modelReady(c.get('deps'), versionRef(c.req.valid('param'))), 200))
  .openapi(inferRoute('model'), async (c) => c.json(await infer(c.get('deps'), c.req.valid('param'), c.req.valid('json')), 200), refuseInvalidInfer)
  .openapi(inferRoute('version'), async (c) => c.json(await infer(c.get('deps'), versionRef(c.req.valid('param')), c.req.valid('json')), 200), refuseInvalidInfer);
