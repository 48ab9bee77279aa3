import { describe, expect, it } from 'vitest';
import { splitNote } from './runFormat';

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
