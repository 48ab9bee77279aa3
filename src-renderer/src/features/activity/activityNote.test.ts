import { describe, expect, it } from 'vitest';
import { activityNote } from './activityNote';

describe('activityNote', () => {
  it('names what the row is about and, when given, why', () => {
    expect(activityNote({ caseId: 3, name: 'Case 1a2b', reason: 'wrong patient ' })).toBe(
      'Case 1a2b — “wrong patient”',
    );
    expect(activityNote({ file: 'scan.nii.gz' })).toBe('scan.nii.gz');
    expect(activityNote({ caseId: 3, annotator: 'Ann', comment: 'lower margin missing' })).toBe(
      '“lower margin missing”',
    );
    expect(activityNote({ caseId: 3, reason: '  ', detail: { x: 1 } })).toBe('');
  });
});
