// What a prediction request names (`models/{name}`, a version, a label), resolved to the servable it runs:
// one model version, or an ensemble's members as they resolve now. Models and ensembles share one namespace.
import { NotFoundError, UnprocessableError } from './errors';
import { resolveEnsembleMembers } from './ensembles';
import type { EnsembleStore, ModelStore, ServingMember, ServingTarget } from './ports';
import type { EnsembleRecord, ModelRecord, ModelVersionRecord } from './records';
import { normalizationOf } from './version-normalization';
import { findVersion, LATEST } from './version-refs';

/** A request's target as the protocols name it: TF Serving's `versions/{v}` and `labels/{alias}`, KServe's `versions/{v}`. */
export interface ServingRef {
  name: string;
  /** A version number (of a model) or the revision (of an ensemble), as digits. */
  version?: string;
  /** A model's alias (TF Serving's version label). */
  label?: string;
}

/**
 * Resolves a model name to its newest active version unless `version` or `label` picks one, an ensemble name to
 * its members now; NotFoundError when nothing has the name, or the version, revision or label does not exist;
 * UnprocessableError for an archived version.
 */
export async function resolveServingTarget(repo: ModelStore & EnsembleStore, ref: ServingRef): Promise<ServingTarget> {
  const model = await repo.getModelByName(ref.name);
  if (model) return versionTarget(model, await servedVersion(repo, model, ref));
  const ensemble = await repo.getEnsembleByName(ref.name);
  if (!ensemble) throw new NotFoundError(`no model or ensemble named "${ref.name}"`, { model: ref.name });
  return ensembleTarget(repo, ensemble, ref);
}

/**
 * An ensemble is served at its current revision only, with its members as they resolve now; it has no labels.
 * UnprocessableError (from resolveEnsembleMembers) naming a member that no longer resolves or is archived.
 */
async function ensembleTarget(repo: ModelStore, ensemble: EnsembleRecord, ref: ServingRef): Promise<ServingTarget> {
  if (ref.label !== undefined) throw new NotFoundError(`ensemble "${ensemble.name}" has no labels (it is served at its current revision)`, { ensemble: ensemble.name, label: ref.label });
  if (ref.version !== undefined && ref.version !== String(ensemble.revision)) {
    throw new NotFoundError(`ensemble "${ensemble.name}" is at revision ${ensemble.revision}, not ${ref.version}`, { ensemble: ensemble.name, version: ref.version });
  }
  const members = await resolveEnsembleMembers(repo, ensemble);
  const first = members[0]!.model;
  return {
    // The resolved versions are part of the key: after an alias member moves, requests resolved before and after
    // the move must not share a batch (a batch runs the members of its first request).
    key: `ensemble:${ensemble.id}:${ensemble.revision}:${members.map((member) => member.version.id).join(',')}`,
    kind: 'ensemble',
    name: ensemble.name,
    version: ensemble.revision,
    inputShape: first.inputShape,
    classLabels: first.classLabels,
    aggregation: ensemble.aggregation,
    members: members.map((member) => servingMember(member.model, member.version, member.normalizedWeight)),
  };
}

async function servedVersion(repo: ModelStore, model: ModelRecord, ref: ServingRef): Promise<ModelVersionRecord> {
  const wanted = ref.label ?? ref.version ?? LATEST;
  // findVersion takes digits for a number and anything else for an alias: a label is only ever an alias, a version only a number.
  const readsAsNumber = /^\d+$/.test(wanted);
  const fits = ref.label !== undefined ? !readsAsNumber : ref.version === undefined || readsAsNumber;
  const version = fits ? await findVersion(repo, model, wanted) : null;
  if (!version) {
    const what = ref.label !== undefined ? `label "${ref.label}"` : ref.version !== undefined ? `version ${ref.version}` : 'active version';
    throw new NotFoundError(`model "${model.name}" has no ${what}`, { model: model.name, ...(ref.label !== undefined ? { label: ref.label } : { version: wanted }) });
  }
  if (version.status === 'archived') {
    throw new UnprocessableError(`version ${version.version} of model "${model.name}" is archived: unarchive it to serve it`, {
      model: model.name,
      version: version.version,
    });
  }
  return version;
}

/** One version served alone: keyed by its id, so requests naming it by number, label or `latest` batch together. */
export function versionTarget(model: ModelRecord, version: ModelVersionRecord): ServingTarget {
  return {
    key: `version:${version.id}`,
    kind: 'version',
    name: model.name,
    version: version.version,
    inputShape: model.inputShape,
    classLabels: model.classLabels,
    aggregation: 'mean-probabilities',
    members: [servingMember(model, version, 1)],
  };
}

export function servingMember(model: ModelRecord, version: ModelVersionRecord, weight: number): ServingMember {
  return {
    versionId: version.id,
    model: model.name,
    version: version.version,
    weight,
    modelJson: version.modelJson,
    weights: version.weights,
    normalization: normalizationOf(version),
  };
}
