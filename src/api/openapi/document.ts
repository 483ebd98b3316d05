// The OpenAPI 3.1 document, generated from the registered routes only, with keys in a stable order.
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnv } from '../app-env';
import { BEARER_SCHEME } from '../route-config';

export function registerSecurityScheme(app: OpenAPIHono<AppEnv>): void {
  app.openAPIRegistry.registerComponent('securitySchemes', BEARER_SCHEME, {
    type: 'http',
    scheme: 'bearer',
    description:
      'API key as `Authorization: Bearer dk_<id>_<secret>`. Scopes: `read` (GET registry data), `write` (create and change models, versions, aliases, datasets), `admin` (API keys; implies every scope), `predict` (prediction routes, reserved), `node` (training-node routes, reserved). Each operation names the scope it needs.',
  });
}

export function openApiDocument(app: OpenAPIHono<AppEnv>): unknown {
  const document = app.getOpenAPI31Document({
    openapi: '3.1.0',
    // Relative: the API serves this document itself, so clients (and /docs) call the server they read it from.
    servers: [{ url: '/', description: 'The server this document is served by' }],
    // Every operation needs an API key unless it says `security: []` (the public routes).
    security: [{ [BEARER_SCHEME]: [] }],
    info: {
      title: 'Distillery API',
      version: '0.1.0',
      description:
        'Model registry and knowledge-distillation service. Errors are RFC 9457 `application/problem+json`.',
    },
    tags: [
      { name: 'health', description: 'Liveness.' },
      { name: 'models', description: 'Registered models.' },
      { name: 'versions', description: 'Immutable model versions (TensorFlow.js Layers artifacts).' },
      { name: 'aliases', description: 'Named pointers to versions, e.g. `production`.' },
      { name: 'lineage', description: 'Which versions were made from which.' },
      { name: 'datasets', description: 'Registered datasets.' },
      { name: 'runs', description: 'Train, distill and evaluate runs: validated, then queued for training nodes.' },
      { name: 'evaluations', description: 'Accuracy, NLL and calibration of a version or an ensemble on a dataset split, scored by an evaluate run.' },
      { name: 'keys', description: 'API keys.' },
    ],
  });
  return sortKeys(document);
}

/** Recursively sorts object keys so the document is byte-stable whatever the registration order. */
export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
  );
}

/** The exact bytes of the committed spec: 2-space JSON with a trailing newline. */
export function serializeSpec(document: unknown): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}
