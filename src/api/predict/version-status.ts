// TF Serving's `model_version_status`: what `GET /v1/models/{name}[/versions/{v}]` says of each servable version.
import { z } from '@hono/zod-openapi';
import { UnprocessableError } from '../../registry/errors';
import { getModel } from '../../registry/models';
import type { EnsembleStore, ModelStore } from '../../registry/ports';
import { resolveServingTarget } from '../../registry/serving-targets';
import type { ModelRecord, ModelVersionRecord } from '../../registry/records';

export const VersionStatusSchema = z
  .object({
    version: z.string().openapi({ example: '3' }),
    state: z.enum(['AVAILABLE', 'END']).openapi({ description: '`AVAILABLE`: served; `END`: archived (unarchive it to serve it) or, for an ensemble, a member no longer resolves.' }),
    status: z.object({ error_code: z.string().openapi({ example: 'OK' }), error_message: z.string() }),
  })
  .openapi('ModelVersionStatus');

export type VersionStatus = z.infer<typeof VersionStatusSchema>;

export const ModelVersionStatusSchema = z.array(VersionStatusSchema).openapi({ description: "TF Serving's version status, newest first." });

const OK = { error_code: 'OK', error_message: '' };

/** An active version is served (`AVAILABLE`); an archived one is not (`END`), as TF Serving says of an unloaded version. */
export function versionStatus(version: Pick<ModelVersionRecord, 'version' | 'status'>): VersionStatus {
  return { version: String(version.version), state: version.status === 'active' ? 'AVAILABLE' : 'END', status: OK };
}

/** An ensemble's revision is served while its members resolve; otherwise it ended, and says why. */
export function revisionStatus(revision: number, failure: string | null): VersionStatus {
  return failure === null
    ? { version: String(revision), state: 'AVAILABLE', status: OK }
    : { version: String(revision), state: 'END', status: { error_code: 'FAILED_PRECONDITION', error_message: failure } };
}

const PAGE = 500;

/** Every version of the model, archived included, newest first. */
export async function modelVersionStatus(repo: ModelStore, model: ModelRecord): Promise<VersionStatus[]> {
  const statuses: VersionStatus[] = [];
  for (let offset = 0; ; offset += PAGE) {
    const { items, total } = await repo.listVersions(model.id, { includeArchived: true }, { limit: PAGE, offset });
    statuses.push(...items.map(versionStatus));
    if (offset + PAGE >= total || items.length === 0) return statuses;
  }
}

/**
 * `GET /v1/models/{name}`: a model with every version's status, or an ensemble's name with its revision's
 * (`END` with the reason when a member no longer resolves); NotFoundError naming the model otherwise.
 */
export async function modelStatus(repo: ModelStore & EnsembleStore, name: string) {
  const model = await repo.getModelByName(name);
  if (model) return { ...model, model_version_status: await modelVersionStatus(repo, model) };
  const ensemble = await repo.getEnsembleByName(name);
  // Neither: the registry's own 404 for a model.
  if (!ensemble) return { ...(await getModel(repo, name)), model_version_status: [] };
  const failure = await resolveServingTarget(repo, { name }).then(
    () => null,
    (error: unknown) => {
      if (error instanceof UnprocessableError) return error.message;
      throw error;
    },
  );
  return { name: ensemble.name, model_version_status: [revisionStatus(ensemble.revision, failure)] };
}
