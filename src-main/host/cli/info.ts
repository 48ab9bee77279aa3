// `concord info <file-or-dicom-folder> [--max-voxels N] [--json]`: geometry and stats with no workspace.
// --max-voxels raises (or lowers) the largest image read (default: CONCORD_MAX_VOXELS, else 2^28 voxels).
// affineLPS maps (i, j, k, 1) to LPS mm; stats are over the rescaled values, accumulated in float64.
import { affineRows, spacingOf } from '../../core/geometry/affine';
import { InputError } from '../../core/errors';
import { computeStats } from '../../core/volume/stats';
import type { ImageVolume } from '../../core/volume/types';
import { readVolumes } from '../../io/read-volumes';
import { parseArgs } from './args';
import { MAX_VOXELS_OPTION, maxVoxelsOption } from './max-voxels';
import { printJson, progressLine } from './output';

export function describeVolume(v: ImageVolume) {
  const s = computeStats(v.data, v.rescale);
  const dims = v.frames > 1 ? [...v.geometry.dims, v.frames] : [...v.geometry.dims];
  return {
    dims,
    spacing: spacingOf(v.geometry.affineLPS),
    affineLPS: affineRows(v.geometry.affineLPS),
    dtype: v.scalarType,
    rescale: v.rescale,
    stats: { min: s.min, max: s.max, mean: s.mean, sum: s.sum },
    format: v.source.format,
    description: v.source.description,
    modality: v.source.modality ?? null,
    files: v.source.files.length,
  };
}

export async function runInfo(argv: string[]): Promise<number> {
  const args = parseArgs(argv, { values: [MAX_VOXELS_OPTION], flags: ['json'] });
  if (args.positionals.length !== 1)
    throw new InputError(undefined, 'usage: concord info <file-or-dicom-folder> [--max-voxels N] [--json]');
  const { volumes, skipped } = await readVolumes(args.positionals, {
    onProgress: progressLine('reading'),
    ...maxVoxelsOption(args),
  });
  if (volumes.length === 0) {
    throw new InputError(args.positionals[0], `no image found${skipped.length ? `: ${skipped[0]}` : ''}`);
  }
  const described = volumes.map(describeVolume);
  if (args.options.has('json')) {
    printJson(described.length === 1 ? described[0] : described);
  } else {
    for (const d of described) {
      process.stdout.write(
        `${d.description} (${d.format}${d.modality ? `, ${d.modality}` : ''})\n` +
          `  dims     ${d.dims.join(' x ')}   ${d.dtype}\n` +
          `  spacing  ${d.spacing.map((x) => x.toFixed(4)).join(' x ')} mm\n` +
          `  affine (LPS)\n${d.affineLPS.map((r) => '    ' + r.map((x) => x.toFixed(4).padStart(11)).join(' ')).join('\n')}\n` +
          `  values   min ${d.stats.min}  max ${d.stats.max}  mean ${d.stats.mean.toFixed(4)}  sum ${d.stats.sum}\n`,
      );
    }
    for (const s of skipped) process.stderr.write(`skipped: ${s}\n`);
  }
  return 0;
}
