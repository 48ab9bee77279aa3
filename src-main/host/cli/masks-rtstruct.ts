// `concord masks import <rtstruct.dcm> --workspace <dir> --volume <id> --annotator <name> [--roi <names>]
// [--json]`: an RTSTRUCT's ROIs as one label each (services/interop/rtstruct-import.ts); masks.ts sends
// RTSTRUCT files here.
import { InputError } from '../../core/errors';
import { localActor } from '../../services/create-services';
import { importRtStruct } from '../../services/interop/rtstruct-import';
import { openWorkspace } from '../../workspace/workspace';
import type { ParsedArgs } from './args';
import { optionString, positiveInt, requireOption } from './args';
import { printJson } from './output';

export async function runRtStructImport(args: ParsedArgs, file: string): Promise<number> {
  for (const o of ['label', 'resample', 'threshold', 'segments'])
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
