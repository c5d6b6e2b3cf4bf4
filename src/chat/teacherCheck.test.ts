import { describe, expect, it } from 'vitest';
import { compareWithTeacher, type TeacherReply } from './teacherCheck.ts';

const teacher: TeacherReply = {
  message: 'What is a token?',
  tokenIds: [318, 77, 12, 2],
  model: 'glassbox/tiny-chat',
  dtype: 'fp32',
  backend: 'wasm',
};

describe("a student's reply against the teacher's", () => {
  it('is the same when every token id is', () => {
    expect(compareWithTeacher({ ...teacher }, teacher)).toEqual({ same: true, tokens: 4 });
  });

  it.each([
    ['other weights', { dtype: 'q8' as const }, /other weights: yours are q8, the teacher's fp32/],
    ['another backend', { backend: 'webgpu' as const }, /yours ran on WebGPU, the teacher's on WASM/],
    ['another model', { model: 'glassbox/other' }, /another model/],
    ['nothing visible', {}, /sampling settings or seed/],
  ])('names the first token that differs and the likely reason: %s', (_, change, reason) => {
    const comparison = compareWithTeacher({ ...teacher, ...change, tokenIds: [318, 77, 40, 2] }, teacher);
    expect(comparison).toMatchObject({ same: false, position: 2, teacherId: 12, studentId: 40 });
    expect(comparison.same ? [] : comparison.reasons.join('; ')).toMatch(reason);
  });

  it('says when one reply stopped sooner', () => {
    const comparison = compareWithTeacher({ ...teacher, tokenIds: [318, 77] }, teacher);
    expect(comparison).toMatchObject({ same: false, position: 2, teacherId: 12, studentId: null });
    expect(comparison.same ? '' : comparison.reasons[0]).toMatch(/Max new tokens/);
  });
});
