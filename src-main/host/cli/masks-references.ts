// `concord masks export-references --workspace <dir> --project <name|id> --out <dir> [--deidentify] [--json]`:
// every signed-off reference of a project as a folder of NIfTI label maps named by case, with references.json
// listing the files and the cases skipped (services/interop/reference-export.ts, the same files the app
// downloads as a tar). Cases without a reference are listed, not refused; a project with none exits 2.
import { InputError } from '../../core/errors';
import { localActor } from '../../services/create-services';
import { exportReferences } from '../../services/interop/reference-export';
import { openWorkspace } from '../../workspace/workspace';
import { parseArgs, requireOption } from './args';
import { projectNamed } from './lookup';
import { printJson, progressLine } from './output';

export async function runExportReferences(argv: string[], usage: string): Promise<number> {
  const args = parseArgs(argv, { values: ['workspace', 'project', 'out'], flags: ['json', 'deidentify'] });
  if (args.positionals.length > 0) throw new InputError(undefined, usage);
  const projectText = requireOption(args, 'project', 'masks export-references');
  const out = requireOption(args, 'out', 'masks export-references');
  const ws = openWorkspace(requireOption(args, 'workspace', 'masks export-references'));
  try {
    const project = projectNamed(ws.db, projectText);
    const r = await exportReferences(ws, {
      projectId: project.id,
      out,
      actor: localActor(),
      deidentify: args.options.has('deidentify'),
      onProgress: progressLine('exporting'),
    });
    if (args.options.has('json')) printJson(r);
    else {
      process.stdout.write(`wrote ${r.files.length} reference(s) to ${r.out}\n`);
      for (const f of r.files)
        process.stdout.write(`  ${f.file}  (revision ${f.revisionId}, ${f.signedBy})\n`);
      for (const s of r.skipped) process.stdout.write(`  skipped ${s.case}: ${s.reason}\n`);
    }
    return 0;
  } finally {
    ws.close();
  }
}
