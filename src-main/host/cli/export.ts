// `concord export <volume-id> <out.nii[.gz]> --workspace <dir> [--deidentify] [--json]`
// The NIfTI file holds voxels, geometry and the word "Concord", never a name, ID, UID or date; --deidentify
// adds the case's pseudonym to the answer (a name safe to give the file outside) and says so in the audit.
import path from 'node:path';
import { InputError } from '../../core/errors';
import { appendAudit } from '../../db/audit';
import { writeNifti } from '../../io/nifti/write';
import { loadVolume } from '../../services/workspace/load-volume';
import { deidentifyForExport } from '../../services/workspace/deidentify';
import { openWorkspace } from '../../workspace/workspace';
import { localActor } from '../../services/create-services';
import { parseArgs, positiveInt, requireOption } from './args';
import { printJson } from './output';

export async function runExport(argv: string[]): Promise<number> {
  const args = parseArgs(argv, { values: ['workspace'], flags: ['json', 'deidentify'] });
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
    const deidentify = args.options.has('deidentify');
    // Audit rows are readable while signed out: the file's base name, never where it was written.
    ws.db.transaction(() =>
      appendAudit(ws.db, {
        actor: localActor(),
        action: 'volume.export',
        detail: { volumeId, file: path.basename(file), deidentified: deidentify },
      }),
    )();
    const caseName = deidentify ? { caseName: deidentifyForExport(ws, volumeId).caseName } : {};
    if (args.options.has('json')) printJson({ volumeId, file, ...caseName });
    else process.stdout.write(`wrote ${file}\n`);
    return 0;
  } finally {
    ws.close();
  }
}
