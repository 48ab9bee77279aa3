// `concord sample --workspace <dir> [--json]`: builds the bundled sample project (host/sample-project.ts) in
// the workspace, creating the workspace when the folder has none; run again, it finds the sample there and
// changes nothing. Prints the project id and each case's id (JSON: { projectId, project, cases, changed }).
import { InputError } from '../../core/errors';
import { localActor } from '../../services/create-services';
import { openWorkspace } from '../../workspace/workspace';
import { buildSampleProject } from '../sample-project';
import { parseArgs, requireOption } from './args';
import { printJson } from './output';

export async function runSample(argv: string[]): Promise<number> {
  const args = parseArgs(argv, { values: ['workspace'], flags: ['json'] });
  if (args.positionals.length > 0)
    throw new InputError(undefined, 'usage: concord sample --workspace <dir> [--json]');
  const ws = openWorkspace(requireOption(args, 'workspace', 'sample'));
  try {
    const json = args.options.has('json');
    const report = await buildSampleProject(ws, localActor(), (n, total, line) =>
      process.stderr.write(`[${n}/${total}] ${line}\n`),
    );
    if (json) printJson(report);
    else {
      process.stdout.write(
        `project ${report.projectId}: ${report.project}${report.changed ? '' : ' (already there, unchanged)'}\n`,
      );
      for (const c of report.cases)
        process.stdout.write(`case ${c.caseId}: ${c.name} (${c.annotators.join(', ')})\n`);
    }
    return 0;
  } finally {
    ws.close();
  }
}
