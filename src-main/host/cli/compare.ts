// `concord compare <mask1> <mask2> [<mask3> ...] [--label <v>] [--tolerance <mm>] [--kappa-margin <mm>] [--json]`
// Every pair's metrics per label (definitions in src-main/core/metrics/*.ts), and Fleiss' kappa over all
// masks. Runs in this process (a CLI has no UI thread to keep free) through the same dispatcher as the
// worker, so the numbers are the app's.
import { InputError } from '../../core/errors';
import { runConsensusTask } from '../../workers/consensus-tasks';
import { optionString, parseArgs } from './args';
import { printJson, progressLine } from './output';
import { labelOption, millimetres, readRaterMasks, refuseWorkspaceMode } from './rater-masks';

const USAGE =
  'usage: concord compare <mask1> <mask2> [<mask3> ...] [--label <v>] [--tolerance <mm>] [--kappa-margin <mm>] [--json]';

function fmt(x: number | null, digits = 4): string {
  return x === null ? '-' : x.toFixed(digits);
}

export async function runCompare(argv: string[]): Promise<number> {
  const args = parseArgs(argv, {
    values: ['label', 'tolerance', 'kappa-margin', 'workspace', 'case'],
    flags: ['json'],
  });
  refuseWorkspaceMode(args, 'compare');
  if (args.positionals.length < 2) throw new InputError(undefined, USAGE);
  const label = labelOption(optionString(args, 'label'));
  const toleranceMm = millimetres(optionString(args, 'tolerance'), '--tolerance', 1);
  const kappaMarginMm = millimetres(optionString(args, 'kappa-margin'), '--kappa-margin', 5);
  const input = await readRaterMasks(args.positionals, 2, 'compare');
  const progress = progressLine('comparing');
  const r = runConsensusTask(
    { kind: 'compare', masks: input.masks, grid: input.grid, options: { label, toleranceMm, kappaMarginMm } },
    { onProgress: (f, stage) => progress(f, stage) },
  );
  const out = {
    masks: input.files,
    grid: { dims: input.grid.dims, spacing: input.grid.spacing, voxelMl: input.grid.voxelMl },
    labels: r.labels,
    toleranceMm,
    pairs: r.pairs.map(({ kappaRegion, ...p }) => ({
      ...p,
      kappaRegion: kappaRegion
        ? { ...kappaRegion.box, voxels: kappaRegion.voxels, marginMm: kappaRegion.marginMm }
        : null,
    })),
    fleissKappa: r.fleiss.kappa,
    fleissKappaReason: r.fleiss.reason,
    fleissKappaLabel: r.fleiss.label,
    kappaRegion: r.fleiss.region
      ? { ...r.fleiss.region.box, voxels: r.fleiss.region.voxels, marginMm: r.fleiss.region.marginMm }
      : null,
  };
  if (args.options.has('json')) {
    printJson(out);
    return 0;
  }
  process.stdout.write(
    'label  a  b    Dice  Jaccard  HD(mm)  HD95(mm)  ASSD(mm)  sDice@' +
      `${toleranceMm}mm  VolA(mL)  VolB(mL)  kappa\n`,
  );
  for (const p of r.pairs) {
    process.stdout.write(
      `${String(p.label).padStart(5)} ${String(p.a).padStart(2)} ${String(p.b).padStart(2)}  ${fmt(p.dice)}  ${fmt(p.jaccard).padStart(7)}` +
        `  ${fmt(p.hausdorff, 3).padStart(6)}  ${fmt(p.hd95, 3).padStart(8)}  ${fmt(p.assd, 3).padStart(8)}` +
        `  ${fmt(p.surfaceDice).padStart(9)}  ${fmt(p.volumeA_ml, 3).padStart(8)}  ${fmt(p.volumeB_ml, 3).padStart(8)}  ${fmt(p.cohenKappa)}` +
        (p.distanceReason ? `  (distances: ${p.distanceReason})` : '') +
        '\n',
    );
  }
  process.stdout.write(
    `Fleiss' kappa: ${fmt(r.fleiss.kappa)}${r.fleiss.reason ? ` (${r.fleiss.reason})` : ''}\n`,
  );
  return 0;
}
