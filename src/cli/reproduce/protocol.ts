// The reference protocol as a graph of steps: five teachers, their ensemble, a student distilled from it,
// five self-distilled students and their ensemble, each model evaluated. A step runs once every step it
// needs has succeeded, so steps that do not depend on each other run at the same time on different nodes.

export type EvaluationSplit = 'validation' | 'test';

interface StepBase {
  id: string;
  /** How progress lines and failures name it. */
  label: string;
  needs: string[];
}

export type Step =
  | (StepBase & { kind: 'train'; model: string; seed: number })
  | (StepBase & { kind: 'distill'; model: string; seed: number; from: { teacherStep: string } | { ensembleStep: string } })
  | (StepBase & { kind: 'ensemble'; name: string; memberSteps: string[] })
  | (StepBase & { kind: 'evaluate'; targetStep: string; split: EvaluationSplit });

export const TEACHER_SEEDS = [0, 1, 2, 3, 4] as const;
export const ENSEMBLE_STUDENT_SEED = 42;
/** Teacher i's self-distilled student trains with seed 10 + i. */
export const selfStudentSeed = (teacherSeed: number) => 10 + teacherSeed;

/** The registry names a reproduction writes under (`--prefix`, the preset's name by default). */
export function protocolNames(prefix: string) {
  return {
    teacher: `${prefix}-teacher`,
    ensembleStudent: `${prefix}-ensemble-student`,
    selfStudent: `${prefix}-self-student`,
    teachers: `${prefix}-teachers`,
    selfStudents: `${prefix}-self-students`,
  };
}

export const stepIds = {
  teacher: (seed: number) => `teacher-${seed}`,
  selfStudent: (seed: number) => `self-student-${seed}`,
  teachers: 'teachers-ensemble',
  ensembleStudent: 'ensemble-student',
  selfStudents: 'self-students-ensemble',
  evaluation: (target: string, split: EvaluationSplit) => `${target}/${split}`,
};

function evaluations(target: Step, splits: EvaluationSplit[]): Step[] {
  return splits.map((split) => ({
    kind: 'evaluate',
    id: stepIds.evaluation(target.id, split),
    label: `evaluate ${target.label} on ${split}`,
    needs: [target.id],
    targetStep: target.id,
    split,
  }));
}

/** Every step of the protocol, in the order they should be queued when they are ready at once. */
export function protocolSteps(prefix: string): Step[] {
  const names = protocolNames(prefix);
  const teachers: Step[] = TEACHER_SEEDS.map((seed) => ({
    kind: 'train',
    id: stepIds.teacher(seed),
    label: `teacher seed ${seed}`,
    needs: [],
    model: names.teacher,
    seed,
  }));
  const teacherEnsemble: Step = {
    kind: 'ensemble',
    id: stepIds.teachers,
    label: 'ensemble of the teachers',
    needs: teachers.map((t) => t.id),
    name: names.teachers,
    memberSteps: teachers.map((t) => t.id),
  };
  const ensembleStudent: Step = {
    kind: 'distill',
    id: stepIds.ensembleStudent,
    label: `student of the ensemble, seed ${ENSEMBLE_STUDENT_SEED}`,
    needs: [teacherEnsemble.id],
    model: names.ensembleStudent,
    seed: ENSEMBLE_STUDENT_SEED,
    from: { ensembleStep: teacherEnsemble.id },
  };
  const selfStudents: Step[] = TEACHER_SEEDS.map((seed) => ({
    kind: 'distill',
    id: stepIds.selfStudent(seed),
    label: `self-distilled student of teacher ${seed}, seed ${selfStudentSeed(seed)}`,
    needs: [stepIds.teacher(seed)],
    model: names.selfStudent,
    seed: selfStudentSeed(seed),
    from: { teacherStep: stepIds.teacher(seed) },
  }));
  const selfEnsemble: Step = {
    kind: 'ensemble',
    id: stepIds.selfStudents,
    label: 'ensemble of the self-distilled students',
    needs: selfStudents.map((s) => s.id),
    name: names.selfStudents,
    memberSteps: selfStudents.map((s) => s.id),
  };
  // Teachers first: every other run waits for them, so they should hold the nodes first.
  return [
    ...teachers,
    ...selfStudents,
    teacherEnsemble,
    ensembleStudent,
    selfEnsemble,
    ...[...teachers, ensembleStudent, ...selfStudents].flatMap((model) => evaluations(model, ['validation', 'test'])),
    ...evaluations(teacherEnsemble, ['test']),
    ...evaluations(selfEnsemble, ['test']),
  ];
}
