// `concord consensus <mask1> <mask2> ... --method vote|staple|mstaple [--label <v>]
//    [--ties undecided|background|foreground] [--undecided-label <v>] [--out <file>] [--prob <file>] [--json]`
// Merges raters' masks. Defaults as ITK's: STAPLE's label (foreground value) 1, mask = probability > 0.5;
// majority vote over every label unless --label, ties to the undecided label (255, or the smallest free
// value when 255 is a label). Outputs are written with writeNifti on the first mask's grid. `raters` holds
// STAPLE's estimated sensitivity and specificity, or, for a vote, each rater against the voted mask.
// Runs in this process, through the same dispatcher as the worker.
//
// Workspace mode: `--workspace <dir> --case <id|name> [--volume <id>] [--raters <name|id,...>]
// [--include-derived] [--save]` merges the case's annotations (case-raters.ts) through the app's merge service:
// the JSON adds which annotation and revision each rater is, and with --save the result is stored as a
// derived annotation with its provenance (method, parameters, input revision ids), as the app stores it.
import path from 'node:path';
import { raterAgreement } from '../../core/consensus/rater-agreement';
import type { TiePolicy } from '../../core/consensus/vote';
import { InputError } from '../../core/errors';
import type { ImageVolume } from '../../core/volume/types';
import { writeNifti } from '../../io/nifti/write';
import { runConsensusTask } from '../../workers/consensus-tasks';
import { optionString, parseArgs, type ParsedArgs } from './args';
import { getVolume } from '../../db/repositories/volumes';
import { printJson, progressLine } from './output';
import { labelOption, readRaterMasks } from './rater-masks';
import type { VolumeGeometry } from '../../core/volume/types';
import { mergeCase } from '../../services/consensus/merge';
import { inProcessRunner } from '../../services/consensus/runner';
import { MaskStore } from '../../services/masks/mask-store';
import { localActor } from '../../services/create-services';
import { caseSelection, isWorkspaceMode, openCaseWorkspace } from './case-raters';

const USAGE =
  'usage: concord consensus <mask1> <mask2> ... --method vote|staple|mstaple [--label <v>] ' +
  '[--ties undecided|background|foreground] [--undecided-label <v>] [--out <file.nii.gz>] [--prob <file.nii.gz>] [--json]\n' +
  '       concord consensus --workspace <dir> --case <id|name> --method vote|staple|mstaple [--volume <id>] [--raters <name|id,...>] ' +
  '[--include-derived] [--save] [same options]';

const METHODS = ['vote', 'staple', 'mstaple'] as const;
type Method = (typeof METHODS)[number];
const TIES: TiePolicy[] = ['undecided', 'background', 'foreground'];

function niftiPath(file: string | undefined, option: string): string | undefined {
  if (file === undefined) return undefined;
  if (!/\.nii(\.gz)?$/i.test(file)) throw new InputError(file, `${option} must end in .nii or .nii.gz`);
  return path.resolve(file);
}

function onGrid(geometry: VolumeGeometry, data: Uint8Array | Float32Array, description: string): ImageVolume {
  return {
    geometry,
    scalarType: data instanceof Float32Array ? 'float32' : 'uint8',
    data,
    frames: 1,
    rescale: { slope: 1, intercept: 0 },
    source: { format: 'nifti', files: [], description },
  };
}

export async function runConsensus(argv: string[]): Promise<number> {
  const args = parseArgs(argv, {
    values: [
      'method',
      'label',
      'ties',
      'undecided-label',
      'out',
      'prob',
      'workspace',
      'case',
      'volume',
      'annotations',
      'raters',
    ],
    flags: ['json', 'save', 'include-derived'],
  });
  const method = optionString(args, 'method') as Method | undefined;
  if (!method || !METHODS.includes(method))
    throw new InputError(undefined, `${USAGE}\n(--method is required)`);
  const labelGiven = labelOption(optionString(args, 'label'));
  const label = labelGiven ?? 1;
  const ties = (optionString(args, 'ties') ?? 'undecided') as TiePolicy;
  if (!TIES.includes(ties))
    throw new InputError(undefined, `--ties must be one of ${TIES.join(', ')} (got '${ties}')`);
  if (args.options.has('ties') && method !== 'vote')
    throw new InputError(undefined, '--ties applies to --method vote only');
  const undecidedLabel = labelOption(optionString(args, 'undecided-label'), '--undecided-label');
  if (undecidedLabel !== undefined && method === 'staple') {
    throw new InputError(undefined, '--undecided-label applies to vote and mstaple');
  }
  const out = niftiPath(optionString(args, 'out'), '--out');
  const prob = niftiPath(optionString(args, 'prob'), '--prob');
  if (prob && method === 'vote')
    throw new InputError(undefined, '--prob needs --method staple or mstaple (a vote has no probabilities)');
  if (isWorkspaceMode(args)) {
    return runOnWorkspace(args, { method, labelGiven, ties, undecidedLabel, out, prob });
  }
  if (
    args.options.has('save') ||
    args.options.has('volume') ||
    args.options.has('annotations') ||
    args.options.has('raters') ||
    args.options.has('include-derived')
  ) {
    throw new InputError(
      undefined,
      '--save, --volume, --annotations, --raters and --include-derived need --workspace and --case',
    );
  }
  if (args.positionals.length < 2) throw new InputError(undefined, USAGE);

  const input = await readRaterMasks(args.positionals, 2, 'consensus');
  const progress = progressLine(method);
  const control = { onProgress: (f: number, stage: string) => progress(f, stage) };
  const { masks, grid } = input;
  let summary: {
    iterations: number | null;
    converged: boolean | null;
    raters: { sensitivity: number | null; specificity: number | null }[];
    foregroundVoxels: number;
    undecidedVoxels: number;
    parameters: object;
    mask: Uint8Array;
    probability: Float32Array | null;
    extra: object;
  };
  if (method === 'vote') {
    const r = runConsensusTask(
      { kind: 'vote', masks, grid, options: { label: labelGiven, ties, undecidedLabel } },
      control,
    );
    summary = {
      iterations: null,
      converged: null,
      raters: raterAgreement(
        masks,
        r.mask,
        label,
        r.parameters.ties === 'undecided' ? r.parameters.undecidedLabel : null,
      ),
      foregroundVoxels: r.foregroundVoxels,
      undecidedVoxels: r.undecidedVoxels,
      parameters: r.parameters,
      mask: r.mask,
      probability: null,
      extra: { tiedVoxels: r.tiedVoxels },
    };
  } else if (method === 'staple') {
    const r = runConsensusTask(
      { kind: 'staple', masks, grid, options: { label, probabilityMap: prob !== undefined } },
      control,
    );
    summary = {
      iterations: r.iterations,
      converged: r.converged,
      raters: r.sensitivity.map((s, i) => ({ sensitivity: s, specificity: r.specificity[i] ?? null })),
      foregroundVoxels: r.foregroundVoxels,
      undecidedVoxels: r.undecidedVoxels,
      parameters: r.parameters,
      mask: r.mask,
      probability: r.probability,
      extra: { prior: r.prior, probabilitySum: r.probabilitySum, patterns: r.patterns, reason: r.reason },
    };
  } else {
    const r = runConsensusTask(
      {
        kind: 'mstaple',
        masks,
        grid,
        options: { label, undecidedLabel, probabilityMap: prob !== undefined },
      },
      control,
    );
    summary = {
      iterations: r.iterations,
      converged: r.converged,
      raters: r.sensitivity.map((s, i) => ({ sensitivity: s, specificity: r.specificity[i] ?? null })),
      foregroundVoxels: r.foregroundVoxels,
      undecidedVoxels: r.undecidedVoxels,
      parameters: r.parameters,
      mask: r.mask,
      probability: r.probability,
      extra: { priors: r.priors, confusion: r.confusion, patterns: r.patterns },
    };
  }
  if (out)
    await writeNifti(out, onGrid(input.reference.geometry, summary.mask, `concord consensus ${method}`));
  if (prob && summary.probability) {
    await writeNifti(
      prob,
      onGrid(input.reference.geometry, summary.probability, `concord consensus ${method} probability`),
    );
  }
  const result = {
    method,
    iterations: summary.iterations,
    converged: summary.converged,
    raters: summary.raters.map((r, i) => ({ file: input.files[i], ...r })),
    foregroundVoxels: summary.foregroundVoxels,
    undecidedVoxels: summary.undecidedVoxels,
    ...summary.extra,
    out: out ?? null,
    prob: prob ?? null,
    provenance: { method, parameters: summary.parameters, inputs: input.files },
  };
  if (args.options.has('json')) {
    printJson(result);
    return 0;
  }
  process.stdout.write(
    `${method}: ${summary.foregroundVoxels} foreground voxels, ${summary.undecidedVoxels} undecided` +
      (summary.iterations !== null ? `, ${summary.iterations} iterations` : '') +
      '\n',
  );
  summary.raters.forEach((r, i) =>
    process.stdout.write(
      `  ${input.files[i]}: sensitivity ${r.sensitivity === null ? '-' : r.sensitivity.toFixed(6)}, specificity ${r.specificity === null ? '-' : r.specificity.toFixed(6)}\n`,
    ),
  );
  if (out) process.stdout.write(`wrote ${out}\n`);
  if (prob) process.stdout.write(`wrote ${prob}\n`);
  return 0;
}

async function runOnWorkspace(
  args: ParsedArgs,
  o: {
    method: Method;
    labelGiven: number | undefined;
    ties: TiePolicy;
    undecidedLabel: number | undefined;
    out: string | undefined;
    prob: string | undefined;
  },
): Promise<number> {
  const ws = openCaseWorkspace(args, 'consensus');
  try {
    const sel = caseSelection(ws, args, 'consensus');
    const progress = progressLine(o.method);
    const {
      result: r,
      mask,
      probability,
    } = await mergeCase(
      ws,
      new MaskStore(ws),
      inProcessRunner,
      {
        ...sel.selection,
        method: o.method,
        label: o.labelGiven,
        ties: args.options.has('ties') ? o.ties : undefined,
        undecidedLabel: o.undecidedLabel,
        save: args.options.has('save'),
        probabilityMap: o.prob !== undefined,
      },
      localActor(),
      { onProgress: (f, stage) => progress(f, stage) },
    );
    const volume = getVolume(ws.db, r.volumeId)!;
    const geometry = { dims: volume.dims, affineLPS: volume.affineLPS };
    if (o.out) await writeNifti(o.out, onGrid(geometry, mask, `concord consensus ${o.method}`));
    if (o.prob && probability) {
      await writeNifti(o.prob, onGrid(geometry, probability, `concord consensus ${o.method} probability`));
    }
    const result = {
      workspace: ws.dir,
      caseId: sel.caseId,
      caseName: sel.caseName,
      volumeId: r.volumeId,
      method: o.method,
      iterations: r.iterations,
      converged: r.converged,
      raters: r.raters,
      foregroundVoxels: r.foregroundVoxels,
      undecidedVoxels: r.undecidedVoxels,
      tiedVoxels: r.tiedVoxels,
      priors: r.priors,
      confusion: r.confusion,
      out: o.out ?? null,
      prob: o.prob ?? null,
      provenance: {
        method: o.method,
        parameters: r.parameters,
        inputRevisionIds: r.raters.map((x) => x.revisionId),
      },
      saved: r.saved ? { annotationId: r.saved.annotationId, revisionId: r.saved.revision.id } : null,
    };
    if (args.options.has('json')) {
      printJson(result);
      return 0;
    }
    process.stdout.write(
      `${o.method} on case ${sel.caseName}: ${r.foregroundVoxels} foreground voxels, ${r.undecidedVoxels} undecided` +
        (r.iterations !== null ? `, ${r.iterations} iterations` : '') +
        '\n',
    );
    for (const x of r.raters) {
      process.stdout.write(
        `  ${x.index} ${x.name} (annotation ${x.annotationId}, revision ${x.revisionId}): sensitivity ${x.sensitivity === null ? '-' : x.sensitivity.toFixed(6)}, specificity ${x.specificity === null ? '-' : x.specificity.toFixed(6)}\n`,
      );
    }
    if (r.saved)
      process.stdout.write(`saved as annotation ${r.saved.annotationId}, revision ${r.saved.revision.id}\n`);
    if (o.out) process.stdout.write(`wrote ${o.out}\n`);
    if (o.prob) process.stdout.write(`wrote ${o.prob}\n`);
    return 0;
  } finally {
    ws.close();
  }
}
