// `concord masks …`: masks from and to other tools.
//   masks import <mask.nii[.gz] | mask.nrrd | mask.seg.nrrd | mask.nhdr | mask.png | seg.dcm> --workspace <dir> --volume <id>
//                --annotator <name> [--label <value>] [--resample nearest] [--threshold <0..1>]
//                [--segments <n,...>] [--json]
//       A NIfTI or NRRD label map, or a 3D Slicer segmentation (its segments as labels with their names and
//       colours, services/interop/nrrd-mask-import.ts), as a new revision of that annotator's annotation of
//       the volume. It must lie on the volume's grid (same dims, corner voxels within 1e-3 mm) unless
//       --resample nearest is given. With --label, every non-zero voxel becomes that label. An annotator
//       without a profile gets one WITHOUT a password: they cannot sign in until an admin sets one.
//       A DICOM SEG (a file with a DICOM preamble) instead: made on the volume's series, frames placed on its
//       grid by position (services/interop/seg-import.ts); --threshold for FRACTIONAL SEGs (default 0.5 of the
//       maximum), --segments to import only some segments (e.g. ones that overlap others).
//   masks import <rtstruct.dcm> --workspace <dir> --volume <id> --annotator <name> [--roi <name>[,<name>…]]
//                [--json]
//       The closed planar contours of an RTSTRUCT drawn on the volume's series, one label per ROI (a voxel
//       is inside when its centre is inside the contours, even-odd rule).
//       Every kind goes through services/interop/mask-file-import.ts, the path the app's import takes too. A
//       greyscale PNG fits a one-slice volume of its width and height (a PNG has no position in space).
//   masks export <revision-id> <out> --workspace <dir> [--format nifti|nrrd|seg] [--json]
//       Any revision (an annotator's, a saved consensus, the reference: `consensus --save` and sign-off print
//       their revision ids) as a uint8 NIfTI with its volume's geometry, a DICOM SEG referencing the source
//       series, or a 3D Slicer segmentation (.seg.nrrd) with the project's label names and colours. The
//       format comes from --format, else the name: .dcm -> seg, .nii/.nii.gz -> nifti, .nrrd/.seg.nrrd -> nrrd.
//   masks export-references --workspace <dir> --project <name|id> --out <dir> [--deidentify] [--json]
//       Every signed-off reference of the project as a folder of NIfTI named by case (masks-references.ts).
//   masks stress …  (test tool: see masks-stress.ts)
import path from 'node:path';
import { InputError } from '../../core/errors';
import {
  importMaskFileOfAnyKind,
  maskFileKind,
  type MaskFileImported,
  type MaskFileKind,
} from '../../services/interop/mask-file-import';
import {
  exportRevision,
  formatOfFileName,
  MASK_EXPORT_FORMATS,
  type MaskExportFormat,
} from '../../services/interop/mask-export';
import { openWorkspace } from '../../workspace/workspace';
import { localActor } from '../../services/create-services';
import { optionString, parseArgs, positiveInt, requireOption, type ParsedArgs } from './args';
import { runExportReferences } from './masks-references';
import { runMasksStress } from './masks-stress';
import { printJson } from './output';

const USAGE =
  'usage: concord masks import <mask.nii.gz|mask.seg.nrrd|mask.png|seg.dcm> --workspace <dir> --volume <id> --annotator <name> [--label <value>] [--resample nearest] [--threshold <0..1>] [--segments <n,...>] [--json]\n' +
  '       concord masks import <rtstruct.dcm> --workspace <dir> --volume <id> --annotator <name> [--roi <name>[,<name>...]] [--json]\n' +
  '       concord masks export <revision-id> <out.nii.gz|out.dcm|out.seg.nrrd> --workspace <dir> [--format nifti|nrrd|seg] [--deidentify] [--json]\n' +
  '       concord masks export-references --workspace <dir> --project <name|id> --out <dir> [--deidentify] [--json]';

export async function runMasks(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'import') return runMasksImport(rest);
  if (sub === 'export') return runMasksExport(rest);
  if (sub === 'export-references') return runExportReferences(rest, USAGE);
  if (sub === 'stress') return runMasksStress(rest);
  throw new InputError(undefined, USAGE);
}

async function runMasksImport(argv: string[]): Promise<number> {
  const args = parseArgs(argv, {
    values: ['workspace', 'volume', 'annotator', 'label', 'resample', 'threshold', 'segments', 'roi'],
    flags: ['json'],
  });
  const [fileArg] = args.positionals;
  if (args.positionals.length !== 1 || !fileArg) throw new InputError(undefined, USAGE);
  const file = path.resolve(fileArg);
  // The kind first: the options are checked against it in the CLI's words before anything is opened.
  const kind = await maskFileKind(file);
  checkCliOptions(args, kind);
  const resample = optionString(args, 'resample');
  const volumeId = positiveInt(requireOption(args, 'volume', 'masks import'), '--volume');
  const annotator = requireOption(args, 'annotator', 'masks import');
  const labelText = optionString(args, 'label');
  const label = labelText === undefined ? undefined : positiveInt(labelText, '--label');
  if (label !== undefined && label > 255)
    throw new InputError(undefined, `--label must be an integer 1..255 (got ${label})`);
  const thresholdText = optionString(args, 'threshold');
  const threshold = thresholdText === undefined ? undefined : Number(thresholdText);
  if (threshold !== undefined && !(threshold > 0 && threshold <= 1)) {
    throw new InputError(undefined, `--threshold must be a number in (0, 1] (got '${thresholdText}')`);
  }
  const segments = optionString(args, 'segments')
    ?.split(',')
    .map((t) => positiveInt(t.trim(), '--segments'));
  const roi = optionString(args, 'roi');
  const ws = openWorkspace(requireOption(args, 'workspace', 'masks import'));
  try {
    const r = await importMaskFileOfAnyKind(
      ws,
      {
        file,
        volumeId,
        annotator,
        actor: localActor(),
        ...(label !== undefined ? { label } : {}),
        ...(resample === 'nearest' ? { resample: true } : {}),
        ...(threshold !== undefined ? { threshold } : {}),
        ...(segments ? { segments } : {}),
        ...(roi !== undefined ? { rois: roi.split(',').map((n) => n.trim()) } : {}),
      },
      kind,
    );
    if (args.options.has('json')) {
      const { kind: _kind, ...rest } = r;
      printJson({ volumeId, ...rest });
    } else printImported(r);
    return 0;
  } finally {
    ws.close();
  }
}

/** Options the file's kind does not take, refused in the CLI's words (the service refuses them too). */
function checkCliOptions(args: ParsedArgs, kind: MaskFileKind): void {
  if (kind === 'rtstruct') {
    for (const o of ['label', 'resample', 'threshold', 'segments'])
      if (args.options.has(o)) throw new InputError(undefined, `--${o} does not apply to an RTSTRUCT`);
    return;
  }
  if (args.options.has('roi')) throw new InputError(undefined, '--roi applies only to an RTSTRUCT');
  const resample = optionString(args, 'resample');
  if (resample !== undefined && resample !== 'nearest') {
    throw new InputError(undefined, `--resample takes only 'nearest' (got '${resample}')`);
  }
  if (kind === 'seg') {
    if (args.options.has('label') || resample !== undefined) {
      throw new InputError(
        undefined,
        'a DICOM SEG takes neither --label nor --resample (segments are its labels)',
      );
    }
    return;
  }
  for (const o of ['threshold', 'segments']) {
    if (args.options.has(o)) throw new InputError(undefined, `--${o} applies only to a DICOM SEG`);
  }
  if (kind === 'png' && resample !== undefined)
    throw new InputError(undefined, '--resample does not apply to a PNG (it has no position in space)');
}

function printImported(r: MaskFileImported): void {
  const made = r.unchanged ? `unchanged (already revision ${r.revisionId})` : `revision ${r.revisionId}`;
  const head = `annotation ${r.annotationId} of ${r.annotatorName}: ${made}`;
  if (r.kind === 'seg') {
    const segs = r.segments.map((s) => `${s.number} '${s.name}' -> label ${s.value} (${s.voxels} voxels)`);
    process.stdout.write(`${head}; segments: ${segs.join(', ')}\n`);
    if (r.threshold !== undefined) {
      process.stdout.write(`FRACTIONAL segments thresholded at ${r.threshold} of the maximum value\n`);
    }
  } else if (r.kind === 'rtstruct') {
    process.stdout.write(`${head}\n`);
    for (const x of r.rois) process.stdout.write(`  label ${x.label} '${x.name}': ${x.voxels} voxels\n`);
  } else process.stdout.write(`${head}${r.resampled ? ', resampled' : ''}\n`);
  if (r.annotatorCreated) {
    process.stderr.write(
      `created profile '${r.annotatorName}' without a password: an admin must set one before they can sign in\n`,
    );
  }
}

async function runMasksExport(argv: string[]): Promise<number> {
  const args = parseArgs(argv, { values: ['workspace', 'format'], flags: ['json', 'deidentify'] });
  const [idText, out] = args.positionals;
  if (args.positionals.length !== 2 || !idText || !out) throw new InputError(undefined, USAGE);
  const formatText = optionString(args, 'format');
  if (formatText !== undefined && !MASK_EXPORT_FORMATS.includes(formatText as MaskExportFormat)) {
    throw new InputError(undefined, `--format takes ${MASK_EXPORT_FORMATS.join(', ')} (got '${formatText}')`);
  }
  const format = (formatText as MaskExportFormat | undefined) ?? formatOfFileName(out);
  if (!format) {
    throw new InputError(
      out,
      'the format cannot be told from the name: end it in .nii.gz, .dcm or .nrrd, or pass --format',
    );
  }
  const revisionId = positiveInt(idText, 'revision id');
  const ws = openWorkspace(requireOption(args, 'workspace', 'masks export'));
  try {
    const r = await exportRevision(ws, {
      revisionId,
      file: path.resolve(out),
      format,
      actor: localActor(),
      deidentify: args.options.has('deidentify'),
    });
    if (args.options.has('json')) printJson(r);
    else {
      const seg = r.seg ? ` (DICOM SEG: ${r.seg.segments.length} segment(s), ${r.seg.frames} frame(s))` : '';
      process.stdout.write(`wrote ${r.file}${seg}\n`);
    }
    return 0;
  } finally {
    ws.close();
  }
}
