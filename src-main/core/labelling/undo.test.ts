import { describe, expect, it } from 'vitest';
import type { MaskPatch } from './patch';
import { applyPatch } from './patch';
import { UndoStack } from './undo';

function step(n: number, bytes = 1): { tool: string; patch: MaskPatch; inverse: MaskPatch } {
  return {
    tool: `t${n}`,
    patch: { box: [n, n + 1, 0, 1, 0, 1], data: new Uint8Array(bytes).fill(1) },
    inverse: { box: [n, n + 1, 0, 1, 0, 1], data: new Uint8Array(bytes) },
  };
}

describe('UndoStack', () => {
  it('undoes newest first and redoes in order', () => {
    const s = new UndoStack();
    s.push(step(0));
    s.push(step(1));
    expect(s.undo()?.tool).toBe('t1');
    expect(s.undo()?.tool).toBe('t0');
    expect(s.undo()).toBeNull();
    expect(s.redo()?.tool).toBe('t0');
    expect(s.redo()?.tool).toBe('t1');
    expect(s.redo()).toBeNull();
  });

  it('a new edit after an undo drops the redo branch', () => {
    const s = new UndoStack();
    s.push(step(0));
    s.push(step(1));
    s.undo();
    s.push(step(2));
    expect(s.canRedo).toBe(false);
    expect(s.undo()?.tool).toBe('t2');
    expect(s.undo()?.tool).toBe('t0');
  });

  it('holds at least 100 steps, and a mask undone 150 times comes back to where it was', () => {
    const dims: [number, number, number] = [200, 1, 1];
    const mask = new Uint8Array(200);
    const s = new UndoStack();
    for (let n = 0; n < 150; n++) {
      const e = step(n);
      applyPatch(mask, dims, e.patch);
      s.push(e);
    }
    expect(s.undoDepth).toBe(150);
    for (let n = 0; n < 150; n++) applyPatch(mask, dims, s.undo()!.inverse);
    expect(mask.every((v) => v === 0)).toBe(true);
    for (let n = 0; n < 150; n++) applyPatch(mask, dims, s.redo()!.patch);
    expect(mask.subarray(0, 150).every((v) => v === 1)).toBe(true);
  });

  it('drops the oldest steps beyond its capacity or its byte budget, never the newest', () => {
    const s = new UndoStack(3, 1000);
    for (let n = 0; n < 5; n++) s.push(step(n));
    expect(s.undoDepth).toBe(3);
    const big = new UndoStack(100, 1000);
    big.push(step(0, 300));
    big.push(step(1, 300)); // 1200 bytes in all: the first goes
    expect(big.undoDepth).toBe(1);
    big.push(step(2, 2000)); // over budget alone: kept
    expect(big.undoDepth).toBe(1);
    expect(big.undo()?.tool).toBe('t2');
  });
});
