// TensorFlow Serving's REST API in the registry's namespace: `POST /v1/models/{name}[/versions/{v}|/labels/{label}]:predict`
// and `GET …/metadata` for models and ensembles alike (one namespace); the registry's `GET /v1/models/{name}` and
// version GET carry TF Serving's `model_version_status` (models.ts, versions.ts). A label is an alias.
import { OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { resolveServingTarget, type ServingRef } from '../../registry/serving-targets';
import { MAX_VERSION_NUMBER } from '../../registry/version-refs';
import type { AppEnv } from '../app-env';
import { UnsupportedMediaTypeError } from '../http-errors';
import { invalidInput } from '../predict/errors';
import { tfServingMetadata } from '../predict/metadata';
import { requirePredictor } from '../predict/predictor-access';
import { imageBodyRequest, parseTfServingRequest, TfServingPredictRequestSchema, type TfServingRequest } from '../predict/tf-serving-request';
import { TfServingPredictResponseSchema, tfServingResponse } from '../predict/tf-serving-response';
import type { TargetSignature } from '../predict/signature';
import { protectedRoute } from '../route-config';
import { AliasNameSchema, NameSchema, integerParam, json } from '../schemas';
import { openapiWithVerb } from '../verb-routes';

const NameParam = NameSchema.openapi({ param: { name: 'name', in: 'path' }, description: 'A model or an ensemble.' });
const VersionParam = integerParam({ min: 1, max: MAX_VERSION_NUMBER }).openapi({
  param: { name: 'version', in: 'path' },
  description: "A model's version number, or an ensemble's revision.",
  example: 1,
});
const LabelParam = AliasNameSchema.openapi({ param: { name: 'label', in: 'path' }, description: "One of the model's aliases.", example: 'production' });

const ModelParams = z.object({ name: NameParam });
const VersionParams = ModelParams.extend({ version: VersionParam });
const LabelParams = ModelParams.extend({ label: LabelParam });

const IMAGE_TYPES = ['image/png', 'image/jpeg'] as const;
const ImageBody = z.string().openapi({ format: 'binary', description: 'One image, decoded, converted to the model\'s channels and resized to its input.' });

const PREDICT_PROBLEMS = {
  400: 'The body is not a predict request for this target (`invalid-prediction-input`): wrong rank or shape, a value that is not a finite number, too many or no inputs, an unknown signature or key, bad base64, or an image that does not decode (`invalid-image`). `error` says which, `path` where.',
  404: 'No model or ensemble has the name, or the version or label does not exist.',
  422: 'The version is archived, or an ensemble member no longer resolves (`unprocessable-entity`).',
} as const;

type Target = 'model' | 'version' | 'label';
const PARAMS = { model: ModelParams, version: VersionParams, label: LabelParams } as const;
const SUFFIX = { model: '', version: '/versions/{version}', label: '/labels/{label}' } as const;
const OPERATION = { model: 'Model', version: 'ModelVersion', label: 'ModelLabel' } as const;
const WHAT = { model: 'its newest active version (an ensemble: its members now)', version: 'a version (an ensemble: its current revision)', label: 'the version an alias points at' } as const;

function predictRoute<T extends Target>(target: T) {
  return protectedRoute(
    'predict',
    {
      method: 'post',
      operationId: `predict${OPERATION[target]}` as `predict${(typeof OPERATION)[T]}`,
      path: `/{name}${SUFFIX[target]}:predict` as `/{name}${(typeof SUFFIX)[T]}:predict`,
      tags: ['tf-serving'],
      summary: `Predict with ${WHAT[target]} (TF Serving REST)`,
      description:
        'TensorFlow Serving\'s predict: `{"instances": [...]}` answers `{"predictions": [...]}`, `{"inputs": ...}` answers `{"outputs": ...}`; each answer row holds the class probabilities. An `image/png` or `image/jpeg` body is one image. Errors also carry `error`.',
      request: {
        params: PARAMS[target],
        body: { required: true, content: { ...json(TfServingPredictRequestSchema).content, ...Object.fromEntries(IMAGE_TYPES.map((type) => [type, { schema: ImageBody }])) } },
      },
      responses: { 200: { description: 'Class probabilities per input.', ...json(TfServingPredictResponseSchema) } },
    },
    { protocolErrors: true, problems: PREDICT_PROBLEMS },
  );
}

const MetadataSchema = z
  .object({
    model_spec: z.object({ name: z.string(), signature_name: z.string(), version: z.string() }),
    metadata: z.record(z.string(), z.unknown()).openapi({ description: '`signature_def` (TF Serving\'s), `class_labels`, and for an ensemble `ensemble` (aggregation and members).' }),
  })
  .openapi('TfServingModelMetadata');

function metadataRoute<T extends Target>(target: T) {
  return protectedRoute(
    ['read', 'predict'],
    {
      method: 'get',
      operationId: `get${OPERATION[target]}Metadata` as `get${(typeof OPERATION)[T]}Metadata`,
      path: `/{name}${SUFFIX[target]}/metadata` as `/{name}${(typeof SUFFIX)[T]}/metadata`,
      tags: ['tf-serving'],
      summary: `The serving signature of ${WHAT[target]} (TF Serving REST)`,
      request: { params: PARAMS[target] },
      responses: { 200: { description: "TF Serving's model metadata.", ...json(MetadataSchema) } },
    },
    { protocolErrors: true, problems: { 404: PREDICT_PROBLEMS[404], 422: PREDICT_PROBLEMS[422] } },
  );
}

/** A JSON predict request, or one image as the whole body. */
async function readPredictRequest(c: Context<AppEnv>, target: TargetSignature): Promise<TfServingRequest> {
  const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if ((IMAGE_TYPES as readonly string[]).includes(type)) return imageBodyRequest(new Uint8Array(await c.req.arrayBuffer()), target);
  if (type !== 'application/json') throw new UnsupportedMediaTypeError(`content type ${type || '(none)'} is not accepted here: send application/json, ${IMAGE_TYPES.join(' or ')}`);
  let body: unknown;
  try {
    body = await c.req.json();
  } catch (error) {
    throw invalidInput(`JSON Parse error: ${error instanceof Error ? error.message : String(error)}`);
  }
  return parseTfServingRequest(body, target, c.get('deps').predictLimits);
}

async function predict(c: Context<AppEnv>, ref: ServingRef): Promise<Response> {
  const { repo } = c.get('deps');
  const predictor = requirePredictor(c.get('deps'));
  const target = await resolveServingTarget(repo, ref);
  const request = await readPredictRequest(c, target);
  const output = await predictor.predict(target, request.input);
  return c.json(tfServingResponse(request, target, output), 200);
}

const versionRef = (params: { name: string; version: number }): ServingRef => ({ name: params.name, version: String(params.version) });

export const tfServingRoutes = new OpenAPIHono<AppEnv>();

openapiWithVerb(tfServingRoutes, predictRoute('model'), (c, { name }) => predict(c, { name }));
openapiWithVerb(tfServingRoutes, predictRoute('version'), (c, params) => predict(c, versionRef(params)));
openapiWithVerb(tfServingRoutes, predictRoute('label'), (c, { name, label }) => predict(c, { name, label }));

tfServingRoutes
  .openapi(metadataRoute('model'), async (c) => c.json(tfServingMetadata(await resolveServingTarget(c.get('deps').repo, c.req.valid('param'))), 200))
  .openapi(metadataRoute('version'), async (c) => c.json(tfServingMetadata(await resolveServingTarget(c.get('deps').repo, versionRef(c.req.valid('param')))), 200))
  .openapi(metadataRoute('label'), async (c) => c.json(tfServingMetadata(await resolveServingTarget(c.get('deps').repo, c.req.valid('param'))), 200));
