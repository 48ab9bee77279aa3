// `concord import --manifest <datalist.json> --workspace <dir> --project <name> [--kind clinical|research] [--json]`: a labelled data
// set in one go (services/labelling/manifest-import.ts). One progress line per case on stderr; --json prints
// the report (imported and refused cases) on stdout. Exit 0 when every case imported, 2 when any was refused
// (the others are imported all the same).
import { InputError } from '../../core/errors';
import { importManifest } from '../../services/labelling/manifest-import';
import { openWorkspace } from '../../workspace/workspace';
import { localActor } from '../../services/create-services';
import type { ParsedArgs } from './args';
import { optionString, requireOption } from './args';
import type { ProjectKind } from '../../core/model';
import { printJson } from './output';

/** `--kind clinical|research`: the kind of project an import creates (import and import --manifest). */
export function projectKindOption(args: ParsedArgs): ProjectKind | undefined {
  const kind = optionString(args, 'kind');
  if (kind === undefined || kind === 'clinical' || kind === 'research') return kind;
  throw new InputError(undefined, `--kind is 'clinical' or 'research', not '${kind}'`);
}

export async function runManifestImport(args: ParsedArgs): Promise<number> {
  if (args.positionals.length > 0) {
    throw new InputError(undefined, 'import --manifest takes no other paths (they come from the manifest)');
  }
  if (args.options.has('case') || args.options.has('keep-patient-identity')) {
    throw new InputError(
      undefined,
      'import --manifest takes case names from the manifest; drop --case / --keep-patient-identity',
    );
  }
  const manifest = requireOption(args, 'manifest', 'import');
  const project = requireOption(args, 'project', 'import --manifest');
  const kind = projectKindOption(args);
  const ws = openWorkspace(requireOption(args, 'workspace', 'import'));
  try {
    const report = await importManifest(ws, {
      manifest,
      project,
      actor: localActor(),
      ...(kind ? { projectKind: kind } : {}),
      onCase: (n, total, line) => process.stderr.write(`[${n}/${total}] ${line}\n`),
    });
    if (args.options.has('json')) printJson(report);
    else {
      process.stdout.write(`${report.imported.length} case(s) imported into project '${report.project}'\n`);
    }
    if (report.refused.length > 0) {
      process.stderr.write(
        `concord: ${report.refused.length} case(s) refused: ${report.refused.map((r) => r.case).join(', ')} (nothing of them was imported)\n`,
      );
      return 2;
    }
    return 0;
  } finally {
    ws.close();
  }
}
