// `concord export <volume-id> <out.nii[.gz]> --workspace <dir> [--json]`
import path from 'node:path';
import { InputError } from '../../core/errors';
import { appendAudit } from '../../db/audit';
import { writeNifti } from '../../io/nifti/write';
import { loadVolume } from '../../services/workspace/load-volume';
import { openWorkspace } from '../../workspace/workspace';
import { localActor } from '../../services/create-services';
import { parseArgs, positiveInt, requireOption } from './args';
import { printJson } from './output';

export async function runExport(argv: string[]): Promise<number> {
  const args = parseArgs(argv, { values: ['workspace'], flags: ['json'] });
  const [idText, out] = args.positionals;
  if (args.positionals.length !== 2 || !idText || !out) {
    throw new InputError(undefined, 'usage: concord export <volume-id> <out.nii.gz> --workspace <dir>');
  }
  if (!/\.nii(\.gz)?$/i.test(out)) throw new InputError(out, 'the output must end in .nii or .nii.gz');
  const volumeId = positiveInt(idText, 'volume id');
  const ws = openWorkspace(requireOption(args, 'workspace', 'export'));
  try {
    const volume = await loadVolume(ws, volumeId);
    const file = path.resolve(out);
    await writeNifti(file, volume);
    ws.db.transaction(() =>
      appendAudit(ws.db, { actor: localActor(), action: 'volume.export', detail: { volumeId, file } }),
    )();
    if (args.options.has('json')) printJson({ volumeId, file });
    else process.stdout.write(`wrote ${file}\n`);
    return 0;
  } finally {
    ws.close();
  }
}
