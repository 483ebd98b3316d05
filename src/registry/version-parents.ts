// The parents an upload declares, resolved to lineage edges before anything is written.
import { UnprocessableError } from './errors';
import type { ModelStore, NewLineageEdge } from './ports';
import type { JsonObject, LineageRelation, ModelRecord } from './records';
import { findVersion } from './version-refs';

/** A parent as the uploader names it: a model and a version number or alias. */
export interface ParentRef {
  model: string;
  version: number | string;
  relation: LineageRelation;
  weight?: number | null;
  method?: string | null;
  params?: JsonObject;
  runId?: string | null;
  datasetId?: string | null;
}

/** Turns the declared parents into edges to existing versions; any missing, repeated or self-referencing parent is a 422 naming it. */
export async function resolveParents(repo: ModelStore, child: ModelRecord, parents: ParentRef[]): Promise<NewLineageEdge[]> {
  const edges: NewLineageEdge[] = [];
  const seen = new Set<string>();
  for (const [index, parent] of parents.entries()) {
    const field = `metadata.parents[${index}]`;
    const parentModel = await repo.getModelByName(parent.model);
    if (!parentModel) throw lineageError(field, `parent model "${parent.model}" does not exist`);
    const version = await findVersion(repo, parentModel, String(parent.version));
    if (!version) {
      // The new version's number is allocated only when it is stored, so a parent naming the model's
      // next number (the version being uploaded) is exactly a missing version: say so plainly.
      const hint = parentModel.id === child.id ? ' (a version cannot be its own parent: only existing versions can be parents)' : '';
      throw lineageError(field, `parent version ${parent.model}/${parent.version} does not exist${hint}`);
    }
    const key = `${version.id}:${parent.relation}`;
    if (seen.has(key)) throw lineageError(field, `parent ${parent.model}/${parent.version} is listed twice as ${parent.relation}`);
    seen.add(key);
    edges.push({
      parentVersionId: version.id,
      relation: parent.relation,
      weight: parent.weight ?? null,
      method: parent.method ?? null,
      params: parent.params ?? {},
      runId: parent.runId ?? null,
      datasetId: parent.datasetId ?? null,
    });
  }
  return edges;
}

function lineageError(field: string, message: string): UnprocessableError {
  return new UnprocessableError(message, { errors: [{ in: 'multipart', path: field, message }] });
}
