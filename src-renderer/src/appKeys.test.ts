import { describe, expect, it } from 'vitest';
import { panelForKey } from './appKeys';
import { commandForKey } from './viewer';

const press = (
  key: string,
  o: Partial<{ altKey: boolean; ctrlKey: boolean; metaKey: boolean; shiftKey: boolean; code: string }> = {},
) => ({
  key,
  altKey: false,
  ctrlKey: false,
  metaKey: false,
  shiftKey: false,
  ...o,
});

describe('application shortcuts', () => {
  it('Alt+T toggles the training drawer, Alt+C the consensus panel', () => {
    expect(panelForKey(press('t', { altKey: true }))).toBe('training');
    expect(panelForKey(press('T', { altKey: true, shiftKey: true }))).toBe('training');
    expect(panelForKey(press('c', { altKey: true }))).toBe('consensus');
    // macOS: Alt+T types a dagger; the physical key still says which.
    expect(panelForKey(press('†', { altKey: true, code: 'KeyT' }))).toBe('training');
  });

  it('leaves plain letters, Ctrl and Meta combinations alone', () => {
    expect(panelForKey(press('t'))).toBeNull();
    expect(panelForKey(press('c'))).toBeNull();
    expect(panelForKey(press('t', { altKey: true, ctrlKey: true }))).toBeNull();
    expect(panelForKey(press('c', { altKey: true, metaKey: true }))).toBeNull();
    expect(panelForKey(press('n', { altKey: true }))).toBeNull();
  });

  it('takes no key the viewer or the labelling tools use', () => {
    for (const k of ['t', 'T', 'c', 'C']) expect(commandForKey(press(k, { altKey: true }))).toBeNull();
  });
});
