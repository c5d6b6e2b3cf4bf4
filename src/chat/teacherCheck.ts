/**
 * Same output on every laptop: a scene with greedy or seeded sampling carries the teacher's reply as
 * token ids; a student's reply to the same message is compared with it token by token, and a
 * difference is explained by what differs between the two runs.
 *
 *   compareWithTeacher({ tokenIds: [5, 9], model: 'm', dtype: 'q8', backend: 'wasm' },
 *                      { message: 'Hi', tokenIds: [5, 7], model: 'm', dtype: 'fp32', backend: 'wasm' })
 *   // → { same: false, position: 1, teacherId: 7, studentId: 9, reasons: ['other weights: …'] }
 */
import type { Backend, Dtype } from '../core/model.ts';

/** What the teacher's laptop wrote, and on what. */
export interface TeacherReply {
  /** The user message the reply answers. */
  message: string;
  tokenIds: number[];
  model: string;
  dtype: Dtype;
  backend: Backend;
}

export type StudentReply = Omit<TeacherReply, 'message'>;

export type TeacherComparison =
  | { same: true; tokens: number }
  | {
      same: false;
      /** The first token (0-based) where the replies part. */
      position: number;
      /** Null where that reply had already ended. */
      teacherId: number | null;
      studentId: number | null;
      reasons: string[];
    };

const BACKEND_NAMES: Record<Backend, string> = { wasm: 'WASM', webgpu: 'WebGPU' };

export function compareWithTeacher(student: StudentReply, teacher: TeacherReply): TeacherComparison {
  const length = Math.max(student.tokenIds.length, teacher.tokenIds.length);
  let position = 0;
  while (position < length && student.tokenIds[position] === teacher.tokenIds[position]) position++;
  if (position === length) return { same: true, tokens: length };
  const reasons: string[] = [];
  if (student.model !== teacher.model) {
    reasons.push(`another model: yours is ${student.model}, the teacher's ${teacher.model}`);
  }
  if (student.dtype !== teacher.dtype) {
    reasons.push(
      `other weights: yours are ${student.dtype}, the teacher's ${teacher.dtype} (rounded weights change every number a little, and a near-tie can flip)`,
    );
  }
  if (student.backend !== teacher.backend) {
    reasons.push(
      `another backend: yours ran on ${BACKEND_NAMES[student.backend]}, the teacher's on ${BACKEND_NAMES[teacher.backend]} (they add numbers up in a different order, so a near-tie can flip)`,
    );
  }
  if (reasons.length === 0) {
    reasons.push(
      position === Math.min(student.tokenIds.length, teacher.tokenIds.length)
        ? 'a different "Max new tokens": one reply stopped sooner'
        : 'different sampling settings or seed, or another system prompt',
    );
  }
  return {
    same: false,
    position,
    teacherId: teacher.tokenIds[position] ?? null,
    studentId: student.tokenIds[position] ?? null,
    reasons,
  };
}
