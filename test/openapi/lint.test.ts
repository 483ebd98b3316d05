// The committed spec passes Redocly's recommended rules: no error, and only the warnings listed here,
// each with why it is accepted (a new warning fails). Every operation has a stable, unique camelCase
// operationId, which generated SDKs name their methods by.
import { createConfig, lintFromString } from '@redocly/openapi-core';
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { SPEC_FILE } from '../../src/cli/write-openapi';

/** Warnings of the recommended ruleset that are accepted, by rule and place, and why. */
const ACCEPTED_WARNINGS: { ruleId: string; pointer: string; why: string }[] = [
  {
    ruleId: 'info-license',
    pointer: '#/info',
    why: 'the project has not chosen a licence yet (package.json is private, with none); the spec must not claim one',
  },
  {
    ruleId: 'operation-4xx-response',
    pointer: '#/paths/~1health/get/responses',
    why: 'liveness takes no parameters, body or key, so no client error is possible; its default problem response covers the rest',
  },
  {
    ruleId: 'operation-4xx-response',
    pointer: '#/paths/~1v2/get/responses',
    why: "KServe's server metadata takes no parameters, body or key either",
  },
  {
    ruleId: 'operation-4xx-response',
    pointer: '#/paths/~1v2~1health~1live/get/responses',
    why: "KServe's liveness takes no parameters, body or key either",
  },
  {
    ruleId: 'operation-4xx-response',
    pointer: '#/paths/~1v2~1health~1ready/get/responses',
    why: "KServe's readiness takes no parameters, body or key either",
  },
];

/** The operationIds clients depend on: renaming one breaks every generated SDK, so this list changes only on purpose. */
const OPERATION_IDS = [
  'appendRunEvents',
  'archiveModelVersion',
  'cancelRun',
  'claimRun',
  'completeRun',
  'confirmRunCancelled',
  'createApiKey',
  'createDataset',
  'createEnsemble',
  'createEvaluation',
  'createModel',
  'createModelVersion',
  'createRun',
  'deleteAlias',
  'deleteEnsemble',
  'deleteModelVersion',
  'downloadDatasetFile',
  'downloadModelVersionFile',
  'downloadRunInput',
  'downloadTeacherOutputs',
  'failRun',
  'getAlias',
  'getCurrentApiKey',
  'getDataset',
  'getDatasetVersion',
  'getEnsemble',
  'getEvaluation',
  'getHealth',
  'getMetrics',
  'getModel',
  'getModelLabelMetadata',
  'getModelMetadata',
  'getModelVersion',
  'getModelVersionLineage',
  'getModelVersionMetadata',
  'getRun',
  'getRunMetrics',
  'heartbeatRun',
  'kserveInfer',
  'kserveInferVersion',
  'kserveModelMetadata',
  'kserveModelReady',
  'kserveModelVersionMetadata',
  'kserveModelVersionReady',
  'kserveServerLive',
  'kserveServerMetadata',
  'kserveServerReady',
  'listAliases',
  'listApiKeys',
  'listDatasets',
  'listEnsembles',
  'listEvaluations',
  'listModelVersions',
  'listModels',
  'listNodes',
  'listRunCheckpoints',
  'listRunEvents',
  'listRuns',
  'planCheckpointUpload',
  'predictModel',
  'predictModelLabel',
  'predictModelVersion',
  'recordCheckpoint',
  'registerBuiltinDataset',
  'registerNode',
  'revokeApiKey',
  'setAlias',
  'storeTeacherOutputs',
  'unarchiveModelVersion',
  'updateEnsemble',
  'updateModel',
  'updateModelVersion',
  'uploadCheckpointFile',
];

type Operation = { operationId?: string };
const HTTP_METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);

async function committedSpec(): Promise<string> {
  return readFile(SPEC_FILE, 'utf8');
}

describe('openapi/openapi.json under Redocly recommended rules', () => {
  it('has no errors and no warnings beyond the accepted ones', async () => {
    const config = await createConfig({ extends: ['recommended'] });
    const problems = await lintFromString({ source: await committedSpec(), absoluteRef: SPEC_FILE, config });
    const found = problems.map((problem) => ({
      severity: problem.severity,
      ruleId: problem.ruleId,
      pointer: problem.location[0]?.pointer ?? '',
      message: problem.message,
    }));
    expect(found.filter((problem) => problem.severity === 'error')).toEqual([]);
    const warnings = found.map(({ ruleId, pointer }) => ({ ruleId, pointer }));
    expect(warnings).toEqual(ACCEPTED_WARNINGS.map(({ ruleId, pointer }) => ({ ruleId, pointer })));
  });
});

describe('operationIds', () => {
  it('are on every operation, unique, camelCase, and the ones clients know', async () => {
    const document = JSON.parse(await committedSpec()) as { paths: Record<string, Record<string, Operation>> };
    const ids = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.entries(item)
        .filter(([method]) => HTTP_METHODS.has(method))
        .map(([method, operation]) => operation.operationId ?? `(none on ${method} ${path})`),
    );
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z][a-z0-9]*(?:[A-Z][a-z0-9]*)*$/);
    expect([...ids].sort()).toEqual(OPERATION_IDS);
  });
});
