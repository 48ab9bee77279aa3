import { describe, expect, it } from 'vitest';
import { refitPhase, splitNote } from './runFormat';

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
});
