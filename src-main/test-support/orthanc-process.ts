// A real Orthanc PACS for tests (unit and e2e): started on 127.0.0.1 with a free HTTP port, its DICOM
// (DIMSE) server off, storage in a temp folder, the DICOMweb plugin loaded and no authentication; stop()
// sends SIGTERM, then SIGKILL after 5 s, waits for the exit and removes the folder. Debian's `orthanc` and
// `orthanc-dicomweb` (.ci/run installs them). orthanc.ts stops it after a vitest file.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import os from 'node:os';

export const ORTHANC_BIN = '/usr/sbin/Orthanc';
export const DICOMWEB_PLUGIN = '/usr/share/orthanc/plugins/libOrthancDicomWeb.so';
export const HAVE_ORTHANC = fs.existsSync(ORTHANC_BIN) && fs.existsSync(DICOMWEB_PLUGIN);

export interface OrthancServer {
  /** http://127.0.0.1:<port> (Orthanc's REST API). */
  rest: string;
  /** The DICOMweb base URL. */
  dicomweb: string;
  /** Stores DICOM files through the REST API (POST /instances); returns Orthanc's instance ids. */
  upload(files: string[]): Promise<string[]>;
  stop(): Promise<void>;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

async function waitForSystem(rest: string, child: ChildProcess, log: () => string): Promise<void> {
  const until = Date.now() + 30_000;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`Orthanc exited with ${child.exitCode}: ${log()}`);
    try {
      const r = await fetch(`${rest}/system`);
      if (r.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`Orthanc did not answer /system within 30 s: ${log()}`);
}

/** Starts Orthanc; the caller stops it. */
export async function startOrthancProcess(): Promise<OrthancServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'concord-orthanc-'));
  const port = await freePort();
  const config = {
    Name: 'concord-test',
    StorageDirectory: path.join(dir, 'storage'),
    IndexDirectory: path.join(dir, 'storage'),
    HttpPort: port,
    HttpBindAddress: '127.0.0.1',
    RemoteAccessAllowed: false,
    AuthenticationEnabled: false,
    DicomServerEnabled: false,
    Plugins: [DICOMWEB_PLUGIN],
    DicomWeb: { Enable: true, Root: '/dicom-web/' },
    ConcurrentJobs: 1,
    HttpThreadsCount: 4,
  };
  const file = path.join(dir, 'orthanc.json');
  fs.writeFileSync(file, JSON.stringify(config));
  let output = '';
  const child = spawn(ORTHANC_BIN, [file], { stdio: ['ignore', 'pipe', 'pipe'] });
  const keep = (b: Buffer) => (output = (output + b.toString()).slice(-4000));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  const rest = `http://127.0.0.1:${port}`;
  await waitForSystem(rest, child, () => output).catch(async (e: unknown) => {
    await stop();
    throw e;
  });
  return {
    rest,
    dicomweb: `${rest}/dicom-web`,
    async upload(files) {
      const ids: string[] = [];
      for (const f of files) {
        const r = await fetch(`${rest}/instances`, { method: 'POST', body: fs.readFileSync(f) });
        if (!r.ok) throw new Error(`Orthanc refused ${f}: HTTP ${r.status}`);
        ids.push(((await r.json()) as { ID: string }).ID);
      }
      return ids;
    },
    stop,
  };
}
