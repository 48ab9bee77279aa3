// `concord pacs …`: the PACS over DICOMweb (services/interop/pacs-*.ts).
//   pacs add --workspace <dir> --name <name> --url <dicomweb base> [--timeout <s>] [--json]
//   pacs list --workspace <dir> [--json]
//   pacs remove --workspace <dir> --name <name> [--json]
//   pacs find --workspace <dir> --from <name> [--patient <id or name>] [--modality <CT>] [--study-date <d>]
//             [--limit <n>] [--timeout <s>] [--json]
//   pacs get <StudyInstanceUID> --workspace <dir> --from <name> --project <name> [--case <name>]
//            [--timeout <s>] [--max-voxels <n>] [--json]
//   pacs send <revision-id> --workspace <dir> --to <name> [--deidentified] [--timeout <s>] [--json]
//       A research project's revision is refused (exit 2) unless --deidentified asks for a de-identified SEG
//       (services/interop/pacs-revision-files.ts); --deidentified de-identifies a clinical one's too.
//   pacs send --file <a.dcm> [--file …] --workspace <dir> --to <name> [--timeout <s>] [--json]
// Progress goes to stderr, one line per step; a server that is down, slow or answers wrongly is one line
// and exit 2, with the workspace as it was.
import fs from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '../../core/errors';
import { searchStudies } from '../../io/dicomweb/client';
import { localActor } from '../../services/create-services';
import { getStudyFromPacs } from '../../services/interop/pacs-get';
import { sendToPacs } from '../../services/interop/pacs-send';
import { revisionDicomFiles } from '../../services/interop/pacs-revision-files';
import {
  checkTimeoutSeconds,
  listPacsServers,
  pacsEndpoint,
  removePacsServer,
  savePacsServer,
} from '../../services/interop/pacs-servers';
import { openWorkspace } from '../../workspace/workspace';
import type { Workspace } from '../../workspace/workspace';
import type { ParsedArgs } from './args';
import { optionString, parseArgs, positiveInt, requireOption } from './args';
import { maxVoxelsOption, MAX_VOXELS_OPTION } from './max-voxels';
import { printJson } from './output';

const USAGE =
  'usage: concord pacs add --workspace <dir> --name <name> --url <dicomweb base> [--timeout <s>]\n' +
  '       concord pacs list|remove --workspace <dir> [--name <name>]\n' +
  '       concord pacs find --workspace <dir> --from <name> [--patient <text>] [--modality <CT>] [--study-date <YYYYMMDD[-YYYYMMDD]>] [--json]\n' +
  '       concord pacs get <StudyInstanceUID> --workspace <dir> --from <name> --project <name> [--case <name>] [--json]\n' +
  '       concord pacs send <revision-id> [--deidentified] | --file <a.dcm> --workspace <dir> --to <name> [--json]';

export async function runPacs(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  switch (sub) {
    case 'add':
      return add(rest);
    case 'list':
      return list(rest);
    case 'remove':
      return remove(rest);
    case 'find':
      return find(rest);
    case 'get':
      return get(rest);
    case 'send':
      return send(rest);
    default:
      throw new InputError(undefined, USAGE);
  }
}

/** --timeout in seconds, as milliseconds; undefined when not given. */
function timeoutOption(args: ParsedArgs): number | undefined {
  const t = optionString(args, 'timeout');
  return t === undefined ? undefined : checkTimeoutSeconds(Number(t));
}

async function withWorkspace<T>(args: ParsedArgs, command: string, run: (ws: Workspace) => Promise<T>) {
  const ws = openWorkspace(requireOption(args, 'workspace', command));
  try {
    return await run(ws);
  } finally {
    ws.close();
  }
}

/** Ctrl+C cancels a transfer (what was fetched is kept for a resume only when the server went away). */
function withSigint<T>(run: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  return run(controller.signal).finally(() => process.off('SIGINT', onSigint));
}

async function add(argv: string[]): Promise<number> {
  const args = parseArgs(argv, { values: ['workspace', 'name', 'url', 'timeout'], flags: ['json'] });
  if (args.positionals.length > 0) throw new InputError(undefined, USAGE);
  const name = requireOption(args, 'name', 'pacs add');
  const url = requireOption(args, 'url', 'pacs add');
  const timeoutMs = timeoutOption(args);
  return withWorkspace(args, 'pacs add', async (ws) => {
    const s = savePacsServer(ws.db, { name, url, timeoutMs }, localActor());
    if (args.options.has('json')) printJson(s);
    else process.stdout.write(`PACS '${s.name}': ${s.url} (time limit ${s.timeoutMs / 1000} s)\n`);
    return 0;
  });
}

async function list(argv: string[]): Promise<number> {
  const args = parseArgs(argv, { values: ['workspace'], flags: ['json'] });
  return withWorkspace(args, 'pacs list', async (ws) => {
    const servers = listPacsServers(ws.db);
    if (args.options.has('json')) printJson(servers);
    else for (const s of servers) process.stdout.write(`${s.name}\t${s.url}\t${s.timeoutMs / 1000} s\n`);
    return 0;
  });
}

async function remove(argv: string[]): Promise<number> {
  const args = parseArgs(argv, { values: ['workspace', 'name'], flags: ['json'] });
  const name = requireOption(args, 'name', 'pacs remove');
  return withWorkspace(args, 'pacs remove', async (ws) => {
    removePacsServer(ws.db, name, localActor());
    if (args.options.has('json')) printJson({ removed: name });
    else process.stdout.write(`removed PACS '${name}'\n`);
    return 0;
  });
}

async function find(argv: string[]): Promise<number> {
  const args = parseArgs(argv, {
    values: ['workspace', 'from', 'patient', 'modality', 'study-date', 'limit', 'timeout'],
    flags: ['json'],
  });
  const from = requireOption(args, 'from', 'pacs find');
  const limit = optionString(args, 'limit');
  const modality = optionString(args, 'modality');
  if (modality !== undefined && !/^[A-Z]{2,16}$/.test(modality))
    throw new InputError(undefined, `--modality takes a DICOM modality such as CT or MR (got '${modality}')`);
  return withWorkspace(args, 'pacs find', (ws) =>
    withSigint(async (signal) => {
      const ep = pacsEndpoint(ws.db, from, { timeoutMs: timeoutOption(args), signal });
      const studies = await searchStudies(ep, {
        patient: optionString(args, 'patient'),
        modality,
        studyDate: optionString(args, 'study-date'),
        limit: limit === undefined ? undefined : positiveInt(limit, '--limit'),
      });
      if (args.options.has('json')) printJson({ server: ep.name, studies });
      else {
        for (const s of studies) {
          process.stdout.write(
            `${s.studyInstanceUID}\t${s.studyDate ?? '-'}\t${s.modalities.join('/') || '-'}\t${s.series ?? '?'} series\t${s.studyDescription ?? ''}\n`,
          );
        }
      }
      return 0;
    }),
  );
}

async function get(argv: string[]): Promise<number> {
  const args = parseArgs(argv, {
    values: ['workspace', 'from', 'project', 'case', 'timeout', MAX_VOXELS_OPTION],
    flags: ['json'],
  });
  const [study] = args.positionals;
  if (args.positionals.length !== 1 || !study) throw new InputError(undefined, USAGE);
  const from = requireOption(args, 'from', 'pacs get');
  const project = requireOption(args, 'project', 'pacs get');
  const read = maxVoxelsOption(args);
  return withWorkspace(args, 'pacs get', (ws) =>
    withSigint(async (signal) => {
      const ep = pacsEndpoint(ws.db, from, { timeoutMs: timeoutOption(args), signal });
      const summary = await getStudyFromPacs(
        ws,
        ep,
        { studyInstanceUID: study, projectName: project, caseName: optionString(args, 'case') },
        localActor(),
        (phase, fraction, detail) =>
          process.stderr.write(
            `pacs get ${String(Math.round(fraction * 100)).padStart(3)}% ${phase}: ${detail}\n`,
          ),
        read,
      );
      if (args.options.has('json')) printJson(summary);
      else {
        for (const v of summary.volumes) {
          process.stdout.write(
            `volume ${v.id}: ${v.name} ${v.dims.join('x')} ${v.scalarType} (case ${v.caseId})\n`,
          );
        }
      }
      return 0;
    }),
  );
}

async function send(argv: string[]): Promise<number> {
  const args = parseArgs(argv, {
    values: ['workspace', 'to', 'timeout', 'file'],
    flags: ['json', 'deidentified'],
  });
  const to = requireOption(args, 'to', 'pacs send');
  const file = optionString(args, 'file');
  const [rev] = args.positionals;
  if ((file === undefined) === (args.positionals.length !== 1) || (file === undefined && !rev))
    throw new InputError(undefined, USAGE);
  if (file !== undefined && args.options.has('deidentified'))
    throw new InputError(undefined, '--deidentified applies to a revision; a file is sent as it is');
  return withWorkspace(args, 'pacs send', (ws) =>
    withSigint(async (signal) => {
      const ep = pacsEndpoint(ws.db, to, { timeoutMs: timeoutOption(args), signal });
      let files: { name: string; bytes: Uint8Array }[];
      let subject: Record<string, unknown>;
      if (file !== undefined) {
        const abs = path.resolve(file);
        files = [
          {
            name: abs,
            bytes: await fs.readFile(abs).catch(() => {
              throw new InputError(abs, 'cannot read the file');
            }),
          },
        ];
        subject = { file: path.basename(abs) };
      } else {
        const revisionId = positiveInt(rev!, 'revision id');
        const deidentified = args.options.has('deidentified');
        files = await revisionDicomFiles(ws, revisionId, { deidentified });
        subject = { revisionId, ...(deidentified ? { deidentified } : {}) };
      }
      const r = await sendToPacs(ws, ep, files, subject, localActor());
      if (args.options.has('json')) printJson({ ...subject, ...r });
      else process.stdout.write(`sent ${r.stored.length} instance(s) to ${r.server}\n`);
      return 0;
    }),
  );
}
