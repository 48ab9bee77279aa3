// `concord pacs …` against a real Orthanc with its DICOMweb plugin (started and stopped here) holding the
// 3-slice CT of dcmqi's test data: add, find (QIDO-RS), get (WADO-RS, then the folder import's path),
// resume after a cut transfer, send (STOW-RS); and servers that are down, slow or answer garbage, each
// one line, exit 2, the workspace as it was.
import { casePseudonym } from '../../core/deid/confidentiality-profile';
import { deidHash } from '../../services/workspace/deidentify';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { listAudit, verifyAudit } from '../../db/audit';
import { freePort, HAVE_ORTHANC, startOrthanc } from '../../test-support/orthanc';
import type { OrthancServer } from '../../test-support/orthanc';
import { badPacs, cuttingProxy } from '../../test-support/http-servers';
import { tempDir, testData } from '../../test-support/tmp';
import { openWorkspace } from '../../workspace/workspace';
import { cli } from './test-support';

afterEach(() => vi.restoreAllMocks());

const CT3 = testData('dcmqi_ct3slice_seg', 'data', 'segmentations', 'ct-3slice');
const CT3_FILES = ['01.dcm', '02.dcm', '03.dcm'].map((f) => path.join(CT3, f));
const SEG = testData('dcmqi_ct3slice_seg', 'data', 'segmentations', 'liver.dcm');
const STUDY = '1.2.392.200103.20080913.113635.0.2009.6.22.21.43.10.22941.1';

interface Study {
  studyInstanceUID: string;
  modalities: string[];
  series: number | null;
  instances: number | null;
  studyDate: string | null;
}

/** A workspace with PACS `name` at `url`. */
async function workspaceWith(name: string, url: string, ...extra: string[]): Promise<string> {
  const ws = path.join(tempDir(), 'ws');
  const r = await cli('pacs', 'add', '--workspace', ws, '--name', name, '--url', url, ...extra);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return ws;
}

/** What a failed command must leave untouched: rows, blobs and temp files. */
function state(ws: string) {
  const w = openWorkspace(ws);
  const n = (t: string) => (w.db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n;
  const files = (d: string): string[] =>
    fs.existsSync(d) ? fs.readdirSync(d, { recursive: true }).map(String).sort() : [];
  const out = {
    projects: n('projects'),
    cases: n('cases'),
    volumes: n('volumes'),
    audit: n('audit_log'),
    blobs: files(path.join(ws, 'blobs')).filter((f) => !fs.statSync(path.join(ws, 'blobs', f)).isDirectory()),
    tmp: files(w.tmpDir),
  };
  w.close();
  return out;
}

/** The one error line (progress lines before it aside). */
function oneLine(stderr: string): string {
  const lines = stderr
    .trim()
    .split('\n')
    .filter((l) => !l.startsWith('pacs get '));
  expect(lines).toHaveLength(1);
  return lines[0]!;
}

describe.runIf(HAVE_ORTHANC)('concord pacs against Orthanc with DICOMweb', () => {
  let orthanc: OrthancServer;
  beforeAll(async () => {
    orthanc = await startOrthanc();
    await orthanc.upload(CT3_FILES);
  }, 60_000);

  it('finds studies by modality, patient and date with their series counts', async () => {
    const ws = await workspaceWith('H', orthanc.dicomweb);
    const find = async (...q: string[]) => {
      const r = await cli('pacs', 'find', '--workspace', ws, '--from', 'H', ...q, '--json');
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      return (JSON.parse(r.stdout) as { studies: Study[] }).studies;
    };
    const all = await find();
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({
      studyInstanceUID: STUDY,
      modalities: ['CT'],
      series: 1,
      instances: 3,
      studyDate: '20030417',
    });
    expect(await find('--modality', 'CT')).toHaveLength(1);
    expect(await find('--modality', 'MR')).toHaveLength(0);
    expect(await find('--patient', '99000')).toHaveLength(1);
    expect(await find('--patient', 'JANCT')).toHaveLength(1);
    expect(await find('--patient', 'nobody')).toHaveLength(0);
    expect(await find('--study-date', '20030101-20031231')).toHaveLength(1);
    expect(await find('--study-date', '20040101-')).toHaveLength(0);
    const bad = await cli('pacs', 'find', '--workspace', ws, '--from', 'H', '--study-date', '2003-04-17');
    expect([bad.code, oneLine(bad.stderr)]).toEqual([2, expect.stringContaining('YYYYMMDD')]);
    const unknown = await cli('pacs', 'find', '--workspace', ws, '--from', 'Nope');
    expect([unknown.code, oneLine(unknown.stderr)]).toEqual([
      2,
      expect.stringContaining("no PACS named 'Nope'"),
    ]);
  });

  it('gets a study into a project through the folder import: the same volume, progress lines, no temp left', async () => {
    const ws = await workspaceWith('H', orthanc.dicomweb);
    const r = await cli(
      'pacs',
      'get',
      STUDY,
      '--workspace',
      ws,
      '--from',
      'H',
      '--project',
      'Lung',
      '--json',
    );
    expect(r.code).toBe(0);
    const got = JSON.parse(r.stdout) as {
      instances: number;
      resumed: number;
      volumes: { id: number; dims: number[]; name: string }[];
    };
    expect(got).toMatchObject({ server: 'H', studyInstanceUID: STUDY, instances: 3, resumed: 0 });
    expect(got.volumes.map((v) => v.dims)).toEqual([[512, 512, 3]]);
    const lines = r.stderr.trim().split('\n');
    expect(lines.filter((l) => /fetching: instance \d of 3/.test(l))).toHaveLength(3);
    expect(lines.at(-1)).toMatch(/100% done/);

    // The same voxels and geometry as importing the folder the instances came from.
    const folder = path.join(tempDir(), 'ws');
    const f = await cli('import', CT3, '--workspace', folder, '--json');
    expect(f.code).toBe(0);
    const a = openWorkspace(ws);
    const b = openWorkspace(folder);
    const q =
      'SELECT blob_sha256, dim_i, dim_j, dim_k, affine_lps, scalar_type, rescale_slope, rescale_intercept, stats_min, stats_max, stats_mean, patient_json FROM volumes';
    const va = a.db.prepare(q).get() as Record<string, unknown>;
    expect(va).toEqual(b.db.prepare(q).get());
    expect(va['patient_json']).toBeNull();
    const caseName = (a.db.prepare('SELECT name FROM cases').get() as { name: string }).name;
    // A pseudonym of the study, never its UID or the patient's name or ID.
    expect(caseName).toBe(casePseudonym(deidHash(a), `study ${STUDY}`));
    const audit = listAudit(a.db, 100).find((row) => row.action === 'pacs.get');
    expect(audit?.detail).toMatchObject({ server: 'H', studyInstanceUID: STUDY, instances: 3 });
    expect(verifyAudit(a.db).intact).toBe(true);
    a.close();
    b.close();
    expect(state(ws).tmp).toEqual([]);

    // A study the PACS does not have: one line, nothing stored.
    const before = state(ws);
    const missing = await cli(
      'pacs',
      'get',
      '1.2.3.4.5',
      '--workspace',
      ws,
      '--from',
      'H',
      '--project',
      'Lung',
    );
    expect([missing.code, oneLine(missing.stderr)]).toEqual([
      2,
      expect.stringMatching(/PACS 'H' has no study 1\.2\.3\.4\.5$/),
    ]);
    const notUid = await cli('pacs', 'get', '../etc', '--workspace', ws, '--from', 'H', '--project', 'Lung');
    expect([notUid.code, oneLine(notUid.stderr)]).toEqual([2, expect.stringMatching(/is not a DICOM UID/)]);
    expect(state(ws)).toEqual(before);

    // A transfer of the same study running in a live process: refused; a lock left by a killed one is taken over.
    const lock = path.join(ws, 'tmp', 'pacs', `${STUDY}.lock`);
    fs.mkdirSync(path.dirname(lock), { recursive: true });
    fs.writeFileSync(lock, String(process.pid));
    const busy = await cli('pacs', 'get', STUDY, '--workspace', ws, '--from', 'H', '--project', 'Lung');
    expect([busy.code, oneLine(busy.stderr)]).toEqual([
      2,
      expect.stringMatching(/already being fetched into this workspace/),
    ]);
    fs.writeFileSync(lock, String(spawnSync('true').pid));

    // Again: the same volume is found, nothing new stored.
    const again = await cli(
      'pacs',
      'get',
      STUDY,
      '--workspace',
      ws,
      '--from',
      'H',
      '--project',
      'Lung',
      '--json',
    );
    expect(again.code).toBe(0);
    expect(state(ws).volumes).toBe(1);
    expect(state(ws).tmp).toEqual([]);
  });

  it('resumes a cut transfer: verified instances kept, a damaged one fetched again, nothing stored before', async () => {
    const proxy = await cuttingProxy(orthanc.rest);
    const ws = await workspaceWith('H', `${proxy.url}/dicom-web`);
    const before = state(ws);
    proxy.cutAfter(2);
    const cut = await cli('pacs', 'get', STUDY, '--workspace', ws, '--from', 'H', '--project', 'P', '--json');
    expect(cut.code).toBe(2);
    expect(cut.stdout).toBe('');
    expect(cut.stderr.trim().split('\n').at(-1)).toMatch(
      /cannot be reached .*2 instance\(s\) fetched so far are kept .* the same command resumes$/,
    );
    const after = state(ws);
    expect({ ...after, tmp: [] }).toEqual({ ...before, tmp: [] });
    const kept = after.tmp.filter((f) => f.endsWith('.dcm'));
    expect(kept).toHaveLength(2);
    expect(after.tmp.some((f) => f.endsWith('.part'))).toBe(false);
    // One kept file damaged (a disk error, an edit): it must be fetched again, not imported.
    const damaged = path.join(ws, 'tmp', kept[0]!);
    fs.writeFileSync(damaged, fs.readFileSync(damaged).subarray(0, 200));

    proxy.cutAfter(null);
    const resumed = await cli(
      'pacs',
      'get',
      STUDY,
      '--workspace',
      ws,
      '--from',
      'H',
      '--project',
      'P',
      '--json',
    );
    expect(resumed.code).toBe(0);
    const r = JSON.parse(resumed.stdout) as { resumed: number; volumes: { dims: number[] }[] };
    expect(r.resumed).toBe(1);
    expect(r.volumes.map((v) => v.dims)).toEqual([[512, 512, 3]]);
    expect(resumed.stderr).toMatch(/kept from the interrupted transfer/);
    expect(proxy.seen.filter((s) => /\/instances\/[0-9.]+$/.test(s))).toHaveLength(2 + 1 + 2);
    expect(state(ws).tmp).toEqual([]);
  });

  it("sends a revision's DICOM SEG by STOW-RS: the PACS files it in the study it was drawn on", async () => {
    const ws = await workspaceWith('H', orthanc.dicomweb);
    const g = await cli(
      'pacs',
      'get',
      STUDY,
      '--workspace',
      ws,
      '--from',
      'H',
      '--project',
      'Liver',
      '--json',
    );
    expect(g.code).toBe(0);
    const volumeId = (JSON.parse(g.stdout) as { volumes: { id: number }[] }).volumes[0]!.id;
    const m = await cli(
      'masks',
      'import',
      SEG,
      '--workspace',
      ws,
      '--volume',
      String(volumeId),
      '--annotator',
      'Reader',
      '--json',
    );
    expect(m.code).toBe(0);
    const revisionId = (JSON.parse(m.stdout) as { revisionId: number }).revisionId;
    const r = await cli('pacs', 'send', String(revisionId), '--workspace', ws, '--to', 'H', '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const sent = JSON.parse(r.stdout) as { revisionId: number; stored: string[] };
    expect(sent.revisionId).toBe(revisionId);
    expect(sent.stored).toHaveLength(1);
    const listed = (await (
      await fetch(
        `${orthanc.dicomweb}/studies/${STUDY}/instances?SOPInstanceUID=${sent.stored[0]}&includefield=00080060`,
      )
    ).json()) as Record<string, { Value: string[] }>[];
    expect(listed).toHaveLength(1);
    expect(listed[0]!['00080060']!.Value).toEqual(['SEG']);
    const w = openWorkspace(ws);
    const audit = listAudit(w.db, 10).find((a) => a.action === 'pacs.send');
    expect(audit?.detail).toMatchObject({ revisionId, server: 'H', sopInstanceUIDs: sent.stored });
    w.close();
    const none = await cli('pacs', 'send', '999', '--workspace', ws, '--to', 'H');
    expect([none.code, oneLine(none.stderr)]).toEqual([
      2,
      expect.stringMatching(/revision 999 does not exist/),
    ]);
  });

  it('sends a DICOM file by STOW-RS and the PACS then lists it', async () => {
    const ws = await workspaceWith('H', orthanc.dicomweb);
    const r = await cli('pacs', 'send', '--file', SEG, '--workspace', ws, '--to', 'H', '--json');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const sent = JSON.parse(r.stdout) as { stored: string[] };
    expect(sent.stored).toHaveLength(1);
    const listed = (await (
      await fetch(`${orthanc.dicomweb}/instances?SOPInstanceUID=${sent.stored[0]}`)
    ).json()) as unknown[];
    expect(listed).toHaveLength(1);
    const w = openWorkspace(ws);
    expect(listAudit(w.db, 10).some((a) => a.action === 'pacs.send')).toBe(true);
    w.close();
    const notDicom = await cli('pacs', 'send', '--file', CT3, '--workspace', ws, '--to', 'H');
    expect(notDicom.code).toBe(2);
  });
});

describe('a PACS that is down, slow or answers garbage: one line, exit 2, the workspace as it was', () => {
  const STUDY_UID = '1.2.3.4';
  async function expectRefused(url: string, match: RegExp, ...extra: string[]) {
    const ws = await workspaceWith('H', url, ...extra);
    const before = state(ws);
    for (const argv of [
      ['pacs', 'find', '--workspace', ws, '--from', 'H', '--json'],
      ['pacs', 'get', STUDY_UID, '--workspace', ws, '--from', 'H', '--project', 'P', '--json'],
      ['pacs', 'send', '--file', SEG, '--workspace', ws, '--to', 'H', '--json'],
    ]) {
      const r = await cli(...argv);
      expect(r.code, argv[1]).toBe(2);
      expect(r.stdout).toBe('');
      const last = r.stderr.trim().split('\n').at(-1)!;
      expect(last, argv[1]).toMatch(match);
      expect(
        r.stderr
          .trim()
          .split('\n')
          .filter((l) => l.startsWith('concord:')),
      ).toHaveLength(1);
      expect(state(ws), argv[1]).toEqual(before);
    }
  }

  it('down: connection refused', async () => {
    const port = await freePort();
    await expectRefused(`http://127.0.0.1:${port}/dicom-web`, /cannot be reached .*: connection refused$/);
  });

  it('slow: no answer within --timeout', async () => {
    const s = await badPacs('never');
    await expectRefused(s.url, /did not answer .* within 0\.3 s/, '--timeout', '0.3');
  });

  it('an HTML page, bad JSON, a JSON object: not a DICOM JSON list', async () => {
    for (const answer of ['html', 'bad-json', 'json-object'] as const) {
      const s = await badPacs(answer);
      const ws = await workspaceWith('H', s.url);
      const before = state(ws);
      for (const argv of [
        ['pacs', 'find', '--workspace', ws, '--from', 'H'],
        ['pacs', 'get', STUDY_UID, '--workspace', ws, '--from', 'H', '--project', 'P'],
      ]) {
        const r = await cli(...argv);
        expect([r.code, oneLine(r.stderr)]).toEqual([
          2,
          expect.stringMatching(/with something that is not a DICOM JSON list/),
        ]);
        expect(state(ws)).toEqual(before);
      }
      const html = await cli('pacs', 'find', '--workspace', ws, '--from', 'H');
      if (answer === 'html') expect(html.stderr).toMatch(/text\/html: '<html><body><h1>Welcome/);
    }
  });

  it('an instance that is not DICOM, an HTTP error, a store answer that is not DICOM JSON', async () => {
    const notDicom = await badPacs('non-dicom-multipart', { listingOk: true });
    await (async () => {
      const ws = await workspaceWith('H', notDicom.url);
      const before = state(ws);
      const r = await cli('pacs', 'get', STUDY_UID, '--workspace', ws, '--from', 'H', '--project', 'P');
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n').at(-1)).toMatch(
        /answered instance 1\.2\.3\.4\.5\.6 with something that is not a DICOM file/,
      );
      expect(state(ws)).toEqual(before);
    })();
    const failing = await badPacs('http-500', { listingOk: true });
    const ws = await workspaceWith('H', failing.url);
    const before = state(ws);
    const r = await cli('pacs', 'get', STUDY_UID, '--workspace', ws, '--from', 'H', '--project', 'P');
    expect(r.stderr.trim().split('\n').at(-1)).toMatch(/refused instance 1\.2\.3\.4\.5\.6: HTTP 500/);
    const s = await cli('pacs', 'send', '--file', SEG, '--workspace', ws, '--to', 'H');
    expect([s.code, oneLine(s.stderr)]).toEqual([
      2,
      expect.stringMatching(/refused a store request: HTTP 500/),
    ]);
    expect(state(ws)).toEqual(before);
    const html = await badPacs('html');
    const ws2 = await workspaceWith('H', html.url);
    const st = await cli('pacs', 'send', '--file', SEG, '--workspace', ws2, '--to', 'H');
    expect([st.code, oneLine(st.stderr)]).toEqual([
      2,
      expect.stringMatching(/not a DICOM JSON store response/),
    ]);
  });

  it('a redirect elsewhere, an answer past the size limit', async () => {
    const redirect = await badPacs('redirect');
    const ws = await workspaceWith('H', redirect.url);
    const before = state(ws);
    const r = await cli('pacs', 'find', '--workspace', ws, '--from', 'H');
    expect([r.code, oneLine(r.stderr)]).toEqual([
      2,
      expect.stringMatching(/cannot be reached for a study search: it redirects elsewhere, which is refused/),
    ]);
    const endless = await badPacs('endless-json');
    const ws2 = await workspaceWith('H', endless.url);
    const e = await cli('pacs', 'find', '--workspace', ws2, '--from', 'H', '--timeout', '60');
    expect([e.code, oneLine(e.stderr)]).toEqual([
      2,
      expect.stringMatching(/answered a study search with more than 67108864 bytes: refused$/),
    ]);
    expect(state(ws)).toEqual(before);
  });

  it('refuses a bad URL, name or time limit when adding a server', async () => {
    const ws = path.join(tempDir(), 'ws');
    for (const [opts, msg] of [
      [['--name', 'H', '--url', 'ftp://x'], /starts with http/],
      [['--name', 'H', '--url', 'http://u:p@x/dicom-web'], /no user name or password/],
      [['--name', '', '--url', 'http://x'], /needs a value|PACS name/],
      [['--name', 'H', '--url', 'http://x', '--timeout', '0'], /--timeout takes seconds/],
    ] as const) {
      const r = await cli('pacs', 'add', '--workspace', ws, ...opts);
      expect([r.code, oneLine(r.stderr)]).toEqual([2, expect.stringMatching(msg)]);
    }
  });
});
