// `concord compare <mask1> <mask2> [<mask3> ...] [--label <v>] [--tolerance <mm>] [--kappa-margin <mm>]
//                  [--csv <file>] [--json]`
// `concord compare --workspace <dir> --case <id|name> [--volume <id>] [--raters <name|id,...>]
//                  [--include-derived] [--label <v>] [--tolerance <mm>] [--kappa-margin <mm>] [--csv <file>] [--json]`
// Every pair's metrics per label (definitions in src-main/core/metrics/*.ts), and Fleiss' kappa over all
// masks. On a workspace the raters are the case's annotations (case-raters.ts), the JSON adds which
// annotation and revision each rater index is (`raters`) and each rater against the vote and STAPLE
// (`versusConsensus`), as the app's comparison view shows. `--csv` writes the table with units in the header
// (services/consensus/export.ts). Runs in this process (a CLI has no UI thread to keep free) through the same
// dispatcher as the worker, so the numbers are the app's.
import fs from 'node:fs';
import path from 'node:path';
import type { PairMetrics, RaterRef, VersusConsensus } from '../../core/model';
import { InputError } from '../../core/errors';
import type { MaskGrid } from '../../core/metrics/grid';
import type { KappaResult } from '../../core/metrics/kappa';
import { compareCase } from '../../services/consensus/compare';
import { comparisonCsv } from '../../services/consensus/export';
import { inProcessRunner } from '../../services/consensus/runner';
import { MaskStore } from '../../services/masks/mask-store';
import { runConsensusTask } from '../../workers/consensus-tasks';
import { optionString, parseArgs } from './args';
import { caseSelection, isWorkspaceMode, openCaseWorkspace } from './case-raters';
import { printJson, progressLine } from './output';
import { labelOption, millimetres, readRaterMasks } from './rater-masks';

const USAGE =
  'usage: concord compare <mask1> <mask2> [<mask3> ...] [--label <v>] [--tolerance <mm>] [--kappa-margin <mm>] [--csv <file>] [--json]\n' +
  '       concord compare --workspace <dir> --case <id|name> [--volume <id>] [--raters <name|id,...>] [--include-derived] [--label <v>] [--tolerance <mm>] [--csv <file>] [--json]';

function fmt(x: number | null, digits = 4): string {
  return x === null ? '-' : x.toFixed(digits);
}

interface Compared {
  names: string[];
  grid: MaskGrid;
  labels: number[];
  pairs: PairMetrics[];
  fleiss: KappaResult & { label: number | null };
  raters?: RaterRef[];
  versusConsensus?: VersusConsensus[];
  extra: Record<string, unknown>;
}

function csvPath(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  if (!/\.csv$/i.test(text)) throw new InputError(text, '--csv must name a .csv file');
  const file = path.resolve(text);
  if (!fs.existsSync(path.dirname(file))) throw new InputError(text, 'the folder for --csv does not exist');
  return file;
}

export async function runCompare(argv: string[]): Promise<number> {
  const args = parseArgs(argv, {
    values: [
      'label',
      'tolerance',
      'kappa-margin',
      'workspace',
      'case',
      'volume',
      'annotations',
      'raters',
      'csv',
    ],
    flags: ['json', 'include-derived'],
  });
  const label = labelOption(optionString(args, 'label'));
  const toleranceMm = millimetres(optionString(args, 'tolerance'), '--tolerance', 1);
  const kappaMarginMm = millimetres(optionString(args, 'kappa-margin'), '--kappa-margin', 5);
  const csv = csvPath(optionString(args, 'csv'));
  const progress = progressLine('comparing');
  let c: Compared;
  if (isWorkspaceMode(args)) {
    const ws = openCaseWorkspace(args, 'compare');
    try {
      const sel = caseSelection(ws, args, 'compare');
      const r = await compareCase(
        new MaskStore(ws),
        inProcessRunner,
        { ...sel.selection, label, toleranceMm, kappaMarginMm },
        { onProgress: (f, stage) => progress(f, stage) },
      );
      c = {
        names: r.raters.map((x) => x.name),
        grid: { ...r.grid, orthogonal: true },
        labels: r.labels,
        pairs: r.pairs,
        fleiss: r.fleiss,
        raters: r.raters,
        versusConsensus: r.versusConsensus,
        extra: { workspace: ws.dir, caseId: sel.caseId, caseName: sel.caseName, volumeId: r.volumeId },
      };
    } finally {
      ws.close();
    }
  } else {
    if (args.positionals.length < 2) throw new InputError(undefined, USAGE);
    if (
      args.options.has('volume') ||
      args.options.has('annotations') ||
      args.options.has('raters') ||
      args.options.has('include-derived')
    ) {
      throw new InputError(
        undefined,
        '--volume, --annotations, --raters and --include-derived need --workspace and --case',
      );
    }
    const input = await readRaterMasks(args.positionals, 2, 'compare');
    const r = runConsensusTask(
      {
        kind: 'compare',
        masks: input.masks,
        grid: input.grid,
        options: { label, toleranceMm, kappaMarginMm },
      },
      { onProgress: (f, stage) => progress(f, stage) },
    );
    c = {
      names: input.files,
      grid: input.grid,
      labels: r.labels,
      pairs: r.pairs,
      fleiss: r.fleiss,
      extra: {},
    };
  }
  if (csv) {
    fs.writeFileSync(
      csv,
      comparisonCsv({
        raters: c.raters ?? c.names.map((name) => ({ name })),
        pairs: c.pairs,
        fleiss: c.fleiss,
        versusConsensus: c.versusConsensus,
      }),
    );
  }
  const out = {
    ...c.extra,
    masks: c.names,
    ...(c.raters ? { raters: c.raters } : {}),
    grid: { dims: c.grid.dims, spacing: c.grid.spacing, voxelMl: c.grid.voxelMl },
    labels: c.labels,
    toleranceMm,
    pairs: c.pairs.map(({ kappaRegion, ...p }) => ({
      ...p,
      kappaRegion: kappaRegion
        ? { ...kappaRegion.box, voxels: kappaRegion.voxels, marginMm: kappaRegion.marginMm }
        : null,
    })),
    fleissKappa: c.fleiss.kappa,
    fleissKappaReason: c.fleiss.reason,
    fleissKappaLabel: c.fleiss.label,
    kappaRegion: c.fleiss.region
      ? { ...c.fleiss.region.box, voxels: c.fleiss.region.voxels, marginMm: c.fleiss.region.marginMm }
      : null,
    ...(c.versusConsensus ? { versusConsensus: c.versusConsensus } : {}),
    csv: csv ?? null,
  };
  if (args.options.has('json')) {
    printJson(out);
    return 0;
  }
  if (c.raters) {
    for (const r of c.raters)
      process.stdout.write(
        `rater ${r.index}: ${r.name} (annotation ${r.annotationId}, revision ${r.revisionId})\n`,
      );
  }
  process.stdout.write(
    'label  a  b    Dice  Jaccard  HD(mm)  HD95(mm)  ASSD(mm)  sDice@' +
      `${toleranceMm}mm  VolA(mL)  VolB(mL)  kappa\n`,
  );
  for (const p of c.pairs) {
    process.stdout.write(
      `${String(p.label).padStart(5)} ${String(p.a).padStart(2)} ${String(p.b).padStart(2)}  ${fmt(p.dice)}  ${fmt(p.jaccard).padStart(7)}` +
        `  ${fmt(p.hausdorff, 3).padStart(6)}  ${fmt(p.hd95, 3).padStart(8)}  ${fmt(p.assd, 3).padStart(8)}` +
        `  ${fmt(p.surfaceDice).padStart(9)}  ${fmt(p.volumeA_ml, 3).padStart(8)}  ${fmt(p.volumeB_ml, 3).padStart(8)}  ${fmt(p.cohenKappa)}` +
        (p.distanceReason ? `  (distances: ${p.distanceReason})` : '') +
        '\n',
    );
  }
  process.stdout.write(
    `Fleiss' kappa: ${fmt(c.fleiss.kappa)}${c.fleiss.reason ? ` (${c.fleiss.reason})` : ''}\n`,
  );
  if (csv) process.stdout.write(`wrote ${csv}\n`);
  return 0;
}
