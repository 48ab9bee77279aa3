// Undo/redo of mask edits: a stack of (before, after) patches. Undo hands back the entry whose inverse the
// caller applies (and saves as a new revision, tool 'undo'); redo the entry whose patch it re-applies
// (tool 'redo'). A new edit after an undo drops the redo branch, as in every editor.
//
// Depth: at least `capacity` steps (default 200). Big 3D edits make big patches, so the stack also keeps
// its patches under `maxBytes` (default 1 GiB) by dropping the oldest steps; the newest step is always kept.

import type { MaskPatch } from './patch';

export interface UndoEntry {
  /** The tool that made the edit ("brush", "region-grow", …). */
  tool: string;
  /** Labels of the box after the edit. */
  patch: MaskPatch;
  /** Labels of the same box before it. */
  inverse: MaskPatch;
}

export class UndoStack {
  private entries: UndoEntry[] = [];
  /** Entries [0, cursor) are done (undoable); [cursor, length) are undone (redoable). */
  private cursor = 0;
  private bytes = 0;
  readonly capacity: number;
  readonly maxBytes: number;

  constructor(capacity = 200, maxBytes = 2 ** 30) {
    this.capacity = capacity;
    this.maxBytes = maxBytes;
  }

  get canUndo(): boolean {
    return this.cursor > 0;
  }

  get canRedo(): boolean {
    return this.cursor < this.entries.length;
  }

  /** Steps that can be undone now. */
  get undoDepth(): number {
    return this.cursor;
  }

  get redoDepth(): number {
    return this.entries.length - this.cursor;
  }

  push(entry: UndoEntry): void {
    for (const dropped of this.entries.splice(this.cursor)) this.bytes -= sizeOf(dropped);
    this.entries.push(entry);
    this.bytes += sizeOf(entry);
    while (this.entries.length > 1 && (this.entries.length > this.capacity || this.bytes > this.maxBytes)) {
      this.bytes -= sizeOf(this.entries.shift()!);
    }
    this.cursor = this.entries.length;
  }

  /** The entry to undo (apply its inverse), or null. */
  undo(): UndoEntry | null {
    if (this.cursor === 0) return null;
    this.cursor--;
    return this.entries[this.cursor]!;
  }

  /** The entry to redo (apply its patch), or null. */
  redo(): UndoEntry | null {
    if (this.cursor === this.entries.length) return null;
    return this.entries[this.cursor++]!;
  }

  clear(): void {
    this.entries = [];
    this.cursor = 0;
    this.bytes = 0;
  }

  /** The steps and how many of them are done (to keep the stack over a window reload). */
  snapshot(): { entries: UndoEntry[]; cursor: number } {
    return { entries: this.entries.slice(), cursor: this.cursor };
  }

  /** Puts back a snapshot (the newest steps within the limits); `cursor` steps of it are done. */
  restore(entries: readonly UndoEntry[], cursor: number): void {
    this.clear();
    const undone = entries.length - Math.max(0, Math.min(entries.length, cursor));
    for (const e of entries) this.push(e);
    this.cursor = Math.max(0, this.entries.length - undone);
  }
}

function sizeOf(e: UndoEntry): number {
  return e.patch.data.byteLength + e.inverse.data.byteLength;
}
