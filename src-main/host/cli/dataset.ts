// `concord dataset export --workspace <dir> --project <name> --format nnunet|monai
//    --target reference|vote|staple|annotator:<name> --out <dir> [--skip-missing] [--json]`
// A project's cases as a data set for training elsewhere (services/interop/dataset-export.ts says what is
// written and how it is de-identified). A case without the target refuses the export, listing them all,
// unless --skip-missing (then they are listed on stderr, or in the JSON's "skipped").
import path from 'node:path';
import { InputError } from '../../core/errors';
import { localActor } from '../../services/create-services';
import { exportDataset, type DatasetFormat } from '../../services/interop/dataset-export';
import { parseTarget } from '../../services/training/targets';
import { openWorkspace } from '../../workspace/workspace';
import { parseArgs, requireOption } from './args';
import { printJson, progressLine } from './output';

const USAGE =
  'usage: concord dataset export --workspace <dir> --project <name> --format nnunet|monai ' +
  '--target reference|vote|staple|annotator:<name> --out <dir> [--skip-missing] [--json]';

export async function runDataset(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub !== 'export') throw new InputError(undefined, USAGE);
  const args = parseArgs(rest, {
    values: ['workspace', 'project', 'format', 'target', 'out'],
    flags: ['json', 'skip-missing'],
  });
  if (args.positionals.length > 0) throw new InputError(undefined, USAGE);
  const format = requireOption(args, 'format', 'dataset export');
  if (format !== 'nnunet' && format !== 'monai') {
    throw new InputError(undefined, `--format must be nnunet or monai (got '${format}')`);
  }
  const target = parseTarget(requireOption(args, 'target', 'dataset export'));
  const out = path.resolve(requireOption(args, 'out', 'dataset export'));
  const project = requireOption(args, 'project', 'dataset export');
  const ws = openWorkspace(requireOption(args, 'workspace', 'dataset export'));
  try {
    const r = await exportDataset(ws, {
      project,
      format: format as DatasetFormat,
      target,
      out,
      actor: localActor(),
      skipMissing: args.options.has('skip-missing'),
      onProgress: progressLine('exporting'),
    });
    if (args.options.has('json')) printJson(r);
    else {
      process.stdout.write(`wrote ${r.cases} cases (${r.format}, target ${r.target}) to ${r.out}\n`);
    }
    if (!args.options.has('json')) {
      for (const s of r.skipped) process.stderr.write(`skipped case ${s.case}: ${s.reason}\n`);
    }
    return 0;
  } finally {
    ws.close();
  }
}
