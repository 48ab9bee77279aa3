// `concord bench brush [--json] [--runs N]`: how fast the labelling tools answer on a 512×512×300 CT
// (0.7 × 0.7 × 1.25 mm voxels), in Node, through the same code the viewer runs:
//   dab       one pointer move of a brush stroke (MaskEditor: dabs along the move, change recording) plus
//             the overlay update of the 512×512 slice it shows (renderLabelSlice into the RGBA buffer the
//             view uploads) — 2D discs of 2, 5 and 10 mm, and a 5 mm 3D ball (three views updated);
//   finish    ending a stroke: its patch and inverse (what is saved and undone);
//   undo 3D   undoing a 3D region growing over the phantom's body (tens of millions of voxels): the
//             inverse patch applied to the mask, as Ctrl+Z does before the revision is sent to be saved.
// A frame at 60 Hz is 16.7 ms; the canvas composite (drawImage of two 512×512 bitmaps) is the browser's and
// is not counted here.
import os from 'node:os';
import { identity4 } from '../core/geometry/affine';
import type { Vec3 } from '../core/geometry/affine';
import type { SliceViewName, ViewAxes } from '../core/geometry/display';
import { viewAxes } from '../core/geometry/display';
import { MaskEditor } from '../core/labelling/mask-editor';
import { labelTable, MaskLayer } from '../core/labelling/mask-layer';
import { renderLabelSlice } from '../core/labelling/overlay-render';
import type { SlicePointer } from '../core/labelling/slice-editor';
import { optionString, parseArgs, positiveInt } from '../host/cli/args';
import { printJson } from '../host/cli/output';
import { ctPhantom } from './phantom';

const DIMS: Vec3 = [512, 512, 300];
const SPACING: Vec3 = [0.7, 0.7, 1.25];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function pointer(view: SliceViewName, axes: ViewAxes, ijk: Vec3, dragPx: number): SlicePointer {
  return { view, axes, slice: ijk[axes.normal.axis], x: 0, y: 0, ijk, voxel: ijk, dragPx };
}

export async function runBenchBrush(argv: string[]): Promise<number> {
  const args = parseArgs(argv, { values: ['runs'], flags: ['json'] });
  const runs = positiveInt(optionString(args, 'runs') ?? '3', '--runs');
  const affine = identity4();
  affine[0] = SPACING[0];
  affine[5] = SPACING[1];
  affine[10] = SPACING[2];
  const voxels = ctPhantom(DIMS);
  const n = DIMS[0] * DIMS[1] * DIMS[2];
  const mask = new Uint8Array(n);
  const layer = new MaskLayer(
    'bench',
    DIMS,
    mask,
    labelTable([{ value: 1, color: '#ff0000', visible: true, opacity: 0.5 }]),
  );
  let lastBox: number[] = [];
  const editor = new MaskEditor({
    volume: { voxels, dims: DIMS, affineLPS: affine, rescale: { slope: 1, intercept: -1024 } },
    layer,
    // What the app would hand to the save queue; here only its box is kept.
    onEdit: (_tool, edit) => {
      lastBox = [...edit.patch.box];
    },
  });
  const views: SliceViewName[] = ['axial', 'coronal', 'sagittal'];
  const axesOf = Object.fromEntries(views.map((v) => [v, viewAxes(affine, v)])) as Record<
    SliceViewName,
    ViewAxes
  >;
  const rgba = new Uint32Array(DIMS[0] * DIMS[1]);
  const overlay = (view: SliceViewName, ijk: Vec3): void => {
    const axes = axesOf[view];
    renderLabelSlice(mask, DIMS, axes, ijk[axes.normal.axis], layer.lut, false, rgba);
  };

  /** A stroke of `moves` pointer moves, one voxel apart along i then j, on the axial slice k = 150. */
  const stroke = (radiusMm: number, dimension: '2d' | '3d', moves: number) => {
    editor.update({ tool: 'brush', brushMm: radiusMm, dimension });
    const axial = axesOf.axial;
    const at = (s: number): Vec3 => [150 + (s % 200), 180 + Math.floor(s / 200) * 20, 150];
    editor.pointer('down', pointer('axial', axial, at(0), 0));
    const perMove: number[] = [];
    for (let s = 1; s <= moves; s++) {
      const ijk = at(s);
      const t0 = performance.now();
      editor.pointer('move', pointer('axial', axial, ijk, s));
      // The views showing the change redraw their overlay slice: the axial one in 2D, all three in 3D.
      for (const v of dimension === '2d' ? (['axial'] as const) : views) overlay(v, ijk);
      perMove.push(performance.now() - t0);
    }
    const t1 = performance.now();
    editor.pointer('up', pointer('axial', axial, at(moves), moves));
    const finishMs = performance.now() - t1;
    const undoT = performance.now();
    editor.undo(); // leave the mask empty for the next measurement
    const undoMs = performance.now() - undoT;
    return { perMove, finishMs, undoMs };
  };

  const dabs: Record<string, { medianMs: number; p95Ms: number; finishMs: number; undoMs: number }> = {};
  for (const [name, r, dim] of [
    ['disc2mm', 2, '2d'],
    ['disc5mm', 5, '2d'],
    ['disc10mm', 10, '2d'],
    ['ball5mm', 5, '3d'],
  ] as const) {
    const all: number[] = [];
    const finish: number[] = [];
    const undo: number[] = [];
    for (let run = 0; run < runs; run++) {
      const r1 = stroke(r, dim, 400);
      all.push(...r1.perMove);
      finish.push(r1.finishMs);
      undo.push(r1.undoMs);
    }
    const sorted = [...all].sort((a, b) => a - b);
    dabs[name] = {
      medianMs: median(all),
      p95Ms: sorted[Math.floor(sorted.length * 0.95)]!,
      finishMs: median(finish),
      undoMs: median(undo),
    };
  }

  // A 3D operation: region growing from the body's centre (soft tissue, 40 ± 20 HU) with ± 60 HU.
  editor.update({ tool: 'grow', dimension: '3d', tolerance: 60, growMaxVoxels: n, protect: false });
  const undo3d: number[] = [];
  let grow = { voxels: 0, ms: 0, box: [] as number[] };
  const growMs: number[] = [];
  for (let run = 0; run < runs; run++) {
    const seed: Vec3 = [256, 400, 150];
    const t0 = performance.now();
    editor.pointer('down', pointer('axial', axesOf.axial, seed, 0));
    const ms = performance.now() - t0;
    grow = { voxels: countLabel(mask, 1), ms, box: lastBox };
    growMs.push(ms);
    const t1 = performance.now();
    editor.undo();
    undo3d.push(performance.now() - t1);
    if (countLabel(mask, 1) !== 0) throw new Error('undo did not restore the mask');
  }

  const result = {
    benchmark: 'brush',
    volume: { dims: DIMS, spacingMm: SPACING },
    runs,
    frameBudgetMs: 1000 / 60,
    dabPlusOverlay: dabs,
    regionGrow3d: {
      voxels: grow.voxels,
      box: grow.box,
      boxVoxels:
        (grow.box[1]! - grow.box[0]!) * (grow.box[3]! - grow.box[2]!) * (grow.box[5]! - grow.box[4]!),
      growMs: median(growMs),
      undoMs: median(undo3d),
    },
    machine: { cpus: os.cpus().length, cpu: os.cpus()[0]?.model ?? '', node: process.version },
  };
  if (args.options.has('json')) printJson(result);
  else process.stdout.write(JSON.stringify(result, null, 2) + '\n');
  return 0;
}

function countLabel(mask: Uint8Array, label: number): number {
  let c = 0;
  for (let i = 0; i < mask.length; i++) if (mask[i] === label) c++;
  return c;
}
