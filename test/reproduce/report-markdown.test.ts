// The results page's paragraph on the reference: it follows the numbers (gain or none, beyond the
// seed-to-seed spread or within it), never a fixed text.
import { describe, expect, it } from 'vitest';
import { agreementParagraph } from '../../src/cli/reproduce/report-markdown';
import { REFERENCE } from '../../src/cli/reproduce/reference';
import type { ReproductionResults } from '../../src/cli/reproduce/results';

const score = (accuracy: number) => ({ count: 1000, accuracy, nll: 0.3, ece: 0.02 });

/** Results with these test accuracies: teachers, their self-distilled students, and the three ensemble-made models. */
function resultsWith(teachers: number[], students: number[], ensemble: number, ensembleStudent: number, selfEnsemble: number): ReproductionResults {
  const model = (seed: number, accuracy: number) => ({ seed, model: 'm', version: seed + 1, validation: score(accuracy), test: score(accuracy), seconds: 1, node: 'n' });
  return {
    teachers: teachers.map((accuracy, i) => ({ ...model(i, accuracy), selfStudent: { ...model(10 + i, students[i]!), lineage: [], lineageAsExpected: true } })),
    ensemble: { name: 'e', revision: 1, test: score(ensemble), members: [], seconds: 1 },
    ensembleStudent: { ...model(42, ensembleStudent), lineage: [], lineageAsExpected: true },
    selfStudentsEnsemble: { name: 's', revision: 1, test: score(selfEnsemble), members: [], seconds: 1 },
    reference: REFERENCE,
  } as unknown as ReproductionResults;
}

describe('the paragraph on the reference', () => {
  it('says the effects show when they do, beyond the seed-to-seed spread', () => {
    const text = agreementParagraph(resultsWith([0.9, 0.901, 0.899, 0.9, 0.9], [0.92, 0.921, 0.919, 0.92, 0.92], 0.93, 0.915, 0.935));
    expect(text).toContain('a gain as in the reference');
    expect(text).toContain('beats the best teacher (90.10 %)');
    expect(text).toContain('5 of 5 students beat their teacher, above the seed-to-seed spread, as in the reference');
    expect(text).toContain("keeps 50 % of the ensemble's gain");
  });

  it('says so when self-distillation does not help and the ensemble gains nothing', () => {
    const text = agreementParagraph(resultsWith([0.9, 0.91, 0.89, 0.9, 0.9], [0.899, 0.905, 0.9, 0.895, 0.9], 0.899, 0.88, 0.9));
    expect(text).toContain('no gain, unlike the reference');
    expect(text).toContain('does not beat the best teacher (91.00 %)');
    expect(text).toContain("1 of 5 students beat their teacher, within the seed-to-seed spread, so this run does not show the reference's self-distillation gain");
    expect(text).not.toContain("of the ensemble's gain");
  });
});
