// A PACS over DICOMweb (PS3.18): QIDO-RS search, WADO-RS retrieval of single instances, STOW-RS storage,
// through dicomweb-client 0.11 with the fetch-backed XMLHttpRequest of fetch-xhr.ts (Node has none).
//
// Every failure is one line naming the server: down (connection refused, host not found), slow (no whole
// answer within the time limit), refused (HTTP status), or an answer that is not what DICOMweb promises
// (HTML, bad JSON, a multipart part that is not a DICOM Part 10 file). Nothing here writes a file.
import { createRequire } from 'node:module';
import { InputError, CancelledError } from '../../core/errors';
import { FetchXhr } from './fetch-xhr';
import type { TransportFailure } from './fetch-xhr';

const requireCjs = createRequire(import.meta.url);

/** The calls of dicomweb-client's DICOMwebClient this module makes (the package's types say `any`). */
interface DicomwebApi {
  searchForStudies(o: { queryParams?: Record<string, string>; request: object }): Promise<unknown>;
  searchForInstances(o: {
    studyInstanceUID: string;
    queryParams?: Record<string, string>;
    request: object;
  }): Promise<unknown>;
  retrieveInstance(o: {
    studyInstanceUID: string;
    seriesInstanceUID: string;
    sopInstanceUID: string;
    request: object;
  }): Promise<unknown>;
  storeInstances(o: { datasets: ArrayBuffer[]; request: object }): Promise<unknown>;
}
const { api } = requireCjs('dicomweb-client') as {
  api: { DICOMwebClient: new (o: { url: string; verbose: boolean }) => DicomwebApi };
};

/** The server could not be reached or did not answer in time: the same request may succeed later, so a
 *  transfer keeps what it has verified (the caller decides). Answers that were wrong are InputErrors. */
export class PacsUnreachableError extends InputError {}

export const DEFAULT_TIMEOUT_MS = 30_000;
/** The largest answers read (bytes): a search or store answer (JSON), and one instance (a CT slice is under
 *  1 MiB; an enhanced multi-frame instance may be hundreds). Past them the request fails. */
const MAX_JSON_BYTES = 64 * 1024 ** 2;
const MAX_INSTANCE_BYTES = 1024 ** 3;

export interface PacsEndpoint {
  /** The name the user gave the server (for messages). */
  name: string;
  /** DICOMweb base URL, e.g. http://pacs:8042/dicom-web */
  url: string;
  timeoutMs: number;
  signal?: AbortSignal;
}

export interface StudyMatch {
  studyInstanceUID: string;
  studyDate: string | null;
  studyDescription: string | null;
  accessionNumber: string | null;
  patientName: string | null;
  patientId: string | null;
  modalities: string[];
  /** NumberOfStudyRelatedSeries / Instances, when the server reports them. */
  series: number | null;
  instances: number | null;
}

export interface StudyQuery {
  /** Matches the patient's ID exactly or their name anywhere (two searches, joined). */
  patient?: string;
  modality?: string;
  /** YYYYMMDD or a range YYYYMMDD-YYYYMMDD (either end open). */
  studyDate?: string;
  limit?: number;
}

export interface InstanceRef {
  studyInstanceUID: string;
  seriesInstanceUID: string;
  sopInstanceUID: string;
}

export function checkBaseUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new InputError(undefined, `'${url}' is not a URL (expected e.g. http://pacs:8042/dicom-web)`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:')
    throw new InputError(undefined, `'${url}': a DICOMweb base URL starts with http:// or https://`);
  if (u.username || u.password)
    throw new InputError(undefined, `'${url}': put no user name or password in the URL`);
  return u.toString().replace(/\/+$/, '');
}

export function checkStudyDate(d: string): string {
  if (!/^(\d{8})?-?(\d{8})?$/.test(d) || d === '-' || d === '' || (d.length === 16 && !d.includes('-')))
    throw new InputError(undefined, `--study-date takes YYYYMMDD or a range YYYYMMDD-YYYYMMDD (got '${d}')`);
  return d;
}

/** A DICOM UID: numbers joined by dots, at most 64 characters (so also a safe file name). */
export function isUid(uid: string): boolean {
  return /^[0-9]+(\.[0-9]+)*$/.test(uid) && uid.length <= 64;
}

export function checkUid(uid: string, what: string): string {
  if (!isUid(uid)) throw new InputError(undefined, `${what} '${uid}' is not a DICOM UID`);
  return uid;
}

/** Runs one dicomweb-client call with its own adapter, turning every failure into one line. */
async function call<T>(
  ep: PacsEndpoint,
  what: string,
  run: (request: object) => Promise<T>,
  maxBytes = MAX_JSON_BYTES,
): Promise<T> {
  const xhr = new FetchXhr({ timeoutMs: ep.timeoutMs, signal: ep.signal, maxBytes });
  const at = `PACS '${ep.name}' (${ep.url})`;
  try {
    return await run({ instance: xhr });
  } catch (e) {
    if (xhr.failure) throw failureError(at, what, xhr.failure);
    const status = (e as { status?: unknown } | null)?.status;
    if (typeof status === 'number' && status !== 0)
      throw new InputError(undefined, `${at} refused ${what}: HTTP ${status}${bodyHint(xhr)}`);
    // dicomweb-client's own decoding failed (e.g. a multipart answer without boundaries).
    throw new InputError(
      undefined,
      `${at} answered ${what} with something that is not DICOMweb: ${oneLine(e)}`,
    );
  }
}

function failureError(at: string, what: string, f: TransportFailure): Error {
  switch (f.kind) {
    case 'cancelled':
      return new CancelledError(what);
    case 'timeout':
      return new PacsUnreachableError(
        undefined,
        `${at} did not answer ${what} within ${f.ms / 1000} s (--timeout sets the limit in seconds)`,
      );
    case 'too-large':
      return new InputError(undefined, `${at} answered ${what} with more than ${f.limit} bytes: refused`);
    case 'network':
      return new PacsUnreachableError(undefined, `${at} cannot be reached for ${what}: ${f.reason}`);
  }
}

function oneLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0]!.slice(0, 200);
}

function bodyHint(xhr: FetchXhr): string {
  const type = xhr.getResponseHeader('content-type');
  return type ? ` (${type.split(';')[0]})` : '';
}

/** The answer was meant to be a DICOM JSON list (PS3.18 F.2): say what it was instead. */
function jsonListOf(xhr: FetchXhr, body: unknown, at: string, what: string): Record<string, unknown>[] {
  // 204 No Content: no match.
  if (Array.isArray(body) && body.length === 0) return [];
  const type = xhr.getResponseHeader('content-type')?.split(';')[0] ?? 'no content type';
  if (!Array.isArray(body) || body.some((r) => r === null || typeof r !== 'object' || Array.isArray(r))) {
    const text = xhr.unparsedText ?? (body === null ? '' : JSON.stringify(body));
    const sample = text.replace(/\s+/g, ' ').trim().slice(0, 60);
    throw new InputError(
      undefined,
      `${at} answered ${what} with something that is not a DICOM JSON list (${type}${sample ? `: '${sample}'` : ', empty'})`,
    );
  }
  return body as Record<string, unknown>[];
}

/** First value of a DICOM JSON attribute (tag as 8 hex digits), as text. */
function text(row: Record<string, unknown>, tag: string): string | null {
  const v = (row[tag] as { Value?: unknown[] } | undefined)?.Value?.[0];
  if (v === undefined || v === null) return null;
  if (typeof v === 'object') return (v as { Alphabetic?: string }).Alphabetic ?? null;
  return String(v);
}

function values(row: Record<string, unknown>, tag: string): string[] {
  const v = (row[tag] as { Value?: unknown[] } | undefined)?.Value ?? [];
  return v.filter((x) => typeof x === 'string');
}

function count(row: Record<string, unknown>, tag: string): number | null {
  const t = text(row, tag);
  return t !== null && /^\d+$/.test(t) ? Number(t) : null;
}

const STUDY_UID = '0020000D';
const SERIES_UID = '0020000E';
const SOP_UID = '00080018';

/** QIDO-RS /studies with the study's series and instance counts. */
export async function searchStudies(ep: PacsEndpoint, q: StudyQuery): Promise<StudyMatch[]> {
  const base: Record<string, string> = {
    includefield: '00201206,00201208,00081030,00080061',
    limit: String(q.limit ?? 100),
  };
  if (q.modality) base['ModalitiesInStudy'] = q.modality;
  if (q.studyDate) base['StudyDate'] = checkStudyDate(q.studyDate);
  const queries: Record<string, string>[] = q.patient
    ? [
        { ...base, PatientID: q.patient },
        { ...base, PatientName: `*${q.patient}*` },
      ]
    : [base];
  const found = new Map<string, StudyMatch>();
  for (const params of queries) {
    const rows = await searchJson(ep, 'a study search', (client, request) =>
      client.searchForStudies({ queryParams: params, request }),
    );
    for (const r of rows) {
      const uid = text(r, STUDY_UID);
      if (!uid) continue;
      found.set(uid, {
        studyInstanceUID: uid,
        studyDate: text(r, '00080020'),
        studyDescription: text(r, '00081030'),
        accessionNumber: text(r, '00080050'),
        patientName: text(r, '00100010'),
        patientId: text(r, '00100020'),
        modalities: values(r, '00080061'),
        series: count(r, '00201206'),
        instances: count(r, '00201208'),
      });
    }
  }
  return [...found.values()].sort((a, b) => (b.studyDate ?? '').localeCompare(a.studyDate ?? ''));
}

async function searchJson(
  ep: PacsEndpoint,
  what: string,
  run: (client: DicomwebApi, request: object) => Promise<unknown>,
): Promise<Record<string, unknown>[]> {
  const client = new api.DICOMwebClient({ url: ep.url, verbose: false });
  const at = `PACS '${ep.name}' (${ep.url})`;
  let xhr: FetchXhr | null = null;
  const body = await call(ep, what, (request) => {
    xhr = (request as { instance: FetchXhr }).instance;
    return run(client, request);
  });
  return jsonListOf(xhr!, body, at, what);
}

/** QIDO-RS /studies/{uid}/instances: every instance of the study with its series. */
export async function listStudyInstances(ep: PacsEndpoint, studyUid: string): Promise<InstanceRef[]> {
  const rows = await searchJson(ep, `the instances of study ${studyUid}`, (client, request) =>
    client.searchForInstances({ studyInstanceUID: studyUid, request }),
  );
  const out: InstanceRef[] = [];
  for (const r of rows) {
    const series = text(r, SERIES_UID);
    const sop = text(r, SOP_UID);
    const study = text(r, STUDY_UID) ?? studyUid;
    if (!series || !sop || !isUid(series) || !isUid(sop) || study !== studyUid) {
      throw new InputError(
        undefined,
        `PACS '${ep.name}' (${ep.url}) listed an instance of study ${studyUid} without valid series and SOP instance UIDs`,
      );
    }
    out.push({ studyInstanceUID: studyUid, seriesInstanceUID: series, sopInstanceUID: sop });
  }
  return out;
}

/** WADO-RS of one instance: its DICOM Part 10 bytes ("DICM" at byte 128 is checked here; the caller
 *  checks that the file is the instance it asked for). */
export async function retrieveInstance(
  ep: PacsEndpoint,
  ref: InstanceRef,
  onBytes?: (loaded: number) => void,
): Promise<Uint8Array> {
  const client = new api.DICOMwebClient({ url: ep.url, verbose: false });
  const what = `instance ${ref.sopInstanceUID}`;
  const parts = await call(
    ep,
    what,
    (request) => {
      if (onBytes)
        (request as { progressCallback?: unknown }).progressCallback = (e: { loaded: number }) =>
          onBytes(e.loaded);
      return client.retrieveInstance({
        studyInstanceUID: ref.studyInstanceUID,
        seriesInstanceUID: ref.seriesInstanceUID,
        sopInstanceUID: ref.sopInstanceUID,
        request,
      });
    },
    MAX_INSTANCE_BYTES,
  );
  if (!(parts instanceof ArrayBuffer) && !ArrayBuffer.isView(parts)) {
    throw new InputError(undefined, `PACS '${ep.name}' (${ep.url}) answered ${what} with no DICOM file`);
  }
  const bytes = ArrayBuffer.isView(parts)
    ? new Uint8Array(parts.buffer, parts.byteOffset, parts.byteLength)
    : new Uint8Array(parts);
  if (!isPart10(bytes)) {
    throw new InputError(
      undefined,
      `PACS '${ep.name}' (${ep.url}) answered ${what} with something that is not a DICOM file (${bytes.byteLength} bytes without the DICM preamble)`,
    );
  }
  return bytes;
}

export function isPart10(bytes: Uint8Array): boolean {
  return (
    bytes.byteLength > 132 &&
    bytes[128] === 0x44 &&
    bytes[129] === 0x49 &&
    bytes[130] === 0x43 &&
    bytes[131] === 0x4d
  );
}

export interface StoreOutcome {
  stored: string[];
  failed: { sopInstanceUID: string; reason: string }[];
}

/** STOW-RS of DICOM Part 10 files; the server's answer (PS3.18 F.2, 00081199 / 00081198) is read back. */
export async function storeInstances(ep: PacsEndpoint, files: Uint8Array[]): Promise<StoreOutcome> {
  const client = new api.DICOMwebClient({ url: ep.url, verbose: false });
  const at = `PACS '${ep.name}' (${ep.url})`;
  for (const f of files)
    if (!isPart10(f)) throw new InputError(undefined, 'only DICOM Part 10 files are sent');
  let xhr: FetchXhr | null = null;
  const datasets = files.map((f) => f.buffer.slice(f.byteOffset, f.byteOffset + f.byteLength) as ArrayBuffer);
  const answer = await call(ep, 'a store request', (request) => {
    xhr = (request as { instance: FetchXhr }).instance;
    (request as { responseType?: string }).responseType = 'json';
    return client.storeInstances({ datasets, request });
  });
  const status = (xhr as FetchXhr | null)?.status ?? 0;
  if (answer === null || typeof answer !== 'object' || Array.isArray(answer)) {
    throw new InputError(
      undefined,
      `${at} answered a store request (HTTP ${status}) with something that is not a DICOM JSON store response`,
    );
  }
  const row = answer as Record<string, unknown>;
  const seq = (tag: string) =>
    ((row[tag] as { Value?: Record<string, unknown>[] } | undefined)?.Value ?? []).filter(
      (x) => x && typeof x === 'object',
    );
  const stored = seq('00081199').map((r) => text(r, '00081155') ?? '?');
  const failed = seq('00081198').map((r) => ({
    sopInstanceUID: text(r, '00081155') ?? '?',
    reason: `failure reason ${text(r, '00081197') ?? 'not given'}`,
  }));
  return { stored, failed };
}
