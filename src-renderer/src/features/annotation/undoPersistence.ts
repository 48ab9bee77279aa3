// Undo over a reload: the editor's undo/redo stack (patches, see core/labelling/undo.ts) is kept in the
// window's sessionStorage, per annotation, together with the head revision it leads to. A reload of the
// window (or tab) finds it again when the annotation's head is still that revision; any other head (another
// window saved, a save was lost) discards it, because its patches were made against other labels.
//
// Kept: the newest steps whose encoding fits STORED_CHARS (sessionStorage holds about 5 M characters per
// origin); older steps are dropped first, as the stack itself drops them. Not kept: anything across an app
// restart or in another window (the revision history with revert covers those).
//
// Encoding: each patch's labels as runs (value, run length as LEB128), base64; boxes as they are.
import type { MaskPatch } from '@contract';
import type { UndoEntry } from '@core/labelling/undo';

export const STORED_CHARS = 2_000_000;
const VERSION = 1;

export interface StoredHistory {
  entries: UndoEntry[];
  cursor: number;
}

interface Stored {
  v: number;
  head: number | null;
  cursor: number;
  entries: { tool: string; patch: [MaskPatch['box'], string]; inverse: [MaskPatch['box'], string] }[];
}

/** Each step is encoded once (saves come after every edit; the stack changes by a step at a time). */
const ENCODED = new WeakMap<UndoEntry, Stored['entries'][number]>();

export function storageKey(annotationId: number): string {
  return `concord.undo.${annotationId}`;
}

function runs(data: Uint8Array): string {
  const out: number[] = [];
  let p = 0;
  while (p < data.length) {
    const v = data[p]!;
    let q = p + 1;
    while (q < data.length && data[q] === v) q++;
    out.push(v);
    let n = q - p;
    while (n >= 0x80) {
      out.push((n & 0x7f) | 0x80);
      n = Math.floor(n / 128);
    }
    out.push(n);
    p = q;
  }
  let s = '';
  for (let i = 0; i < out.length; i += 0x8000) s += String.fromCharCode(...out.slice(i, i + 0x8000));
  return btoa(s);
}

function unruns(text: string, length: number): Uint8Array {
  const bin = atob(text);
  const out = new Uint8Array(length);
  let at = 0;
  let p = 0;
  while (p < bin.length) {
    const v = bin.charCodeAt(p++);
    let n = 0;
    let scale = 1;
    for (;;) {
      if (p >= bin.length) throw new Error('cut short');
      const b = bin.charCodeAt(p++);
      n += (b & 0x7f) * scale;
      scale *= 128;
      if ((b & 0x80) === 0) break;
    }
    if (n === 0 || at + n > length) throw new Error('bad run');
    out.fill(v, at, at + n);
    at += n;
  }
  if (at !== length) throw new Error('short');
  return out;
}

function boxVoxels(box: MaskPatch['box']): number {
  return (box[1] - box[0]) * (box[3] - box[2]) * (box[5] - box[4]);
}

function isBox(b: unknown): b is MaskPatch['box'] {
  return (
    Array.isArray(b) &&
    b.length === 6 &&
    b.every((x) => Number.isInteger(x) && x >= 0) &&
    b[0] < b[1] &&
    b[2] < b[3] &&
    b[4] < b[5]
  );
}

/** Stores the history leading to `head` (the newest steps that fit); never throws (storage may be full). */
export function saveHistory(
  storage: Storage,
  annotationId: number,
  head: number | null,
  history: StoredHistory,
  budget = STORED_CHARS,
): void {
  const encoded = history.entries.map((e) => {
    let x = ENCODED.get(e);
    if (!x) {
      x = {
        tool: e.tool,
        patch: [e.patch.box, runs(e.patch.data)],
        inverse: [e.inverse.box, runs(e.inverse.data)],
      };
      ENCODED.set(e, x);
    }
    return x;
  });
  let cursor = history.cursor;
  let size = encoded.reduce((n, e) => n + e.patch[1].length + e.inverse[1].length + 80, 0);
  // Drop the oldest steps until it fits.
  while (encoded.length > 0 && size > budget) {
    const e = encoded.shift()!;
    size -= e.patch[1].length + e.inverse[1].length + 80;
    cursor = Math.max(0, cursor - 1);
  }
  const key = storageKey(annotationId);
  try {
    if (encoded.length === 0) storage.removeItem(key);
    else
      storage.setItem(key, JSON.stringify({ v: VERSION, head, cursor, entries: encoded } satisfies Stored));
  } catch {
    storage.removeItem(key);
  }
}

/** The stored history when it leads to `head`, else null (and anything stale is removed). */
export function loadHistory(
  storage: Storage,
  annotationId: number,
  head: number | null,
): StoredHistory | null {
  const key = storageKey(annotationId);
  const text = storage.getItem(key);
  if (text === null) return null;
  try {
    const s = JSON.parse(text) as Stored;
    if (s.v !== VERSION || s.head !== head) throw new Error('stale');
    const entries: UndoEntry[] = s.entries.map((e) => {
      if (typeof e.tool !== 'string' || !isBox(e.patch[0]) || !isBox(e.inverse[0]))
        throw new Error('bad entry');
      return {
        tool: e.tool,
        patch: { box: e.patch[0], data: unruns(e.patch[1], boxVoxels(e.patch[0])) },
        inverse: { box: e.inverse[0], data: unruns(e.inverse[1], boxVoxels(e.inverse[0])) },
      };
    });
    if (!Number.isInteger(s.cursor) || s.cursor < 0 || s.cursor > entries.length)
      throw new Error('bad cursor');
    return { entries, cursor: s.cursor };
  } catch {
    storage.removeItem(key);
    return null;
  }
}
