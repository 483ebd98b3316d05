// Ensembles: named sets of model versions (fixed, or following an alias or `latest`), each with a
// weight, combined by one aggregation. Members are resolved again on every use, so an alias that
// moves takes its ensemble along.
import { UnprocessableError } from './errors';
import type { ModelStore } from './ports';
import type { EnsembleMemberRecord, EnsembleRecord, ModelRecord, ModelVersionRecord } from './records';
import { findVersion } from './version-refs';

/** A member as it resolves now. */
export interface ResolvedEnsembleMember {
  position: number;
  model: ModelRecord;
  version: ModelVersionRecord;
  /** The alias (or `latest`) the member follows; null for a fixed version. */
  alias: string | null;
  weight: number;
  /** `weight` over the sum of the members' weights: the normalised weights sum to 1. */
  normalizedWeight: number;
}

/**
 * Every member of `ensemble` as it resolves now, in position order. Throws UnprocessableError
 * naming the member when one resolves to nothing (its alias was deleted, no active version is
 * left for `latest`) or to an archived version: an ensemble is used whole or not at all.
 */
export async function resolveEnsembleMembers(repo: ModelStore, ensemble: EnsembleRecord): Promise<ResolvedEnsembleMember[]> {
  const members = [...ensemble.members].sort((a, b) => a.position - b.position);
  const models = new Map((await repo.getModelsByIds(members.map((member) => member.modelId))).map((model) => [model.id, model]));
  const written = new Map((await repo.getVersionsByIds(members.map((member) => member.versionId))).map((version) => [version.id, version]));
  const totalWeight = members.reduce((sum, member) => sum + member.weight, 0);
  const resolved: ResolvedEnsembleMember[] = [];
  for (const member of members) {
    const model = models.get(member.modelId);
    // Members refer to their model and written version with ON DELETE RESTRICT: neither can be missing.
    if (!model) throw new Error(`ensemble "${ensemble.name}" member ${member.position}: model ${member.modelId} is missing`);
    const version = member.alias === null ? written.get(member.versionId) : await findVersion(repo, model, member.alias);
    if (!version) throw memberError(ensemble, member, model, `"${member.alias}" of model "${model.name}" names no version now`);
    if (version.status === 'archived') throw memberError(ensemble, member, model, `${model.name} version ${version.version} is archived`);
    resolved.push({ position: member.position, model, version, alias: member.alias, weight: member.weight, normalizedWeight: member.weight / totalWeight });
  }
  return resolved;
}

function memberError(ensemble: EnsembleRecord, member: EnsembleMemberRecord, model: ModelRecord, why: string): UnprocessableError {
  return new UnprocessableError(`ensemble "${ensemble.name}" member ${member.position} (${model.name}): ${why}`, {
    ensemble: ensemble.name,
    position: member.position,
    model: model.name,
    alias: member.alias,
  });
}
