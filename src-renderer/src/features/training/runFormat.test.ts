import { describe, expect, it } from 'vitest';
import { refitPhase, refitPlan, splitNote } from './runFormat';

describe('splitNote', () => {
  it('names a split by subject, counts shared subjects of a split by case, and says nothing for older runs', () => {
    const ids = { train: [1, 2, 3], validation: [4, 5] };
    expect(splitNote({ ...ids, by: 'subject', validationSubjects: 1, sharedSubjects: 0 })).toBe(
      ' (by subject: 1 subject)',
    );
    expect(splitNote({ ...ids, by: 'case', validationSubjects: 2, sharedSubjects: 2 })).toBe(
      ' (2 share a subject with training cases)',
    );
    expect(splitNote({ ...ids, by: 'case', validationSubjects: 2, sharedSubjects: 0 })).toBe('');
    expect(splitNote(ids)).toBe('');
  });
});

describe('refitPhase', () => {
  it('the validated epochs first, then the refit on every case (epochs in all: twice the plan)', () => {
    expect([0, 59, 60, 119].map((e) => refitPhase(e, 120))).toEqual([
      'validated training',
      'validated training',
      'again on every case',
      'again on every case',
    ]);
  });

  it("a semi-supervised run's third phase is its student, with the pseudo-labels", () => {
    expect([0, 59, 60, 119, 120, 179].map((e) => refitPhase(e, 180, 1))).toEqual([
      'validated training',
      'validated training',
      'again on every case',
      'again on every case',
      'again with the pseudo-labels',
      'again with the pseudo-labels',
    ]);
    expect(refitPlan(120, 0)).toBe(' (60 validated, then 60 on every case)');
    expect(refitPlan(180, 1)).toBe(' (60 validated, 60 on every case, then 60 with the pseudo-labels)');
    expect(refitPlan(240, 2)).toBe(
      ' (60 validated, 60 on every case, then 60 with the pseudo-labels in each of 2 rounds)',
    );
    // Two label rounds: a student per round, each named.
    expect([119, 120, 179, 180, 239].map((e) => refitPhase(e, 240, 2))).toEqual([
      'again on every case',
      'again with the pseudo-labels (round 1/2)',
      'again with the pseudo-labels (round 1/2)',
      'again with the pseudo-labels (round 2/2)',
      'again with the pseudo-labels (round 2/2)',
    ]);
  });
});
