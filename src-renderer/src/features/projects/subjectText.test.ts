import { describe, expect, it } from 'vitest';
import { subjectText } from './subjectText';

describe('subjectText', () => {
  it('says "Subject" before a name, and shows a pseudonym as it is', () => {
    expect(subjectText('P1')).toBe('Subject P1');
    expect(subjectText('Subject 3f2a1b9c')).toBe('Subject 3f2a1b9c');
    expect(subjectText('Subject Alice')).toBe('Subject Subject Alice');
  });
});
