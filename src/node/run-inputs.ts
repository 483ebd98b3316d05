// Downloads what an assignment names (dataset files, teachers, init version or evaluated members, the
// checkpoint to resume from, cached teacher logits), each verified, as the engine's RunInputs. A
// download that fails on the network or a 5xx is tried again a few times before the run fails.
import type { LayersModelJson, ModelArtifactsBytes } from '../training/checkpoint';
import type { CheckpointArtifacts, CheckpointMetrics, ResumeState } from '../training/run-types';
import type { Lease, NodeApiClient } from './api-client';
import type { RunInputs } from './execute-run';
import { isTransient, withRetries } from './retries';
import type { Assignment, CheckpointInput, FileRef, ResumeInput, VersionInput } from './protocol-types';

type Download = (file: FileRef) => Promise<Uint8Array>;

/** Tries of one download, the first included: waits of 0.5, 1 and 2 s ride out a restart or a blip. */
export const DOWNLOAD_ATTEMPTS = 4;

/** A checkpoint to resume from that this node cannot resume with. */
class ResumeInputError extends Error {
  override readonly name = 'ResumeInputError';
  readonly type = 'invalid-resume-checkpoint';
}

const parseJson = <T>(bytes: Uint8Array): T => JSON.parse(new TextDecoder().decode(bytes)) as T;

async function modelArtifacts(download: Download, version: Pick<VersionInput, 'modelJson' | 'weights'>): Promise<ModelArtifactsBytes> {
  const [modelJson, weights] = await Promise.all([download(version.modelJson), download(version.weights)]);
  return { modelJson: parseJson<LayersModelJson>(modelJson), weights };
}

async function checkpointArtifacts(download: Download, checkpoint: CheckpointInput): Promise<CheckpointArtifacts> {
  const { optimizer: optimizerFile } = checkpoint;
  if (!optimizerFile) throw new ResumeInputError(`checkpoint ${checkpoint.checkpointId} has no optimizer state to resume with`);
  const [model, optimizer] = await Promise.all([modelArtifacts(download, checkpoint), download(optimizerFile)]);
  return { ...model, optimizer, metrics: checkpoint.metrics as unknown as CheckpointMetrics };
}

/** float32 little-endian bytes as a Float32Array (copied, so the view is aligned whatever the source). */
function float32FromBytes(bytes: Uint8Array): Float32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Float32Array(bytes.byteLength / 4);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}

/** A Float32Array as float32 little-endian bytes, the teacher-outputs format. */
export function float32ToBytes(values: Float32Array): Uint8Array {
  const out = new Uint8Array(values.length * 4);
  const view = new DataView(out.buffer);
  values.forEach((value, i) => view.setFloat32(i * 4, value, true));
  return out;
}

/** `onRetry` hears of each download failure that is tried again. */
export async function downloadRunInputs(api: NodeApiClient, lease: Lease, assignment: Assignment, onRetry: (message: string) => void = () => {}): Promise<RunInputs> {
  const download: Download = (file) =>
    withRetries(() => api.download(lease, file), {
      attempts: DOWNLOAD_ATTEMPTS,
      delayMs: (attempt) => 500 * 2 ** (attempt - 1),
      retryable: isTransient,
      onRetry: (attempt, error) => onRetry(`download of ${file.url.split('?')[0]} failed (attempt ${attempt} of ${DOWNLOAD_ATTEMPTS}), retrying: ${String(error)}`),
    });
  const { run, inputs } = assignment;
  const files = await Promise.all(inputs.dataset.files.map(async (file) => [file.role, await download(file)] as const));
  const teachers = await Promise.all(
    inputs.teachers.map(async (teacher) => {
      const artifacts = await modelArtifacts(download, teacher);
      const cached = teacher.outputs.cached;
      return cached
        ? { versionId: teacher.versionId, artifacts, logits: float32FromBytes(await download(cached)) }
        : { versionId: teacher.versionId, artifacts };
    }),
  );
  const resume = inputs.resume ? await resumeState(download, inputs.resume) : undefined;
  return {
    kind: run.kind,
    spec: run.spec,
    dataset: { format: inputs.dataset.format, files: Object.fromEntries(files), classLabels: inputs.dataset.classLabels },
    teachers,
    ...(inputs.init ? { init: await modelArtifacts(download, inputs.init) } : {}),
    ...(inputs.members.length > 0 ? { members: await Promise.all(inputs.members.map((member) => modelArtifacts(download, member))) } : {}),
    ...(resume ? { resume } : {}),
  };
}

/** The latest checkpoint and the best one, downloaded once when they are the same. */
async function resumeState(download: Download, resume: ResumeInput): Promise<ResumeState> {
  const latest = await checkpointArtifacts(download, resume);
  const best = resume.best.checkpointId === resume.checkpointId ? latest : await checkpointArtifacts(download, resume.best);
  return { latest, best };
}
