// Heavy operations through the worker path: the editor sends them to a WorkerOpsRunner whose port runs the
// worker's own message handler (handleOpsMessage) on structured clones, asynchronously, as a Web Worker
// does. The voxels and the undo steps must equal the in-thread editor's on the same grid; while one runs
// the editor is busy and refuses edits; Esc cancels it (nothing changes) and the next one starts afresh.
import { describe, expect, it } from 'vitest';
import type { Vec3 } from '@core/geometry/affine';
import { identity4 } from '@core/geometry/affine';
import type { ViewAxes } from '@core/geometry/display';
import { viewAxes } from '@core/geometry/display';
import type { EditResult } from '@core/labelling/patch';
import { handleOpsMessage } from '@core/labelling/heavy-ops';
import type { OpsRequest, OpsResponse, OpsWorkerState } from '@core/labelling/heavy-ops';
import { MaskEditor } from '@core/labelling/mask-editor';
import { labelTable, MaskLayer } from '@core/labelling/mask-layer';
import type { OpsPort } from './workerOpsRunner';
import { WorkerOpsRunner } from './workerOpsRunner';
import type { SlicePointer } from '@core/labelling/slice-editor';
import type { OperationName } from '@core/labelling/tool-settings';

const DIMS: Vec3 = [16, 12, 8];
const N = DIMS[0] * DIMS[1] * DIMS[2];
const AFFINE = identity4();
AFFINE[0] = 0.8;
AFFINE[5] = 0.8;
AFFINE[10] = 2;
const AXIAL: ViewAxes = viewAxes(AFFINE, 'axial');

/** A port that runs the worker's handler on clones, a task later; `hold` keeps answers back. */
class ClonePort implements OpsPort {
  onmessage: ((e: MessageEvent<OpsResponse>) => void) | null = null;
  onerror: ((e: ErrorEvent) => void) | null = null;
  terminated = false;
  hold = false;
  readonly state: OpsWorkerState = { voxels: null };
  received: OpsRequest['type'][] = [];
  postMessage(message: OpsRequest, transfer: Transferable[]): void {
    const m = structuredClone(message, { transfer: transfer as Transferable[] });
    this.received.push(m.type);
    setTimeout(() => {
      if (this.terminated || this.hold) return;
      const answer = handleOpsMessage(this.state, m);
      if (answer) {
        const data = structuredClone(answer.response, { transfer: answer.transfer });
        this.onmessage?.({ data } as MessageEvent<OpsResponse>);
      }
    }, 1);
  }
  terminate(): void {
    this.terminated = true;
  }
}

/** A volume with a bright blob (values 500) in a dark background (0), and a seeded mask. */
function scene() {
  const voxels = new Int16Array(N);
  const mask = new Uint8Array(N);
  for (let k = 0; k < DIMS[2]; k++)
    for (let j = 0; j < DIMS[1]; j++)
      for (let i = 0; i < DIMS[0]; i++) {
        const at = i + j * DIMS[0] + k * DIMS[0] * DIMS[1];
        if ((i - 8) ** 2 + (j - 6) ** 2 + ((k - 4) * 2) ** 2 < 20) voxels[at] = 500;
        // Label 1: a hollow box on slices 1..6 (holes in 3D), a stray voxel (an island), slices 1 and 6 for
        // interpolation of label 2.
        const shell = i >= 2 && i <= 6 && j >= 2 && j <= 6 && k >= 1 && k <= 5;
        const inner = i >= 3 && i <= 5 && j >= 3 && j <= 5 && k >= 2 && k <= 4;
        if (shell && !inner) mask[at] = 1;
        if (i === 13 && j === 10 && k === 7) mask[at] = 1;
        if (i <= 1 && j >= 10 && k === 7) mask[at] = 1; // 4 voxels: no island, but not the largest
        if ((k === 1 || k === 6) && i >= 10 && i <= 13 && j >= 2 && j <= 4) mask[at] = 2;
      }
  return { voxels, mask };
}

function editorOn(port?: ClonePort) {
  const { voxels, mask } = scene();
  const layer = new MaskLayer('own', DIMS, mask, labelTable([]));
  const edits: { tool: string; edit: EditResult }[] = [];
  const messages: string[] = [];
  const ports: ClonePort[] = [];
  const editor = new MaskEditor({
    volume: { voxels, dims: DIMS, affineLPS: AFFINE, rescale: { slope: 1, intercept: -100 } },
    layer,
    onEdit: (tool, edit) => edits.push({ tool, edit }),
    onMessage: (m) => messages.push(m),
    settings: { dimension: '3d', islandMin: 2, islandUnit: 'voxels', tolerance: 50 },
    ...(port !== undefined
      ? {
          runner: new WorkerOpsRunner(() => {
            const p = ports.length === 0 ? port : new ClonePort();
            ports.push(p);
            return p;
          }),
          workerMinVoxels: 1,
        }
      : {}),
  });
  return { editor, mask, edits, messages, ports };
}

const CTX = { view: 'axial' as const, axes: AXIAL, slice: 3 };

function seedAt(ijk: Vec3): SlicePointer {
  return { view: 'axial', axes: AXIAL, slice: ijk[2], x: 0, y: 0, ijk, voxel: ijk, dragPx: 0 };
}

async function settle(editor: MaskEditor) {
  for (let n = 0; n < 100 && editor.busy; n++) await new Promise((r) => setTimeout(r, 2));
}

describe('heavy operations through the worker path', () => {
  it('gives the same voxels and undo steps as the in-thread editor, for every operation', async () => {
    const inline = editorOn();
    const worker = editorOn(new ClonePort());
    const steps: [OperationName, number][] = [
      ['holes', 1],
      ['islands', 1],
      ['interpolate', 2],
      ['largest', 1],
      ['holesEverySlice', 1],
    ];
    for (const [name, label] of steps) {
      for (const e of [inline.editor, worker.editor]) e.update({ label });
      const a = await inline.editor.operation(name, CTX);
      const pending = worker.editor.operation(name, CTX);
      if (a) {
        // Busy until the worker answers; edits are refused meanwhile.
        expect(worker.editor.getSnapshot().working).toMatch(/…|ing/);
        expect(worker.editor.undo()).toBe(false);
        expect(worker.messages.at(-1)).toMatch(/still running/);
      }
      const b = await pending;
      expect(b === null, name).toBe(a === null);
      expect(Buffer.from(worker.mask).equals(Buffer.from(inline.mask)), name).toBe(true);
    }
    // Region growing in 3D from the bright blob.
    for (const e of [inline.editor, worker.editor]) e.update({ tool: 'grow', label: 3 });
    inline.editor.pointer('down', seedAt([8, 6, 4]));
    worker.editor.pointer('down', seedAt([8, 6, 4]));
    await settle(worker.editor);
    expect(inline.mask.filter((v) => v === 3).length).toBeGreaterThan(10);
    expect(Buffer.from(worker.mask).equals(Buffer.from(inline.mask))).toBe(true);
    expect(worker.ports[0]!.received).toContain('volume');

    expect(inline.edits.map((e) => e.tool)).toEqual([
      'fill-holes',
      'remove-islands',
      'interpolate',
      'keep-largest',
      'region-grow',
    ]);
    expect(worker.edits.map((e) => e.tool)).toEqual(inline.edits.map((e) => e.tool));
    worker.edits.forEach((e, n) => {
      expect(e.edit.patch.box).toEqual(inline.edits[n]!.edit.patch.box);
      expect(Buffer.from(e.edit.patch.data).equals(Buffer.from(inline.edits[n]!.edit.patch.data))).toBe(true);
    });
    // Undo all the way back: the original mask.
    while (worker.editor.undo()) inline.editor.undo();
    expect(Buffer.from(worker.mask).equals(Buffer.from(scene().mask))).toBe(true);
    expect(Buffer.from(inline.mask).equals(Buffer.from(scene().mask))).toBe(true);
  });

  it('cancels an operation in progress with nothing changed, and runs the next in a fresh worker', async () => {
    const port = new ClonePort();
    port.hold = true;
    const { editor, mask, edits, messages, ports } = editorOn(port);
    const pending = editor.operation('holes', CTX);
    expect(editor.busy).toBe(true);
    expect(editor.getSnapshot().working).toBe('Filling holes');
    editor.cancel();
    expect(await pending).toBeNull();
    expect(port.terminated).toBe(true);
    expect(editor.busy).toBe(false);
    expect(messages.at(-1)).toBe('Cancelled.');
    expect(Buffer.from(mask).equals(Buffer.from(scene().mask))).toBe(true);
    expect(edits).toEqual([]);
    // The next operation starts a new worker and completes.
    expect(await editor.operation('holes', CTX)).not.toBeNull();
    expect(ports).toHaveLength(2);
    expect(edits.map((e) => e.tool)).toEqual(['fill-holes']);
  });
});
