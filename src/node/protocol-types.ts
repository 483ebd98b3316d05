// The node protocol's wire shapes (docs/node-protocol.md), as the training node reads and writes them.

/** What an evaluate run's completion carries: the registry's own type of it. */
export type { ReportedEvaluation as EvaluationReport } from '../registry/evaluations';

/** A download: a relative `url` is an API route (sent with the node key), an absolute one a presigned GET. */
export interface FileRef {
  sha256: string;
  size: number;
  url: string;
}

export interface NodeRegistration {
  name: string;
  backend: string;
  device: string;
  version: string;
  capabilities?: Record<string, unknown>;
}

export interface RegisteredNode extends NodeRegistration {
  id: string;
  createdAt: string;
  lastSeenAt: string;
}

/** The public Run, as far as the node reads it. */
export interface WireRun {
  id: string;
  kind: 'train' | 'distill' | 'evaluate';
  spec: Record<string, unknown>;
  attempt: number;
  status: string;
}

export interface VersionInput {
  versionId: string;
  model: string;
  version: number;
  modelJson: FileRef;
  weights: FileRef;
}

export interface TeacherInput extends VersionInput {
  weight: number | null;
  outputs: { key: string; cached: FileRef | null };
}

export interface CheckpointInput {
  checkpointId: string;
  epoch: number;
  modelJson: FileRef;
  weights: FileRef;
  /** Null for a checkpoint stored without optimizer state (this node always stores it). */
  optimizer: FileRef | null;
  metrics: Record<string, unknown>;
}

export interface ResumeInput extends CheckpointInput {
  attempt: number;
  best: CheckpointInput;
}

export interface DatasetInput {
  id: string;
  name: string;
  version: number;
  format: 'idx' | 'cifar10-binary';
  classLabels: string[];
  shape: number[];
  files: (FileRef & { role: string })[];
}

export interface Assignment {
  run: WireRun;
  fencingToken: number;
  leaseExpiresAt: string;
  leaseSeconds: number;
  heartbeatSeconds: number;
  inputs: {
    dataset: DatasetInput;
    teachers: TeacherInput[];
    init: VersionInput | null;
    /** evaluate runs: every member the run scores, in spec.members' order. */
    members: VersionInput[];
    resume: ResumeInput | null;
  };
}

export interface Heartbeat {
  leaseExpiresAt: string;
  cancelRequested: boolean;
}

export type RunEventKind = 'batch' | 'epoch' | 'status' | 'log';

export interface NewRunEvent {
  kind: RunEventKind;
  epoch?: number;
  metrics?: Record<string, number>;
  message?: string;
}

/** A file of a checkpoint as the node describes it before uploading. */
export interface CheckpointFileDescription {
  name: string;
  size: number;
  sha256: string;
}

export interface UploadTarget {
  name: string;
  method: 'PUT';
  url: string;
  headers: Record<string, string>;
}

export interface RunError {
  type: string;
  message: string;
  [detail: string]: unknown;
}
