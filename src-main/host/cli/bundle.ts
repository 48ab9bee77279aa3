// `concord bundle …`: work carried between workstations without a network (services/exchange).
//   bundle export --workspace <dir> --out <f.concord-bundle> (--project <name|id> | --case <id|name>[,…])
//                 [--kind task|result|review] [--for <annotator>] [--with-images|--without-images]
//                 [--deidentify [--dates remove|shift]] [--json]
//   bundle import <f.concord-bundle> --workspace <dir> [--trust] [--json]
//   bundle inspect <f.concord-bundle> --workspace <dir> [--json]
// An import checks the signature and every checksum before it writes anything; a bundle signed by a
// workspace this one has not trusted before is refused (exit 2) unless --trust is given, which remembers it.
// --deidentify applies PS3.15's Basic Profile to what the bundle carries (services/exchange/deidentify-bundle.ts);
// a research project's bundle always gets it.
import { InputError } from '../../core/errors';
import { BUNDLE_KINDS } from '../../io/bundle/manifest';
import type { BundleKind } from '../../io/bundle/manifest';
import { localActor } from '../../services/create-services';
import { exportBundle } from '../../services/exchange/export-bundle';
import { importBundle, inspectBundle } from '../../services/exchange/import-bundle';
import { openWorkspace } from '../../workspace/workspace';
import { optionString, parseArgs, requireOption } from './args';
import { printJson, progressLine } from './output';

const USAGE =
  'usage: concord bundle export --workspace <dir> --out <f.concord-bundle> (--project <name> | --case <id|name>[,...]) [--kind task|result|review] [--for <annotator>] [--with-images|--without-images] [--deidentify [--dates remove|shift]] [--json]\n' +
  '       concord bundle import <f.concord-bundle> --workspace <dir> [--trust] [--json]\n' +
  '       concord bundle inspect <f.concord-bundle> --workspace <dir> [--json]';

export async function runBundle(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'export') return runExport(rest);
  if (sub === 'import') return runImport(rest, false);
  if (sub === 'inspect') return runImport(rest, true);
  throw new InputError(undefined, USAGE);
}

async function runExport(argv: string[]): Promise<number> {
  const args = parseArgs(argv, {
    values: ['workspace', 'out', 'project', 'case', 'for', 'kind', 'dates'],
    flags: ['json', 'with-images', 'without-images', 'deidentify'],
  });
  if (args.positionals.length > 0) throw new InputError(undefined, USAGE);
  const kind = (optionString(args, 'kind') ?? 'task') as BundleKind;
  if (!BUNDLE_KINDS.includes(kind))
    throw new InputError(undefined, `--kind is one of ${BUNDLE_KINDS.join(', ')} (got '${kind}')`);
  const project = optionString(args, 'project');
  const cases = optionString(args, 'case')
    ?.split(',')
    .map((c) => c.trim())
    .filter(Boolean);
  if ((project === undefined) === (cases === undefined))
    throw new InputError(undefined, 'bundle export needs either --project <name> or --case <id|name>[,...]');
  if (args.options.has('with-images') && args.options.has('without-images'))
    throw new InputError(undefined, '--with-images and --without-images exclude each other');
  const images = args.options.has('with-images')
    ? true
    : args.options.has('without-images')
      ? false
      : undefined;
  const dates = optionString(args, 'dates');
  if (dates !== undefined && dates !== 'remove' && dates !== 'shift')
    throw new InputError(undefined, `--dates is 'remove' or 'shift', not '${dates}'`);
  if (dates !== undefined && !args.options.has('deidentify'))
    throw new InputError(undefined, '--dates applies to a de-identified bundle: add --deidentify');
  const out = requireOption(args, 'out', 'bundle export');
  const ws = openWorkspace(requireOption(args, 'workspace', 'bundle export'));
  try {
    const forAnnotator = optionString(args, 'for');
    const summary = await exportBundle(
      ws,
      {
        kind,
        ...(project !== undefined ? { project } : { cases }),
        ...(forAnnotator !== undefined ? { forAnnotator } : {}),
        ...(images !== undefined ? { images } : {}),
        ...(args.options.has('deidentify') ? { deidentify: true } : {}),
        ...(dates !== undefined ? { dates } : {}),
      },
      out,
      localActor(),
      progressLine('exporting'),
    );
    if (args.options.has('json')) printJson(summary);
    else
      process.stdout.write(
        `${summary.file}: ${summary.kind} bundle, ${summary.cases} case(s), ${summary.revisions} revision(s), ${(summary.bytes / 2 ** 20).toFixed(1)} MiB${summary.imagesIncluded ? '' : ', without images'}${summary.deidentified ? ', de-identified' : ''}\n`,
      );
    return 0;
  } finally {
    ws.close();
  }
}

async function runImport(argv: string[], inspectOnly: boolean): Promise<number> {
  const args = parseArgs(argv, { values: ['workspace'], flags: inspectOnly ? ['json'] : ['json', 'trust'] });
  const [file] = args.positionals;
  if (args.positionals.length !== 1 || !file) throw new InputError(undefined, USAGE);
  const ws = openWorkspace(requireOption(args, 'workspace', `bundle ${inspectOnly ? 'inspect' : 'import'}`));
  try {
    if (inspectOnly) {
      const v = await inspectBundle(ws, file, progressLine('verifying'));
      const m = v.manifest;
      const info = {
        file,
        kind: m.kind,
        signer: v.signer,
        createdAt: m.createdAt,
        imagesIncluded: m.imagesIncluded,
        cases: m.cases.map((c) => ({ project: c.project, name: c.name, volumes: c.volumes.length })),
        annotations: m.annotations.length,
        revisions: m.revisions.length,
        assignment: m.assignment,
      };
      if (args.options.has('json')) printJson(info);
      else
        process.stdout.write(
          `${file}: ${m.kind} bundle signed by ${v.signer.fingerprint} (${v.signer.trusted ? 'trusted' : 'not trusted yet'}), ${m.cases.length} case(s), ${m.revisions.length} revision(s)\n`,
        );
      return 0;
    }
    const line = progressLine('importing');
    // Verifying is the one read of the bundle (members this workspace lacks are written as they are checked);
    // copying moves them into place once all are checked.
    const phases = {
      verifying: [0, 0.85],
      copying: [0.85, 0.95],
      recording: [0.95, 1],
      done: [1, 1],
    } as const;
    const summary = await importBundle(ws, file, {
      trust: args.options.has('trust'),
      actor: localActor(),
      progress: (phase, f) => line(phases[phase][0] + (phases[phase][1] - phases[phase][0]) * f, phase),
    });
    if (args.options.has('json')) printJson(summary);
    else {
      process.stdout.write(
        summary.changed
          ? `${file}: ${summary.revisionsAdded} revision(s) added, ${summary.casesCreated} case(s) and ${summary.volumesCreated} volume(s) created${summary.submissionsTaken ? `, ${summary.submissionsTaken} submission(s) taken` : ''}${summary.measurementsAdded + summary.measurementsDeleted ? `, ${summary.measurementsAdded} measurement(s) added, ${summary.measurementsDeleted} deleted` : ''}${summary.forks.length ? `, ${summary.forks.length} annotation(s) forked: pick a head in the app` : ''}\n`
          : `${file}: already imported, nothing changed\n`,
      );
      for (const n of summary.notes) process.stderr.write(`note: ${n}\n`);
    }
    return 0;
  } finally {
    ws.close();
  }
}
