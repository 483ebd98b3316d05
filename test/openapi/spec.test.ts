// The committed spec and types are what the code generates now, the spec is valid OpenAPI 3.1, and
// the server serves the same document.
import { Validator } from '@seriousme/openapi-schema-validator';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from '../../src/api/app';
import { serializeSpec } from '../../src/api/openapi/document';
import { SPEC_FILE } from '../../src/cli/write-openapi';
import { startTestServer } from '../support/server';

/** Liveness and KServe's server metadata and health: what probes and clients call without a key. */
const PUBLIC_PATHS = ['/health', '/v2', '/v2/health/live', '/v2/health/ready'];

const TYPES_FILE = join(SPEC_FILE, '..', 'schema.d.ts');
const STALE = 'is stale: run `npm run openapi` and commit openapi/';
const scratch = await mkdtemp(join(tmpdir(), 'distillery-openapi-'));
afterAll(() => rm(scratch, { recursive: true, force: true }));

describe('openapi/openapi.json', () => {
  it('equals the document generated from the registered routes', async () => {
    const committed = await readFile(SPEC_FILE, 'utf8');
    expect(committed === serializeSpec(buildOpenApiDocument()), `openapi/openapi.json ${STALE}`).toBe(true);
  });

  it('is a valid OpenAPI 3.1 document', async () => {
    const validator = new Validator();
    const result = await validator.validate(JSON.parse(await readFile(SPEC_FILE, 'utf8')));
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('declares the problem response on every operation, bearer security at the root and on every protected one, none on the public ones', async () => {
    const document = buildOpenApiDocument() as {
      security: unknown;
      servers: unknown[];
      paths: Record<string, Record<string, { security?: unknown; responses: Record<string, { content?: Record<string, unknown> }> }>>;
    };
    expect(document.security).toEqual([{ bearerAuth: [] }]);
    expect(document.servers).toHaveLength(1);
    for (const [path, operations] of Object.entries(document.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        expect(operation.responses.default?.content?.['application/problem+json'], `${method} ${path}`).toBeDefined();
        expect(operation.security, `${method} ${path}`).toEqual(PUBLIC_PATHS.includes(path) ? [] : [{ bearerAuth: [] }]);
      }
    }
  });

  it('declares each operation\'s real error statuses, and Idempotency-Key where a create honours it', async () => {
    type Operation = { description?: string; parameters?: { name: string; in: string }[]; responses: Record<string, { content?: Record<string, unknown> }> };
    const document = buildOpenApiDocument() as { paths: Record<string, Record<string, Operation>> };
    const operation = (method: string, path: string) => document.paths[path]![method]!;
    const statuses = (method: string, path: string) => Object.keys(operation(method, path).responses).filter((s) => /^4/.test(s)).sort();
    const honoursIdempotencyKey = (method: string, path: string) =>
      (operation(method, path).parameters ?? []).some((p) => p.in === 'header' && p.name === 'Idempotency-Key');

    expect(statuses('post', '/v1/models/{name}/versions')).toEqual(['400', '401', '403', '404', '409', '413', '415', '422']);
    expect(statuses('post', '/v1/models')).toEqual(['400', '401', '403', '409', '413', '415', '422']);
    expect(statuses('get', '/v1/models')).toEqual(['401', '403', '422']);
    expect(statuses('delete', '/v1/models/{name}/versions/{version}')).toEqual(['401', '403', '404', '409', '422']);
    expect(statuses('delete', '/v1/keys/{id}')).toEqual(['401', '403', '404', '409', '422']);
    for (const [path, methods] of Object.entries(document.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        for (const [status, response] of Object.entries(op.responses)) {
          if (/^[45]/.test(status)) expect(response.content?.['application/problem+json'], `${method} ${path} ${status}`).toBeDefined();
        }
      }
    }

    expect(honoursIdempotencyKey('post', '/v1/models')).toBe(true);
    expect(honoursIdempotencyKey('post', '/v1/models/{name}/versions')).toBe(true);
    expect(honoursIdempotencyKey('post', '/v1/keys')).toBe(false);
    expect(operation('post', '/v1/keys').description).toContain('Refuses `Idempotency-Key` (422)');
  });

  it('is what the running server serves at /openapi.json', async () => {
    const server = await startTestServer();
    try {
      const served = await (await server.fetch('/openapi.json', {}, null)).json();
      expect(serializeSpec(served)).toBe(await readFile(SPEC_FILE, 'utf8'));
    } finally {
      await server.close();
    }
  });
});

describe('openapi/schema.d.ts', () => {
  it('is what openapi-typescript generates from the committed spec', async () => {
    const generated = join(scratch, 'schema.d.ts');
    await promisify(execFile)(join('node_modules', '.bin', 'openapi-typescript'), [SPEC_FILE, '-o', generated]);
    const [expected, committed] = await Promise.all([readFile(generated, 'utf8'), readFile(TYPES_FILE, 'utf8')]);
    expect(committed === expected, `openapi/schema.d.ts ${STALE}`).toBe(true);
  });
});
