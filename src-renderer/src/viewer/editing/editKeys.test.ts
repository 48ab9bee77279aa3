import { describe, expect, it } from 'vitest';
import { EDIT_KEY_HELP, editCommandForKey } from './editKeys';
import { OPERATIONS, TOOLS } from '@core/labelling/tool-settings';

const key = (k: string, mods: Partial<{ shiftKey: boolean; ctrlKey: boolean; altKey: boolean }> = {}) =>
  editCommandForKey({ key: k, shiftKey: false, ctrlKey: false, altKey: false, metaKey: false, ...mods });

describe('labelling keys', () => {
  it('every tool and operation has a key that selects it, and the help lists it', () => {
    const helpKeys = EDIT_KEY_HELP.map((r) => r.keys);
    for (const t of TOOLS) {
      expect(key(t.key.toLowerCase())).toEqual({ type: 'editTool', tool: t.name });
      expect(helpKeys).toContain(t.key);
    }
    for (const o of OPERATIONS) {
      const shift = o.key.startsWith('Shift+');
      const k = shift ? o.key.slice(6) : o.key.toLowerCase();
      expect(key(k, { shiftKey: shift })).toEqual({ type: 'editOperation', name: o.name });
      expect(helpKeys).toContain(o.key);
    }
  });

  it('brush size, 2D/3D, protect, labels, overlay, polygon', () => {
    expect(key(',')).toEqual({ type: 'brushSize', dir: -1 });
    expect(key('>', { shiftKey: true })).toEqual({ type: 'brushSize', dir: 1 });
    expect(key('u')).toEqual({ type: 'toggleDimension' });
    expect(key('q')).toEqual({ type: 'toggleProtect' });
    expect(key('`')).toEqual({ type: 'cycleLabel', dir: 1 });
    expect(key('Y', { shiftKey: true })).toEqual({ type: 'cycleOverlay' });
    expect(key('Enter')).toEqual({ type: 'finishPath' });
  });

  it('leaves other Ctrl and Alt combinations alone', () => {
    expect(key('o', { ctrlKey: true })).toBeNull();
    expect(key('z', { ctrlKey: true, altKey: true })).toBeNull();
    expect(key('ArrowLeft', { altKey: true })).toBeNull();
  });
});
