// 'masks:import': the app's import of a mask file onto a volume as a named annotator, through the CLI's path
// (mask-file-import.ts: the same readers, grid and label checks). Who may: reviewers and admins, as with the
// CLI, which the workspace's owner runs: they import as any named annotator (a profile without a password is
// created for a new name), and the audit records who imported it beside the annotator the revision is
// attributed to. The file comes from paths (Electron: the picker or a drop) or from a granted upload (web
// host), whose files are removed once read, whatever the outcome. A refusal is one line in the app's words
// (no upload folder, no CLI option) and stores nothing.
import fs from 'node:fs';
import path from 'node:path';
import type { ImportSource, MaskImportAnswer } from '@contract';
import { ForbiddenError, InputError, NotFoundError } from '../../core/errors';
import { getVolume } from '../../db/repositories/volumes';
import type { AppContext, CallContext } from '../context';
import { DATA_MANAGERS, requireProfile, requireRole } from '../identity/access';
import { asId, asObject, asOptionalNumber, asString } from '../validate';
import { uploadDir, uploadPathShown } from '../workspace/import-volumes';
import { importMaskFileOfAnyKind, MASK_FILE_KIND_NAMES, maskFileKind } from './mask-file-import';

/** The app's words for what the CLI's messages call by their options. */
const APP_WORDS: [RegExp, string][] = [
  [/use --label <value> for a binary mask/g, 'choose a label for every non-zero voxel for a binary mask'],
  [/--label/g, 'the label'],
];

function parseSource(raw: unknown): ImportSource {
  const o = asObject(raw, 'source');
  if (
    o['kind'] === 'paths' &&
    Array.isArray(o['paths']) &&
    o['paths'].length >= 1 &&
    o['paths'].length <= 2 &&
    o['paths'].every((p) => typeof p === 'string')
  )
    return { kind: 'paths', paths: o['paths'] as string[] };
  if (o['kind'] === 'upload' && typeof o['uploadId'] === 'string')
    return { kind: 'upload', uploadId: o['uploadId'] };
  throw new InputError(
    undefined,
    'a mask comes from one file (a .nhdr with its data file), by path or upload',
  );
}

/** The mask file among the picked ones: the only one, or the .nhdr header beside its data file. */
function maskFileOf(files: string[]): string {
  if (files.length === 1) return files[0]!;
  const headers = files.filter((f) => /\.nhdr$/i.test(f));
  if (files.length === 2 && headers.length === 1) return headers[0]!;
  throw new InputError(
    undefined,
    `choose one mask file (a .nhdr may come with its data file); got ${files.length} files`,
  );
}

export async function importMaskFromApp(
  app: AppContext,
  raw: unknown,
  ctx: CallContext,
): Promise<MaskImportAnswer> {
  const ws = app.workspace;
  const o = asObject(raw);
  const profile = requireProfile(ws.db, ctx, 'importing a mask');
  requireRole(profile, DATA_MANAGERS, 'importing masks as an annotator');
  const volumeId = asId(o['volumeId'], 'volumeId');
  const source = parseSource(o['source']);
  const annotator = asString(o['annotator'], 'annotator', 100).trim();
  if (!annotator) throw new InputError(undefined, 'choose the annotator the mask is for');
  const label = asOptionalNumber(o['label'], 'label');
  if (o['resample'] !== undefined && typeof o['resample'] !== 'boolean')
    throw new InputError(undefined, 'resample is true or false');
  let uploaded: string | null = null;
  if (source.kind === 'upload') {
    if (app.uploads.forUpload(source.uploadId).owner !== ctx)
      throw new ForbiddenError('this upload belongs to another window');
    app.uploads.take(ctx, source.uploadId);
    uploaded = uploadDir(ws, source.uploadId);
  }
  const shown = uploaded ? uploadPathShown(uploaded) : (t: string) => t;
  try {
    if (!getVolume(ws.db, volumeId)) throw new NotFoundError(`volume ${volumeId} does not exist`);
    const files =
      source.kind === 'paths'
        ? source.paths.map((p) => path.resolve(p))
        : fs.existsSync(uploaded!)
          ? fs.readdirSync(uploaded!).map((f) => path.join(uploaded!, f))
          : [];
    const file = maskFileOf(files);
    const kind = await maskFileKind(file);
    // SEG and RTSTRUCT bring their own labels (segments, ROIs) and are placed by position: a single label is
    // refused, the resample tick box does not apply (nor to a PNG, which fits one-slice volumes only).
    if (label !== undefined && (kind === 'seg' || kind === 'rtstruct'))
      throw new InputError(
        path.basename(file),
        `${MASK_FILE_KIND_NAMES[kind]} brings its own labels: import it with "labels as in the file"`,
      );
    const r = await importMaskFileOfAnyKind(
      ws,
      {
        file,
        volumeId,
        annotator,
        actor: ctx.actor,
        ...(label !== undefined ? { label } : {}),
        ...(o['resample'] === true && (kind === 'nifti' || kind === 'nrrd') ? { resample: true } : {}),
        resampleHint: 'tick "Resample (nearest) when the grid differs" to resample it by nearest neighbour',
      },
      kind,
    );
    ctx.publish('annotation:changed', {
      annotationId: r.annotationId,
      headRevisionId: r.revisionId,
      author: r.annotatorName,
    });
    return {
      kind: r.kind,
      file: path.basename(file),
      annotatorName: r.annotatorName,
      annotatorCreated: r.annotatorCreated,
      annotationId: r.annotationId,
      revisionId: r.revisionId,
      unchanged: r.unchanged,
      resampled: 'resampled' in r ? r.resampled : false,
      labelVoxels: r.labelVoxels,
      labelsCreated: r.labelsCreated,
    };
  } catch (e) {
    if (!(e instanceof Error)) throw e;
    const words = (t: string) => APP_WORDS.reduce((s, [from, to]) => s.replace(from, to), shown(t));
    if (e instanceof InputError) {
      // The file by its name as picked: a path on this machine says where the workspace or the user's
      // folders are, which an error line shown in the app (and its screenshots) need not.
      const name = e.file === undefined ? undefined : path.basename(shown(e.file));
      throw new InputError(name, words(e.reason));
    }
    e.message = words(e.message);
    throw e;
  } finally {
    if (uploaded) await fs.promises.rm(uploaded, { recursive: true, force: true });
  }
}
