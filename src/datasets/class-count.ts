// The one class-count rule of a dataset's labels, for uploads, built-ins and training alike.
import { LabelOutsideClassesError } from './errors';

/** One labels file (or CIFAR-10 batch) by its role. */
export interface LabelFile {
  role: string;
  labels: Uint8Array;
}

const MISSING_SHOWN = 10;

function checkDeclared(files: readonly LabelFile[], declared: number): number {
  for (const { role, labels } of files) {
    const index = labels.findIndex((label) => label >= declared);
    if (index >= 0) {
      const label = labels[index] as number;
      throw new LabelOutsideClassesError(`file "${role}": label ${label} at index ${index} is out of range (0..${declared - 1})`, label, declared, { role, index });
    }
  }
  return declared;
}

function inferGapless(files: readonly LabelFile[]): number {
  let highest = { label: -1, role: '' };
  const present = new Set<number>();
  for (const { role, labels } of files) {
    for (const label of labels) {
      present.add(label);
      if (label > highest.label) highest = { label, role };
    }
  }
  const missing = Array.from({ length: highest.label }, (_, label) => label).filter((label) => !present.has(label));
  if (missing.length > 0) {
    const shown = missing.length > MISSING_SHOWN ? `${missing.slice(0, MISSING_SHOWN).join(', ')}, … (${missing.length} in all)` : missing.join(', ');
    throw new LabelOutsideClassesError(`file "${highest.role}" has label ${highest.label}, but labels ${shown} occur in no split`, highest.label, undefined, {
      role: highest.role,
      missingLabels: missing,
    });
  }
  return highest.label + 1;
}

/**
 * The number of classes of a dataset whose labels are `files` (every split). When `declared`, every
 * label must be below it. Otherwise it is the highest label + 1, and every class below the highest
 * label must have an example in some split: a gap is far more often a stray byte (label 200 in a
 * 10-class file) than classes that truly have none, and accepting it would silently make a
 * 201-class dataset. Classes without examples are therefore declared, never inferred.
 * Throws LabelOutsideClassesError naming the labels file.
 */
export function classCount(files: readonly LabelFile[], declared?: number): number {
  return declared === undefined ? inferGapless(files) : checkDeclared(files, declared);
}
