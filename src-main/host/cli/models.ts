// `concord models list --workspace <dir> [--project <name>] [--json]`
// `concord models export <model-id> <dir> --workspace <dir> [--json]`   writes <dir>/<name>.concord-model/
// `concord models import <package-folder> --workspace <dir> [--project <name>] [--json]`
// A package is a folder: manifest.json, weights.bin and SHA256SUMS (services/training/model-package.ts);
// an import that does not verify is refused (exit 2) and changes nothing.
import { InputError } from '../../core/errors';
import { listModels } from '../../db/repositories/models';
import { findProjectByName } from '../../db/repositories/projects';
import { exportModel, importModel } from '../../services/training/model-package';
import { openWorkspace, type Workspace } from '../../workspace/workspace';
import { localActor } from '../../services/create-services';
import { optionString, parseArgs, positiveInt, requireOption } from './args';
import { printJson } from './output';

const USAGE =
  'usage: concord models list --workspace <dir> [--project <name>] [--json]\n' +
  '       concord models export <model-id> <dir> --workspace <dir> [--json]\n' +
  '       concord models import <package.concord-model> --workspace <dir> [--project <name>] [--json]';

function projectId(ws: Workspace, name: string | undefined): number | undefined {
  if (name === undefined) return undefined;
  const p = findProjectByName(ws.db, name);
  if (!p) throw new InputError(undefined, `no project named '${name}' in this workspace`);
  return p.id;
}

export async function runModels(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub !== 'list' && sub !== 'export' && sub !== 'import') throw new InputError(undefined, USAGE);
  const args = parseArgs(rest, { values: ['workspace', 'project'], flags: ['json'] });
  const json = args.options.has('json');
  const want = sub === 'list' ? 0 : sub === 'export' ? 2 : 1;
  if (args.positionals.length !== want) throw new InputError(undefined, USAGE);
  const ws = openWorkspace(requireOption(args, 'workspace', `models ${sub}`));
  try {
    if (sub === 'list') {
      const models = listModels(ws.db, projectId(ws, optionString(args, 'project')));
      if (json) printJson(models);
      else
        for (const m of models)
          process.stdout.write(
            `${m.id}\t${m.name}\t${m.architecture} ${m.config.levels} levels, base ${m.config.base}\t${m.origin}\tvalidation Dice ${typeof m.metrics['validationDice'] === 'number' ? m.metrics['validationDice'].toFixed(4) : 'n/a'}\t${m.backend ?? ''}\n`,
          );
      return 0;
    }
    if (sub === 'export') {
      const file = await exportModel(
        ws,
        positiveInt(args.positionals[0]!, 'model id'),
        args.positionals[1]!,
        localActor(),
      );
      if (json) printJson({ modelId: Number(args.positionals[0]), path: file });
      else process.stdout.write(`wrote ${file}\n`);
      return 0;
    }
    const m = await importModel(
      ws,
      args.positionals[0]!,
      projectId(ws, optionString(args, 'project')) ?? null,
      localActor(),
    );
    if (json) printJson(m);
    else process.stdout.write(`imported model ${m.id} (${m.name})\n`);
    return 0;
  } finally {
    ws.close();
  }
}
