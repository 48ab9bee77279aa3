// Reads every image volume found under the given files and folders, whatever the format:
//  - NIfTI by extension (.nii, .nii.gz, .hdr/.img pairs), NRRD by extension (.nrrd, .nhdr with its data
//    file, which is read through the header: a .raw beside it is not offered to the DICOM reader), PNG,
//  - everything else is offered to the DICOM reader, which groups files into series across folders.
// Files named explicitly that cannot be read fail the whole call (nothing is imported from a request the
// user did not get); inside folders, files that are not images are skipped and listed. Only regular files are
// read: a FIFO, socket or device named explicitly is refused before it is opened, one found in a folder is
// listed as skipped (list-files.ts).
import fs from 'node:fs/promises';
import path from 'node:path';
import { CancelledError, InputError } from '../core/errors';
import type { ImageVolume } from '../core/volume/types';
import { readDicom } from './dicom/read';
import type { RefusedInput } from './dicom/read';
import { readNifti } from './nifti/read';
import { readNrrd } from './nrrd/read';
import { readPng } from './png/read';
import type { ReadOptions } from './read-options';
import { walkFolder } from './list-files';
import { nonRegularReason } from './regular-file';

export type { RefusedInput };

export interface ReadVolumesResult {
  volumes: ImageVolume[];
  /** One line per file or series not imported, with the reason ("<file>: <reason>"). */
  skipped: string[];
  /** The same as what was refused (a file's path, or a DICOM series' label) and why. */
  refused: RefusedInput[];
}

type Kind = 'nifti' | 'nrrd' | 'png' | 'dicom' | 'ignore';

export function kindOf(file: string): Kind {
  const lower = file.toLowerCase();
  if (/\.(nii|nii\.gz|hdr|hdr\.gz)$/.test(lower)) return 'nifti';
  if (/\.(img|img\.gz)$/.test(lower)) return 'ignore'; // read through its .hdr
  if (/\.(nrrd|nhdr)$/.test(lower)) return 'nrrd';
  if (lower.endsWith('.png')) return 'png';
  const base = path.basename(lower);
  // Files that are never images: sidecars, notes, OS litter.
  if (
    /\.(json|txt|md|xml|csv|html|pdf|py|sh|bvec|bval|zip|tar|gz|raw)$/.test(lower) ||
    base.startsWith('.')
  ) {
    return 'ignore';
  }
  return 'dicom';
}

export async function readVolumes(paths: string[], opts: ReadOptions = {}): Promise<ReadVolumesResult> {
  if (paths.length === 0) throw new InputError(undefined, 'nothing to import: no file or folder given');
  const explicit: { file: string; kind: Kind }[] = [];
  const found: { file: string; kind: Kind }[] = [];
  const refused: RefusedInput[] = [];
  for (const p of paths) {
    let st;
    try {
      st = await fs.stat(p);
    } catch {
      throw new InputError(p, 'no such file or folder');
    }
    if (st.isDirectory()) {
      const listing = await walkFolder(p, opts.signal);
      for (const f of listing.files) found.push({ file: f, kind: kindOf(f) });
      for (const s of listing.skipped)
        if (kindOf(s.path) !== 'ignore') refused.push({ file: s.path, reason: s.reason });
    } else if (!st.isFile()) {
      throw new InputError(p, nonRegularReason(st));
    } else {
      let file = p;
      let kind = kindOf(p);
      if (kind === 'ignore' && /\.img(\.gz)?$/i.test(p)) {
        file = p.replace(/\.img(\.gz)?$/i, '.hdr');
        kind = 'nifti';
      } else if (kind === 'ignore') {
        throw new InputError(p, 'not an image file Concord can read (NIfTI, NRRD, DICOM or PNG)');
      }
      explicit.push({ file, kind });
    }
  }

  const volumes: ImageVolume[] = [];
  const all = [...explicit, ...found];
  const dicomFiles = all.filter((f) => f.kind === 'dicom').map((f) => f.file);
  const singles = all.filter((f) => f.kind === 'nifti' || f.kind === 'nrrd' || f.kind === 'png');
  const explicitSet = new Set(explicit.map((f) => f.file));
  // Progress: each single file counts 1, the DICOM batch counts its number of files.
  const total = singles.length + dicomFiles.length || 1;
  let done = 0;
  const report = (detail: string) => opts.onProgress?.(Math.min(1, done / total), detail);
  // Progress names the file being read (its name only: an upload's folder is the workspace's own).

  for (const { file, kind } of singles) {
    if (opts.signal?.aborted) throw new CancelledError('import');
    const sub: ReadOptions = {
      ...opts,
      onProgress: (f) => opts.onProgress?.(Math.min(1, (done + f) / total), path.basename(file)),
    };
    report(path.basename(file));
    try {
      volumes.push(
        kind === 'nifti'
          ? await readNifti(file, sub)
          : kind === 'nrrd'
            ? await readNrrd(file, sub)
            : await readPng(file, sub),
      );
    } catch (e) {
      if (!(e instanceof InputError) || explicitSet.has(file)) throw e;
      refused.push({ file: e.file ?? file, reason: e.reason });
    }
    done++;
    report(path.basename(file));
  }

  if (dicomFiles.length > 0) {
    const base = done;
    const result = await readDicom(dicomFiles, {
      ...opts,
      onProgress: (f, detail) =>
        opts.onProgress?.(Math.min(1, (base + f * dicomFiles.length) / total), detail),
    });
    volumes.push(...result.volumes);
    refused.push(...result.refused);
    // A DICOM file named explicitly that gave nothing is an error, not a skip.
    const explicitDicom = explicit.filter((f) => f.kind === 'dicom');
    if (explicitDicom.length > 0 && result.volumes.length === 0) {
      const file = explicitDicom[0]!.file;
      // skipped lines read "<path>: <reason>"; the error names the file once.
      const line = result.skipped.find((l) => l.startsWith(`${file}: `)) ?? result.skipped[0];
      const reason = line?.startsWith(`${file}: `)
        ? line.slice(file.length + 2)
        : (line ?? 'not a DICOM image');
      throw new InputError(
        file,
        reason === 'not a DICOM file'
          ? 'not an image file Concord can read (NIfTI, NRRD, DICOM or PNG)'
          : reason,
      );
    }
  }
  return { volumes, skipped: refused.map((r) => `${r.file}: ${r.reason}`), refused };
}
