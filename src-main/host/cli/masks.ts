// `concord masks …`: masks from and to other tools.
//   masks import <mask.nii[.gz]> --workspace <dir> --volume <id> --annotator <name> [--label <value>]
//                [--resample nearest] [--json]
//       A NIfTI label map as a new revision of that annotator's annotation of the volume. It must lie on the
//       volume's grid (same dims, corner voxels within 1e-3 mm) unless --resample nearest is given. With
//       --label, every non-zero voxel becomes that label. An annotator without a profile gets one WITHOUT a
//       password: they cannot sign in until an admin sets one.
//   masks import <rtstruct.dcm> --workspace <dir> --volume <id> --annotator <name> [--roi <name>[,<name>…]]
//                [--json]
//       The closed planar contours of an RTSTRUCT drawn on the volume's series, one label per ROI (a voxel
//       is inside when its centre is inside the contours, even-odd rule): services/interop/rtstruct-import.ts.
//   masks export <revision-id> <out.nii[.gz]> --workspace <dir> [--json]
//       Any revision as a uint8 NIfTI with its volume's geometry.
//   masks stress …  (test tool: see masks-stress.ts)
import path from 'node:path';
import { InputError, NotFoundError } from '../../core/errors';
import type { ImageVolume } from '../../core/volume/types';
import { appendAudit } from '../../db/audit';
import { getRevision } from '../../db/repositories/revisions';
import { getAnnotation } from '../../db/repositories/annotations';
import { getVolume } from '../../db/repositories/volumes';
import { writeNifti } from '../../io/nifti/write';
import { importMaskFile } from '../../services/masks/mask-import';
import { importRtStruct } from '../../services/interop/rtstruct-import';
import { looksLikeRtStruct } from '../../io/rtstruct/read';
import { MaskStore } from '../../services/masks/mask-store';
import { openWorkspace } from '../../workspace/workspace';
import { localActor } from '../../services/create-services';
import { optionString, parseArgs, positiveInt, requireOption } from './args';
import type { ParsedArgs } from './args';
import { runMasksStress } from './masks-stress';
import { printJson } from './output';

const USAGE =
  'usage: concord masks import <mask.nii.gz> --workspace <dir> --volume <id> --annotator <name> [--label <value>] [--resample nearest] [--json]\n' +
  '       concord masks import <rtstruct.dcm> --workspace <dir> --volume <id> --annotator <name> [--roi <name>[,<name>...]] [--json]\n' +
  '       concord masks export <revision-id> <out.nii.gz> --workspace <dir> [--json]';

export async function runMasks(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'import') return runMasksImport(rest);
  if (sub === 'export') return runMasksExport(rest);
  if (sub === 'stress') return runMasksStress(rest);
  throw new InputError(undefined, USAGE);
}

async function runMasksImport(argv: string[]): Promise<number> {
  const args = parseArgs(argv, {
    values: ['workspace', 'volume', 'annotator', 'label', 'resample', 'roi'],
    flags: ['json'],
  });
  const [file] = args.positionals;
  if (args.positionals.length !== 1 || !file) throw new InputError(undefined, USAGE);
  if (await looksLikeRtStruct(path.resolve(file))) return runRtStructImport(args, path.resolve(file));
  if (args.options.has('roi')) throw new InputError(undefined, '--roi is for RTSTRUCT files');
  const resample = optionString(args, 'resample');
  if (resample !== undefined && resample !== 'nearest') {
    throw new InputError(undefined, `--resample takes only 'nearest' (got '${resample}')`);
  }
  const volumeId = positiveInt(requireOption(args, 'volume', 'masks import'), '--volume');
  const annotator = requireOption(args, 'annotator', 'masks import');
  const labelText = optionString(args, 'label');
  const label = labelText === undefined ? undefined : positiveInt(labelText, '--label');
  const ws = openWorkspace(requireOption(args, 'workspace', 'masks import'));
  try {
    const r = await importMaskFile(ws, {
      file: path.resolve(file),
      volumeId,
      annotator,
      label,
      resample: resample === 'nearest',
      actor: localActor(),
    });
    if (args.options.has('json')) printJson({ volumeId, ...r });
    else {
      const made = r.unchanged ? `unchanged (already revision ${r.revisionId})` : `revision ${r.revisionId}`;
      process.stdout.write(
        `annotation ${r.annotationId} of ${r.annotatorName}: ${made}${r.resampled ? ', resampled' : ''}\n`,
      );
      if (r.annotatorCreated) {
        process.stderr.write(
          `created profile '${r.annotatorName}' without a password: an admin must set one before they can sign in\n`,
        );
      }
    }
    return 0;
  } finally {
    ws.close();
  }
}

async function runRtStructImport(args: ParsedArgs, file: string): Promise<number> {
  for (const o of ['label', 'resample'])
    if (args.options.has(o)) throw new InputError(undefined, `--${o} does not apply to an RTSTRUCT`);
  const volumeId = positiveInt(requireOption(args, 'volume', 'masks import'), '--volume');
  const annotator = requireOption(args, 'annotator', 'masks import');
  const roi = optionString(args, 'roi');
  const ws = openWorkspace(requireOption(args, 'workspace', 'masks import'));
  try {
    const r = await importRtStruct(ws, {
      file,
      volumeId,
      annotator,
      actor: localActor(),
      rois: roi === undefined ? undefined : roi.split(',').map((n) => n.trim()),
    });
    if (args.options.has('json')) printJson({ volumeId, ...r });
    else {
      const made = r.unchanged ? `unchanged (already revision ${r.revisionId})` : `revision ${r.revisionId}`;
      process.stdout.write(`annotation ${r.annotationId} of ${r.annotatorName}: ${made}\n`);
      for (const x of r.rois) process.stdout.write(`  label ${x.label} '${x.name}': ${x.voxels} voxels\n`);
    }
    return 0;
  } finally {
    ws.close();
  }
}

async function runMasksExport(argv: string[]): Promise<number> {
  const args = parseArgs(argv, { values: ['workspace'], flags: ['json'] });
  const [idText, out] = args.positionals;
  if (args.positionals.length !== 2 || !idText || !out) throw new InputError(undefined, USAGE);
  if (!/\.nii(\.gz)?$/i.test(out)) throw new InputError(out, 'the output must end in .nii or .nii.gz');
  const revisionId = positiveInt(idText, 'revision id');
  const ws = openWorkspace(requireOption(args, 'workspace', 'masks export'));
  try {
    const revision = getRevision(ws.db, revisionId);
    if (!revision) throw new NotFoundError(`revision ${revisionId} does not exist`);
    const annotation = getAnnotation(ws.db, revision.annotationId)!;
    const volume = getVolume(ws.db, annotation.volumeId)!;
    const labels = await new MaskStore(ws).decodeRevision(revision, volume.dims);
    const image: ImageVolume = {
      geometry: { dims: volume.dims, affineLPS: volume.affineLPS },
      scalarType: 'uint8',
      data: labels,
      frames: 1,
      rescale: { slope: 1, intercept: 0 },
      source: { format: 'nifti', files: [], description: `revision ${revisionId}` },
    };
    const file = path.resolve(out);
    await writeNifti(file, image);
    ws.db.transaction(() =>
      appendAudit(ws.db, {
        actor: localActor(),
        action: 'annotation.export',
        detail: { revisionId, annotationId: annotation.id, volumeId: volume.id, file },
      }),
    )();
    if (args.options.has('json')) {
      printJson({
        revisionId,
        annotationId: annotation.id,
        volumeId: volume.id,
        author: revision.author,
        file,
      });
    } else process.stdout.write(`wrote ${file}\n`);
    return 0;
  } finally {
    ws.close();
  }
}
