// `concord masks …`: masks from and to other tools.
//   masks import <mask.nii[.gz]|.nrrd|.seg.nrrd|.nhdr> --workspace <dir> --volume <id> --annotator <name>
//                [--label <value>] [--resample nearest] [--json]
//       A NIfTI or NRRD label map, or a 3D Slicer segmentation (its segments as labels with their names and
//       colours, services/interop/nrrd-mask-import.ts), as a new revision of that annotator's annotation of the volume. It must lie on the
//       volume's grid (same dims, corner voxels within 1e-3 mm) unless --resample nearest is given. With
//       --label, every non-zero voxel becomes that label. An annotator without a profile gets one WITHOUT a
//       password: they cannot sign in until an admin sets one.
//   masks export <revision-id> <out.nii[.gz]|out.seg.nrrd> --workspace <dir> [--json]
//       Any revision as a uint8 NIfTI with its volume's geometry, or (.nrrd) as a 3D Slicer segmentation with
//       the project's label names and colours (io/nrrd/seg.ts).
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
import { importNrrdMaskFile, isNrrdMaskFile } from '../../services/interop/nrrd-mask-import';
import { exportSegNrrd } from '../../services/interop/nrrd-mask-export';
import { MaskStore } from '../../services/masks/mask-store';
import { openWorkspace } from '../../workspace/workspace';
import { localActor } from '../../services/create-services';
import { optionString, parseArgs, positiveInt, requireOption } from './args';
import { runMasksStress } from './masks-stress';
import { printJson } from './output';

const USAGE =
  'usage: concord masks import <mask.nii.gz|mask.seg.nrrd> --workspace <dir> --volume <id> --annotator <name> [--label <value>] [--resample nearest] [--json]\n' +
  '       concord masks export <revision-id> <out.nii.gz|out.seg.nrrd> --workspace <dir> [--json]';

export async function runMasks(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'import') return runMasksImport(rest);
  if (sub === 'export') return runMasksExport(rest);
  if (sub === 'stress') return runMasksStress(rest);
  throw new InputError(undefined, USAGE);
}

async function runMasksImport(argv: string[]): Promise<number> {
  const args = parseArgs(argv, {
    values: ['workspace', 'volume', 'annotator', 'label', 'resample'],
    flags: ['json'],
  });
  const [file] = args.positionals;
  if (args.positionals.length !== 1 || !file) throw new InputError(undefined, USAGE);
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
    const r = await (isNrrdMaskFile(file) ? importNrrdMaskFile : importMaskFile)(ws, {
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

async function runMasksExport(argv: string[]): Promise<number> {
  const args = parseArgs(argv, { values: ['workspace'], flags: ['json'] });
  const [idText, out] = args.positionals;
  if (args.positionals.length !== 2 || !idText || !out) throw new InputError(undefined, USAGE);
  const nrrd = /\.nrrd$/i.test(out);
  if (!nrrd && !/\.nii(\.gz)?$/i.test(out)) {
    throw new InputError(out, 'the output must end in .nii, .nii.gz or .seg.nrrd');
  }
  const revisionId = positiveInt(idText, 'revision id');
  const ws = openWorkspace(requireOption(args, 'workspace', 'masks export'));
  try {
    if (nrrd) {
      const r = await exportSegNrrd(ws, { revisionId, file: path.resolve(out), actor: localActor() });
      if (args.options.has('json')) printJson(r);
      else process.stdout.write(`wrote ${r.file}\n`);
      return 0;
    }
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
