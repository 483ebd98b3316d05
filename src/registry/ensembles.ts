// Ensembles: named sets of model versions (fixed, or following an alias or `latest`), each with a
// weight, combined by one aggregation. Members are resolved again on every use, so an alias that
// moves takes its ensemble along.
import { NotFoundError, UnprocessableError } from './errors';
import { assertValidName } from './names';
import type { Clock, EnsemblePatch, EnsembleStore, ModelStore, Page } from './ports';
import type { EnsembleAggregation, EnsembleMemberRecord, EnsembleRecord, ModelRecord, ModelVersionRecord } from './records';
import { sameJson } from './same-json';
import { findVersion } from './version-refs';

/** A member as a request names it: a model and a version number, an alias or `latest`. */
export interface EnsembleMemberInput {
  model: string;
  version: number | string;
  /** Relative weight, > 0; 1 when absent. `weighted` needs every member's given. */
  weight?: number;
}

export interface NewEnsembleInput {
  name: string;
  description?: string;
  tags?: Record<string, string>;
  aggregation?: EnsembleAggregation;
  members: EnsembleMemberInput[];
}

export interface EnsemblePatchInput {
  description?: string;
  tags?: Record<string, string>;
  aggregation?: EnsembleAggregation;
  /** Replace all members. */
  members?: EnsembleMemberInput[];
}

export const DEFAULT_AGGREGATION: EnsembleAggregation = 'mean-probabilities';
export const MAX_MEMBERS = 16;

/** A member as written and as it resolves now. */
export interface EnsembleMemberView {
  position: number;
  model: ModelRecord;
  alias: string | null;
  weight: number;
  normalizedWeight: number;
  /** What the member resolved to when it was written. */
  written: ModelVersionRecord;
  /** What it resolves to now; null when its alias (or `latest`) names no version any more. */
  current: ModelVersionRecord | null;
  /** An alias member that now resolves elsewhere than when written. */
  moved: boolean;
}

/** An ensemble as the API shows it: its record, what its members take and give, and its members now. */
export interface EnsembleView {
  ensemble: EnsembleRecord;
  inputShape: number[];
  classLabels: string[];
  members: EnsembleMemberView[];
  membersMoved: boolean;
}

type EnsembleDeps = { repo: ModelStore & EnsembleStore; clock: Clock };

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
  return (await membersNow(repo, ensemble)).map(({ member, model, current, normalizedWeight }) => {
    if (!current) throw memberError(ensemble, member, model, `"${member.alias}" of model "${model.name}" names no version now`);
    if (current.status === 'archived') throw memberError(ensemble, member, model, `${model.name} version ${current.version} is archived`);
    return { position: member.position, model, version: current, alias: member.alias, weight: member.weight, normalizedWeight };
  });
}

interface MemberNow {
  member: EnsembleMemberRecord;
  model: ModelRecord;
  written: ModelVersionRecord;
  current: ModelVersionRecord | null;
  normalizedWeight: number;
}

/** Each member in position order with its model, its written version and what it resolves to now. */
async function membersNow(repo: ModelStore, ensemble: EnsembleRecord): Promise<MemberNow[]> {
  const members = [...ensemble.members].sort((a, b) => a.position - b.position);
  const models = new Map((await repo.getModelsByIds(members.map((member) => member.modelId))).map((model) => [model.id, model]));
  const written = new Map((await repo.getVersionsByIds(members.map((member) => member.versionId))).map((version) => [version.id, version]));
  const totalWeight = members.reduce((sum, member) => sum + member.weight, 0);
  const resolved: MemberNow[] = [];
  for (const member of members) {
    const model = models.get(member.modelId);
    const writtenVersion = written.get(member.versionId);
    // Members refer to their model and written version with ON DELETE RESTRICT: neither can be missing.
    if (!model || !writtenVersion) throw new Error(`ensemble "${ensemble.name}" member ${member.position}: its model or written version is missing`);
    const current = member.alias === null ? writtenVersion : await findVersion(repo, model, member.alias);
    resolved.push({ member, model, written: writtenVersion, current, normalizedWeight: member.weight / totalWeight });
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

// ---------------------------------------------------------------------------------------------
// The API's operations

/** Validates the members against the registry and stores the ensemble at revision 1; 409 when a model or ensemble has the name. */
export async function createEnsemble(deps: EnsembleDeps, input: NewEnsembleInput): Promise<EnsembleView> {
  assertValidName('name', input.name);
  const aggregation = input.aggregation ?? DEFAULT_AGGREGATION;
  const members = await resolveMemberInputs(deps.repo, input.members, aggregation);
  const created = await deps.repo.createEnsemble({
    id: crypto.randomUUID(),
    name: input.name,
    description: input.description ?? '',
    aggregation,
    tags: input.tags ?? {},
    members,
    createdAt: deps.clock.now().toISOString(),
  });
  return viewOf(deps.repo, created);
}

/** The ensemble called `name`; NotFoundError otherwise. */
export async function findEnsemble(repo: EnsembleStore, name: string): Promise<EnsembleRecord> {
  const ensemble = await repo.getEnsembleByName(name);
  if (!ensemble) throw new NotFoundError(`ensemble "${name}" does not exist`, { ensemble: name });
  return ensemble;
}

export async function getEnsemble(repo: ModelStore & EnsembleStore, name: string): Promise<EnsembleView> {
  return viewOf(repo, await findEnsemble(repo, name));
}

export async function listEnsembles(repo: ModelStore & EnsembleStore, page: Page): Promise<{ items: EnsembleView[]; total: number }> {
  const { items, total } = await repo.listEnsembles(page);
  return { items: await Promise.all(items.map((ensemble) => viewOf(repo, ensemble))), total };
}

/**
 * Applies the fields of `patch` that differ from the ensemble (members, when given, replace all of
 * them); the revision rises when the members or the aggregation change, and a patch that changes
 * nothing leaves `updatedAt` alone.
 */
export async function updateEnsemble(deps: EnsembleDeps, name: string, patch: EnsemblePatchInput): Promise<EnsembleView> {
  const ensemble = await findEnsemble(deps.repo, name);
  const aggregation = patch.aggregation ?? ensemble.aggregation;
  const changes: EnsemblePatch = {};
  if (patch.description !== undefined && patch.description !== ensemble.description) changes.description = patch.description;
  if (patch.tags !== undefined && !sameJson(patch.tags, ensemble.tags)) changes.tags = patch.tags;
  if (aggregation !== ensemble.aggregation) changes.aggregation = aggregation;
  if (patch.members !== undefined) {
    const members = await resolveMemberInputs(deps.repo, patch.members, aggregation);
    if (!sameJson(members, ensemble.members)) changes.members = members;
  }
  if (Object.keys(changes).length === 0) return viewOf(deps.repo, ensemble);
  return viewOf(deps.repo, await deps.repo.updateEnsemble(ensemble.id, changes, deps.clock.now().toISOString()));
}

/** Deletes the ensemble; its evaluations keep its name. */
export async function deleteEnsemble(repo: EnsembleStore, name: string): Promise<void> {
  const ensemble = await findEnsemble(repo, name);
  if (!(await repo.deleteEnsemble(ensemble.id))) throw new NotFoundError(`ensemble "${name}" does not exist`, { ensemble: name });
}

async function viewOf(repo: ModelStore, ensemble: EnsembleRecord): Promise<EnsembleView> {
  const members = (await membersNow(repo, ensemble)).map(({ member, model, written, current, normalizedWeight }) => ({
    position: member.position,
    model,
    alias: member.alias,
    weight: member.weight,
    normalizedWeight,
    written,
    current,
    moved: member.alias !== null && current?.id !== written.id,
  }));
  // Every member agrees with the first on shape and labels (checked when written; a model's never change).
  const first = members[0]!.model;
  return { ensemble, inputShape: first.inputShape, classLabels: first.classLabels, members, membersMoved: members.some((m) => m.moved) };
}

function fieldError(path: string, message: string): UnprocessableError {
  return new UnprocessableError(`${path}: ${message}`, { errors: [{ in: 'body', path, message }] });
}

/**
 * The members as records: each model and version existing, active, listed once, agreeing with
 * members[0] on input shape and class labels, with a positive weight (given for every member when
 * `weighted`). Any refusal is a 422 naming the member's field.
 */
async function resolveMemberInputs(repo: ModelStore, inputs: EnsembleMemberInput[], aggregation: EnsembleAggregation): Promise<EnsembleMemberRecord[]> {
  if (inputs.length < 1 || inputs.length > MAX_MEMBERS) throw fieldError('members', `must list 1 to ${MAX_MEMBERS} members`);
  const resolved: { model: ModelRecord; version: ModelVersionRecord }[] = [];
  const records: EnsembleMemberRecord[] = [];
  for (const [position, input] of inputs.entries()) {
    const field = `members[${position}]`;
    if (input.weight === undefined && aggregation === 'weighted') throw fieldError(`${field}.weight`, 'the weighted aggregation needs every member\'s weight');
    const weight = input.weight ?? 1;
    if (!Number.isFinite(weight) || weight <= 0) throw fieldError(`${field}.weight`, 'must be a number above 0');
    const model = await repo.getModelByName(input.model);
    if (!model) throw fieldError(`${field}.model`, `model "${input.model}" does not exist`);
    const ref = String(input.version);
    const version = await findVersion(repo, model, ref);
    if (!version) throw fieldError(`${field}.version`, `model "${model.name}" has no version or alias "${ref}"`);
    if (version.status === 'archived') throw fieldError(`${field}.version`, `${model.name} version ${version.version} is archived`);
    const twin = resolved.findIndex((other) => other.version.id === version.id);
    if (twin >= 0) throw fieldError(`${field}.version`, `${model.name} version ${version.version} is members[${twin}] already`);
    assertAgreesWithFirst(field, model, resolved[0]?.model);
    resolved.push({ model, version });
    // A ref that is all digits is a fixed version; anything else (an alias, `latest`) is followed.
    records.push({ position, modelId: model.id, versionId: version.id, alias: /^\d+$/.test(ref) ? null : ref, weight });
  }
  return records;
}

function assertAgreesWithFirst(field: string, model: ModelRecord, first: ModelRecord | undefined): void {
  if (!first) return;
  if (!sameJson(model.inputShape, first.inputShape)) {
    throw fieldError(`${field}.model`, `${field} (${model.name}) takes input shape ${JSON.stringify(model.inputShape)} but members[0] (${first.name}) takes ${JSON.stringify(first.inputShape)}`);
  }
  if (!sameJson(model.classLabels, first.classLabels)) {
    throw fieldError(`${field}.model`, `${field} (${model.name}) has class labels ${JSON.stringify(model.classLabels)} but members[0] (${first.name}) has ${JSON.stringify(first.classLabels)}`);
  }
}
