// Undo over a reload: the stack saved with the head it leads to comes back in a new editor (a reloaded
// window) and undoes and redoes exactly as before; a different head discards it; a full budget drops the
// oldest steps first.
import { describe, expect, it } from 'vitest';
import type { Vec3 } from '@core/geometry/affine';
import { identity4 } from '@core/geometry/affine';
import { viewAxes } from '@core/geometry/display';
import { MaskEditor } from '@core/labelling/mask-editor';
import { labelTable, MaskLayer } from '@core/labelling/mask-layer';
import type { SlicePointer } from '@core/labelling/slice-editor';
import { loadHistory, saveHistory, storageKey } from './undoPersistence';

const DIMS: Vec3 = [7, 5, 3];
const AXIAL = viewAxes(identity4(), 'axial');

class MemoryStorage implements Storage {
  private items = new Map<string, string>();
  get length() {
    return this.items.size;
  }
  clear() {
    this.items.clear();
  }
  getItem(k: string) {
    return this.items.get(k) ?? null;
  }
  key(n: number) {
    return [...this.items.keys()][n] ?? null;
  }
  removeItem(k: string) {
    this.items.delete(k);
  }
  setItem(k: string, v: string) {
    this.items.set(k, v);
  }
}

function editorOn(mask: Uint8Array) {
  return new MaskEditor({
    volume: {
      voxels: new Int16Array(mask.length),
      dims: DIMS,
      affineLPS: identity4(),
      rescale: { slope: 1, intercept: 0 },
    },
    layer: new MaskLayer('own', DIMS, mask, labelTable([])),
    onEdit: () => undefined,
    settings: { tool: 'brush', brushMm: 0.5 },
  });
}

function at(i: number, j: number, k: number): SlicePointer {
  return { view: 'axial', axes: AXIAL, slice: k, x: 0, y: 0, ijk: [i, j, k], voxel: [i, j, k], dragPx: 0 };
}

function stroke(editor: MaskEditor, j: number) {
  editor.pointer('down', at(1, j, 1));
  editor.pointer('move', at(5, j, 1));
  editor.pointer('up', at(5, j, 1));
}

describe('undo over a reload', () => {
  it('restores the stack for the same head: undo and redo as before the reload', () => {
    const mask = new Uint8Array(7 * 5 * 3);
    const first = editorOn(mask);
    const states = [mask.slice()];
    for (const j of [0, 2, 4]) {
      stroke(first, j);
      states.push(mask.slice());
    }
    first.undo();
    const storage = new MemoryStorage();
    saveHistory(storage, 5, 12, first.history.snapshot());

    // The reloaded window: the head's labels (after two strokes), a new editor, the stored stack.
    const reloaded = mask.slice();
    expect(reloaded).toEqual(states[2]);
    const second = editorOn(reloaded);
    const restored = loadHistory(storage, 5, 12);
    expect(restored).not.toBeNull();
    second.restoreHistory(restored!);
    expect(second.getSnapshot()).toMatchObject({ undoDepth: 2, redoDepth: 1 });
    expect(second.redo()).toBe(true);
    expect(reloaded).toEqual(states[3]);
    for (const n of [2, 1, 0]) {
      expect(second.undo()).toBe(true);
      expect(reloaded).toEqual(states[n]);
    }
    expect(second.undo()).toBe(false);
  });

  it('discards a stack saved for another head, or damaged', () => {
    const mask = new Uint8Array(7 * 5 * 3);
    const ed = editorOn(mask);
    stroke(ed, 1);
    const storage = new MemoryStorage();
    saveHistory(storage, 5, 12, ed.history.snapshot());
    expect(loadHistory(storage, 5, 13)).toBeNull();
    expect(storage.getItem(storageKey(5))).toBeNull();
    storage.setItem(
      storageKey(5),
      '{"v":1,"head":12,"cursor":1,"entries":[{"tool":"x","patch":[[0,1,0,1,0,1],"AAA"]}]}',
    );
    expect(loadHistory(storage, 5, 12)).toBeNull();
    expect(loadHistory(storage, 6, null)).toBeNull();
  });

  it('keeps the newest steps that fit the budget', () => {
    const mask = new Uint8Array(7 * 5 * 3);
    const ed = editorOn(mask);
    for (const j of [0, 1, 2, 3, 4]) stroke(ed, j);
    const storage = new MemoryStorage();
    // About two steps' worth of characters.
    saveHistory(storage, 5, 12, ed.history.snapshot(), 2 * 100);
    const kept = loadHistory(storage, 5, 12)!;
    expect(kept.entries.length).toBeGreaterThan(0);
    expect(kept.entries.length).toBeLessThan(5);
    expect(kept.cursor).toBe(kept.entries.length);
    const all = ed.history.snapshot().entries;
    expect(kept.entries.at(-1)!.patch.box).toEqual(all.at(-1)!.patch.box);
  });
});
