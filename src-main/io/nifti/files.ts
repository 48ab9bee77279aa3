// File names of a NIfTI / Analyze image: single files (.nii, .nii.gz) and header/image pairs
// (.hdr + .img, either possibly gzip-compressed: .hdr.gz, .img.gz). Extensions are matched case-insensitively
// (old Analyze data often has .HDR / .IMG).

import { access } from 'node:fs/promises';
import path from 'node:path';

const PAIR = /\.(hdr|img)(\.gz)?$/i;

/** The file name without its image extension ('brain.nii.gz' -> 'brain'), for source.description. */
export function descriptionOf(file: string): string {
  return path
    .basename(file)
    .replace(/\.(nii|hdr|img)(\.gz)?$/i, '')
    .replace(/\.gz$/i, '');
}

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}

/** The other member of a pair for `file` ending in .hdr/.img(.gz), candidates in order of preference. */
function partnerCandidates(file: string, want: 'hdr' | 'img'): string[] {
  const m = PAIR.exec(file);
  if (!m) return [];
  const stem = file.slice(0, m.index);
  const upper = m[1] === m[1]!.toUpperCase();
  const ext = upper ? want.toUpperCase() : want;
  const gz = upper ? '.GZ' : '.gz';
  const sameCompression = m[2] ? `${stem}.${ext}${m[2]}` : `${stem}.${ext}`;
  const otherCompression = m[2] ? `${stem}.${ext}` : `${stem}.${ext}${gz}`;
  return [sameCompression, otherCompression];
}

export function isImageHalf(file: string): boolean {
  const m = PAIR.exec(file);
  return !!m && m[1]!.toLowerCase() === 'img';
}

/**
 * The header file to read for `file`: itself, or for an .img(.gz) the .hdr(.gz) next to it.
 * Returns null when `file` is the image half of a pair and no header is found.
 */
export async function headerFileFor(file: string): Promise<string | null> {
  if (!isImageHalf(file)) return file;
  for (const candidate of partnerCandidates(file, 'hdr')) if (await exists(candidate)) return candidate;
  return null;
}

/** The image (.img / .img.gz) file holding the voxels of the pair whose header is `headerFile`, or null. */
export async function imageFileFor(headerFile: string): Promise<{ found: string | null; expected: string }> {
  const candidates = partnerCandidates(headerFile, 'img');
  if (candidates.length === 0) {
    // A pair header under another name ('x.nii' with 'ni1' magic): the image is named like the header.
    const expected = headerFile.replace(/(\.gz)?$/i, '').replace(/\.[^./\\]*$/, '') + '.img';
    return { found: (await exists(expected)) ? expected : null, expected };
  }
  for (const candidate of candidates)
    if (await exists(candidate)) return { found: candidate, expected: candidates[0]! };
  return { found: null, expected: candidates[0]! };
}

/** SPM's .mat sidecar of an Analyze pair (it overrides the header's orientation), when present. */
export async function spmMatFileFor(headerFile: string): Promise<string | null> {
  const m = PAIR.exec(headerFile);
  const stem = m ? headerFile.slice(0, m.index) : headerFile.replace(/\.[^./\\]*$/, '');
  for (const candidate of [`${stem}.mat`, `${stem}.MAT`]) if (await exists(candidate)) return candidate;
  return null;
}
