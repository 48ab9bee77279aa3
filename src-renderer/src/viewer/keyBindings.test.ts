import { describe, expect, it } from 'vitest';
import { KEY_HELP, commandForKey } from './keyBindings';

const key = (k: string, mods: Partial<{ shiftKey: boolean; ctrlKey: boolean; altKey: boolean }> = {}) =>
  commandForKey({ key: k, shiftKey: false, ctrlKey: false, altKey: false, metaKey: false, ...mods });

describe('key bindings', () => {
  it('maximise with 1–4, back with 0 / Escape', () => {
    expect(key('1')).toEqual({ type: 'maximise', view: 'axial' });
    expect(key('4')).toEqual({ type: 'maximise', view: '3d' });
    expect(key('0')).toEqual({ type: 'grid' });
    expect(key('Escape')).toEqual({ type: 'escape' });
  });

  it('scroll slices with arrows and page keys, 10 with Shift', () => {
    expect(key('PageUp')).toEqual({ type: 'slice', steps: 1 });
    expect(key('ArrowDown')).toEqual({ type: 'slice', steps: -1 });
    expect(key('PageDown', { shiftKey: true })).toEqual({ type: 'slice', steps: -10 });
  });

  it('presets, auto, reset, help', () => {
    expect(key('l')).toEqual({ type: 'preset', name: 'lung' });
    expect(key('M')).toEqual({ type: 'preset', name: 'mediastinum' });
    expect(key('b')).toEqual({ type: 'preset', name: 'bone' });
    expect(key('n')).toEqual({ type: 'preset', name: 'brain' });
    expect(key('a')).toEqual({ type: 'auto' });
    expect(key('r')).toEqual({ type: 'reset' });
    expect(key('?')).toEqual({ type: 'toggleHelp' });
  });

  it('leaves Ctrl / Meta shortcuts and unknown keys alone; Alt+arrows pan', () => {
    expect(key('r', { ctrlKey: true })).toBeNull();
    expect(key('9')).toBeNull();
    expect(key('ArrowLeft', { altKey: true })).toEqual({ type: 'pan', dx: -40, dy: 0 });
  });

  it('documents every single-letter binding in the help', () => {
    const helpKeys = KEY_HELP.flatMap((r) => r.keys.split(/[\s/,]+/)).map((s) => s.toLowerCase());
    for (const letter of 'lmbnarcwxps') {
      expect(key(letter)).not.toBeNull();
      expect(helpKeys).toContain(letter);
    }
  });

  it('binds the labelling tools to keys the viewer leaves free, without changing any viewer key', () => {
    expect(key('d')).toEqual({ type: 'editTool', tool: 'brush' });
    expect(key('E')).toEqual({ type: 'editTool', tool: 'eraser' });
    expect(key('v')).toEqual({ type: 'editTool', tool: 'navigate' });
    expect(key('i')).toEqual({ type: 'editOperation', name: 'interpolate' });
    expect(key('O', { shiftKey: true })).toEqual({ type: 'editOperation', name: 'holesEverySlice' });
    expect(key('z', { ctrlKey: true })).toEqual({ type: 'undo' });
    expect(key('Z', { ctrlKey: true, shiftKey: true })).toEqual({ type: 'redo' });
    expect(key('y', { ctrlKey: true })).toEqual({ type: 'redo' });
    expect(key('n', { altKey: true })).toEqual({ type: 'nextCase' });
    expect(key('o', { ctrlKey: true })).toBeNull(); // Ctrl+O stays the app's import
    // Review keys: Z (Ctrl+Z stays undo), braces and Alt+PgUp/PgDn (Alt+arrows stay pan).
    expect(key('z')).toEqual({ type: 'review', action: 'toggleOverlay' });
    expect(key('}', { shiftKey: true })).toEqual({ type: 'review', action: 'nextRegion' });
    expect(key('{', { shiftKey: true })).toEqual({ type: 'review', action: 'previousRegion' });
    expect(key('PageDown', { altKey: true })).toEqual({ type: 'review', action: 'nextRegion' });
    expect(key('PageDown')).toEqual({ type: 'slice', steps: -1 });
    expect(key('ArrowUp', { altKey: true })).toEqual({ type: 'pan', dx: 0, dy: -40 });
    for (const viewerKey of "lmbnarcwxpsh1234[];'-+?".split('')) {
      expect(key(viewerKey)?.type ?? 'none').not.toMatch(
        /^edit|undo|redo|brush|toggleDimension|toggleProtect/,
      );
    }
  });
});
