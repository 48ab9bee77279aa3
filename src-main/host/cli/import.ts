// `concord import <paths...> --workspace <dir> [--project <name>] [--kind clinical|research] [--case <name>]
//   [--dates remove|shift] [--keep-mapping <file>] [--keep-patient-identity] [--frames first|all]
//   [--max-voxels N] [--json]` (--max-voxels: the largest image read; default CONCORD_MAX_VOXELS, else 2^28;
//   --kind: the kind of a project the import creates, checked against an existing one; --dates: research
//   projects only; --keep-mapping: pseudonyms and replaced UIDs back to the source, in that file, 0600).
//   Keeps what it can: the readable volumes import, each refused file is listed with its reason on stderr
//   (and in the JSON), and the exit status is then 2.
// `concord import --manifest <datalist.json> --workspace <dir> --project <name> [--json]` (import-manifest.ts)`
import { randomUUID } from 'node:crypto';
import { InputError } from '../../core/errors';
import { importVolumes } from '../../services/workspace/import-volumes';
import { openWorkspace } from '../../workspace/workspace';
import { localActor } from '../../services/create-services';
import { optionString, parseArgs, requireOption } from './args';
import { printJson, progressLine } from './output';
import { projectKindOption, runManifestImport } from './import-manifest';
import { MAX_VOXELS_OPTION, maxVoxelsOption } from './max-voxels';

export async function runImport(argv: string[]): Promise<number> {
  const args = parseArgs(argv, {
    values: [
      'workspace',
      'project',
      'kind',
      'case',
      'dates',
      'keep-mapping',
      'manifest',
      'frames',
      MAX_VOXELS_OPTION,
    ],
    flags: ['json', 'keep-patient-identity'],
  });
  if (args.options.has('manifest')) {
    for (const o of ['dates', 'keep-mapping']) {
      if (args.options.has(o)) throw new InputError(undefined, `import --manifest does not take --${o}`);
    }
    if (args.options.has(MAX_VOXELS_OPTION)) {
      throw new InputError(
        undefined,
        `import --manifest does not take --${MAX_VOXELS_OPTION}; set CONCORD_MAX_VOXELS=N for it instead`,
      );
    }
    return runManifestImport(args);
  }
  const read = maxVoxelsOption(args);
  const frames = optionString(args, 'frames');
  if (frames !== undefined && frames !== 'first' && frames !== 'all')
    throw new InputError(undefined, `--frames must be first or all (got '${frames}')`);
  const kind = projectKindOption(args);
  const dates = optionString(args, 'dates');
  if (dates !== undefined && dates !== 'remove' && dates !== 'shift')
    throw new InputError(undefined, `--dates is 'remove' or 'shift', not '${dates}'`);
  const mapping = optionString(args, 'keep-mapping');
  if (args.positionals.length === 0)
    throw new InputError(undefined, 'usage: concord import <paths...> --workspace <dir>');
  const ws = openWorkspace(requireOption(args, 'workspace', 'import'));
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  try {
    const show = progressLine('importing');
    const summary = await importVolumes(
      ws,
      {
        jobId: randomUUID(),
        source: { kind: 'paths', paths: args.positionals },
        projectName: optionString(args, 'project'),
        caseName: optionString(args, 'case'),
        keepPatientIdentity: args.options.has('keep-patient-identity'),
        ...(frames !== undefined ? { frames } : {}),
        ...(kind ? { projectKind: kind } : {}),
        ...(dates ? { dates } : {}),
      },
      localActor(),
      (_phase, fraction, detail) => show(fraction, detail),
      controller.signal,
      read,
      mapping ? { file: mapping } : undefined,
    );
    if (args.options.has('json')) printJson(summary);
    else {
      for (const v of summary.volumes) {
        process.stdout.write(
          `volume ${v.id}: ${v.name} ${v.dims.join('x')} ${v.scalarType} (case ${v.caseId})\n`,
        );
      }
      const refused = new Set(summary.refused.map((r) => `${r.file}: ${r.reason}`));
      for (const s of summary.skipped) if (!refused.has(s)) process.stderr.write(`skipped: ${s}\n`);
    }
    for (const r of summary.refused) process.stderr.write(`refused: ${r.file}: ${r.reason}\n`);
    if (summary.refused.length > 0) {
      process.stderr.write(
        `concord: ${summary.refused.length} file(s) refused, ${summary.volumes.length} volume(s) imported\n`,
      );
      return 2;
    }
    return 0;
  } finally {
    process.off('SIGINT', onSigint);
    ws.close();
  }
}
