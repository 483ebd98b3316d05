// The reference experiment's published numbers (ResNet-18 on CIFAR-10, five seeds; ../DESIGN.md), which every results table is set beside.

export const REFERENCE = {
  source: 'ResNet-18 on CIFAR-10, five seeds, 100 epochs (the reference experiment)',
  /** Test accuracy of a single model ("about 86 %"). */
  singleModel: 0.86,
  /** The averaged-softmax ensemble of the five. */
  ensemble: 0.8907,
  /** A student distilled from that ensemble. */
  ensembleStudent: 0.87,
  /** What self-distillation adds over its teacher ("about +1 %"). */
  selfDistillationGain: 0.01,
  /** The ensemble of the five self-distilled students. */
  selfDistilledEnsemble: 0.8938,
} as const;
