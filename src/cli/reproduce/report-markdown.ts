// docs/results/<preset>.md: the reproduction's tables in the reference's layout, the reference's numbers beside
// ours, the lineage read back from the API, wall times, and a paragraph saying where the two agree.
import { duration } from './progress-lines';
import type { EnsembleResult, ModelResult, ReproductionResults, StudentResult } from './results';
import type { Score } from './state';

const pct = (x: number) => `${(x * 100).toFixed(2)} %`;
const points = (x: number) => `${x >= 0 ? '+' : '−'}${Math.abs(x * 100).toFixed(2)}`;
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const sd = (xs: number[]) => Math.sqrt(mean(xs.map((x) => (x - mean(xs)) ** 2)));
const scoreCells = (s: Score) => `${pct(s.accuracy)} | ${s.nll.toFixed(4)} | ${pct(s.ece)}`;
const versionName = (m: { model: string; version: number }) => `${m.model}@${m.version}`;

function teacherTable(r: ReproductionResults): string[] {
  const rows = r.teachers.map((t) => {
    const s = t.selfStudent;
    return (
      `| ${t.seed} | ${pct(t.validation.accuracy)} | ${scoreCells(t.test)} | ${duration(t.seconds)} ` +
      `| ${s.seed} | ${pct(s.validation.accuracy)} | ${scoreCells(s.test)} | ${points(s.test.accuracy - t.test.accuracy)} | ${duration(s.seconds)} |`
    );
  });
  const teacherTests = r.teachers.map((t) => t.test.accuracy);
  const studentTests = r.teachers.map((t) => t.selfStudent.test.accuracy);
  return [
    '| seed | teacher val. acc. | teacher test acc. | NLL | ECE | wall | student seed | student val. acc. | student test acc. | NLL | ECE | Δ test | wall |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...rows,
    `| mean ± sd | ${pct(mean(r.teachers.map((t) => t.validation.accuracy)))} | ${pct(mean(teacherTests))} ± ${(sd(teacherTests) * 100).toFixed(2)} | | | | ` +
      `| ${pct(mean(r.teachers.map((t) => t.selfStudent.validation.accuracy)))} | ${pct(mean(studentTests))} ± ${(sd(studentTests) * 100).toFixed(2)} | | | ${points(mean(studentTests) - mean(teacherTests))} | |`,
  ];
}

function summaryTable(r: ReproductionResults): string[] {
  const ref = r.reference;
  const singles = mean(r.teachers.map((t) => t.test.accuracy));
  const line = (what: string, s: Score, reference: string, validation?: Score) =>
    `| ${what} | ${validation ? pct(validation.accuracy) : '–'} | ${scoreCells(s)} | ${reference} |`;
  const meanValidation = (models: ModelResult[]) => pct(mean(models.map((m) => m.validation.accuracy)));
  return [
    '| model | val. acc. | test acc. | NLL | ECE | reference (test acc.) |',
    '|---|---:|---:|---:|---:|---:|',
    `| single teacher (mean of 5) | ${meanValidation(r.teachers)} | ${pct(singles)} | ${mean(r.teachers.map((t) => t.test.nll)).toFixed(4)} | ${pct(mean(r.teachers.map((t) => t.test.ece)))} | about ${pct(ref.singleModel)} |`,
    line(`ensemble of the 5 teachers (${r.ensemble.name} rev. ${r.ensemble.revision}, mean of probabilities)`, r.ensemble.test, pct(ref.ensemble)),
    line(`student distilled from the ensemble (seed ${r.ensembleStudent.seed})`, r.ensembleStudent.test, pct(ref.ensembleStudent), r.ensembleStudent.validation),
    `| self-distilled student (mean of 5) | ${meanValidation(r.teachers.map((t) => t.selfStudent))} | ${pct(mean(r.teachers.map((t) => t.selfStudent.test.accuracy)))} | ${mean(r.teachers.map((t) => t.selfStudent.test.nll)).toFixed(4)} | ${pct(mean(r.teachers.map((t) => t.selfStudent.test.ece)))} | its teacher ${points(ref.selfDistillationGain)} points |`,
    line(`ensemble of the 5 self-distilled students (${r.selfStudentsEnsemble.name} rev. ${r.selfStudentsEnsemble.revision})`, r.selfStudentsEnsemble.test, pct(ref.selfDistilledEnsemble)),
  ];
}

function membersLine(e: EnsembleResult): string {
  return `${e.name}: ${e.members.map((m) => `${versionName(m)} ${pct(m.accuracy)}`).join(', ')}.`;
}

function lineageRows(r: ReproductionResults): string[] {
  const row = (what: string, s: StudentResult) =>
    `| ${what} | ${versionName(s)} | ${s.lineage.map((p) => `${versionName(p)} (${p.relation}, weight ${p.weight ?? '-'}, ${p.method ?? '-'})`).join('<br>')} | ${s.lineageAsExpected ? 'yes' : '**no**'} |`;
  return [
    '| student | version | parents as the API reports them | as the protocol ran it |',
    '|---|---|---|---|',
    row('of the ensemble', r.ensembleStudent),
    ...r.teachers.map((t) => row(`self-distilled, teacher seed ${t.seed}`, t.selfStudent)),
  ];
}

/** One paragraph, from the numbers: where the protocol's effects show here as in the reference, and where not. */
export function agreementParagraph(r: ReproductionResults): string {
  const ref = r.reference;
  const teacherTests = r.teachers.map((t) => t.test.accuracy);
  const singles = mean(teacherTests);
  const noise = sd(teacherTests);
  const best = Math.max(...teacherTests);
  const ensembleGain = r.ensemble.test.accuracy - singles;
  const studentGain = r.ensembleStudent.test.accuracy - singles;
  const selfGains = r.teachers.map((t) => t.selfStudent.test.accuracy - t.test.accuracy);
  const improved = selfGains.filter((g) => g > 0).length;
  const selfEnsembleGain = r.selfStudentsEnsemble.test.accuracy - r.ensemble.test.accuracy;
  const vsNoise = (gain: number) => (Math.abs(gain) <= noise ? 'within the seed-to-seed spread' : gain > 0 ? 'above the seed-to-seed spread' : 'below it by more than the seed-to-seed spread');
  const sentences = [
    `The seed-to-seed spread of the teachers' test accuracy is ${(noise * 100).toFixed(2)} points (sd of 5), the yardstick for what follows.`,
    `The averaged-softmax ensemble is ${points(ensembleGain)} points from the mean single model ` +
      `(reference: ${points(ref.ensemble - ref.singleModel)}), ${ensembleGain > 0 ? 'a gain as in the reference' : 'no gain, unlike the reference'}, ` +
      `and ${r.ensemble.test.accuracy > best ? 'beats' : 'does not beat'} the best teacher (${pct(best)}).`,
    `The student distilled from it is ${points(studentGain)} points from the mean single model (reference: ${points(ref.ensembleStudent - ref.singleModel)}), ${vsNoise(studentGain)}` +
      `${ensembleGain > 0 && studentGain > 0 ? `, and keeps ${Math.round((studentGain / ensembleGain) * 100)} % of the ensemble's gain in one model` : ''}.`,
    `Self-distillation changes test accuracy by ${points(mean(selfGains))} points on average (reference: about ${points(ref.selfDistillationGain)}); ` +
      `${improved} of 5 students beat their teacher, ${vsNoise(mean(selfGains))}` +
      `${mean(selfGains) > 0 && Math.abs(mean(selfGains)) > noise ? ', as in the reference' : ', so this run does not show the reference\'s self-distillation gain'}.`,
    `The ensemble of the self-distilled students is ${points(selfEnsembleGain)} points from the teachers' ensemble (reference: ${points(ref.selfDistilledEnsemble - ref.ensemble)}).`,
    `Absolute numbers are not comparable with the reference's unless this is the reference's own data, architecture and budget (${ref.source}); the differences between rows are what to compare.`,
  ];
  return sentences.join(' ');
}

function environmentLines(r: ReproductionResults): string[] {
  const m = r.environment.machine;
  const nodes = r.environment.nodes.map((n) => `${n.name} (${n.backend} on ${n.device}, ${n.threads ?? '?'} thread(s))`);
  return [
    `- Service: ${r.environment.service}; nodes: ${nodes.join(', ') || 'not listed (the key may not read nodes)'}.`,
    `- Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, Node ${m.node}, ${m.platform}.`,
    `- Wall time: ${r.wallSeconds.toFixed(0)} s (${duration(r.wallSeconds)}) for the whole protocol, from the first start to the last result ` +
      `(service start, data registration, evaluations and any resumed sessions included); the 11 train and distill runs took ${duration(r.trainingRunSeconds)} added up.`,
  ];
}

export function resultsMarkdown(r: ReproductionResults, command: string): string {
  const s = r.settings;
  return [
    `# Reproduction: ${r.preset}`,
    '',
    `${r.description}. ${s.architecture}, dataset ${s.dataset.name} version ${s.dataset.version}${s.limit ? ` (limited to ${s.limit} images)` : ''}, ` +
      `${s.epochs} epoch(s), batch ${s.batchSize}, Adam ${s.learningRate}, best-validation checkpoints; ensembles and distillation targets are means of softmax probabilities, ` +
      'the distillation loss is the soft cross-entropy of the reference (temperature 1, no label term). Finished ' +
      `${r.finishedAt.slice(0, 16).replace('T', ' ')} UTC.`,
    '',
    '```sh',
    command,
    '```',
    '',
    ...environmentLines(r),
    '',
    '## Teachers beside their self-distilled students',
    '',
    'Accuracy on validation (the 10 % hold-out, split seed 42) and test; NLL and ECE (15 bins) on test; wall time of each run on its node.',
    '',
    ...teacherTable(r),
    '',
    '## Ensembles and distillation, beside the reference',
    '',
    ...summaryTable(r),
    '',
    `Members within each ensemble's evaluation (test accuracy): ${membersLine(r.ensemble)} ${membersLine(r.selfStudentsEnsemble)}`,
    '',
    '## Where this agrees with the reference',
    '',
    agreementParagraph(r),
    '',
    '## Lineage of every student, as read back from the API',
    '',
    ...lineageRows(r),
    '',
  ].join('\n');
}
