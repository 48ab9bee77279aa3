// `--max-voxels N` of the commands that read images (info, import): the largest image read, in voxels, as a
// count (268435456) or sizes (512x512x1024). Without it the readers use CONCORD_MAX_VOXELS, else the default
// (io/limits.ts).
import { voxelLimitFrom } from '../../io/limits';
import type { ReadOptions } from '../../io/read-options';
import { optionString, type ParsedArgs } from './args';

export const MAX_VOXELS_OPTION = 'max-voxels';

/** The option as reader options; {} when it is not given. */
export function maxVoxelsOption(args: ParsedArgs): Pick<ReadOptions, 'maxVoxels'> {
  const text = optionString(args, MAX_VOXELS_OPTION);
  return text === undefined ? {} : { maxVoxels: voxelLimitFrom(text, `--${MAX_VOXELS_OPTION}`) };
}
