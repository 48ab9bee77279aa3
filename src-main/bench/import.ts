// `concord bench import [--json] [--runs N] [--keep]`: imports a 512x512x300 int16 .nii.gz and reports
// wall time and peak memory, beside nibabel loading the same file in the same run (Debian python3-nibabel;
// the peer is reported as absent, with the reason, when python3 or nibabel is missing).
// Each measurement runs in a fresh child process, so peak RSS (VmHWM) belongs to that run alone.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { InputError } from '../core/errors';
import { identity4 } from '../core/geometry/affine';
import type { ImageVolume } from '../core/volume/types';
import { writeNifti } from '../io/nifti/write';
import { readNifti } from '../io/nifti/read';
import { importVolumes } from '../services/workspace/import-volumes';
import { openWorkspace } from '../workspace/workspace';
import { positiveInt, optionString, type ParsedArgs } from '../host/cli/args';
import { printJson } from '../host/cli/output';
import { ctPhantom } from './phantom';

const DIMS: [number, number, number] = [512, 512, 300];

function peakRssBytes(): number {
  const status = fs.readFileSync('/proc/self/status', 'utf8');
  const m = /VmHWM:\s+(\d+) kB/.exec(status);
  return m ? Number(m[1]) * 1024 : process.memoryUsage().rss;
}

/** Child-process side: `bench child <read|import> <file> <workspace>` prints one JSON line. */
export async function benchChild(argv: string[]): Promise<number> {
  const [mode, file, wsDir] = argv;
  if (!file || (mode !== 'read' && mode !== 'import'))
    throw new InputError(undefined, 'bench-child <read|import> <file> [ws]');
  const baseline = process.memoryUsage().rss;
  const t0 = performance.now();
  if (mode === 'read') {
    const v = await readNifti(file);
    if (v.data.length !== DIMS[0] * DIMS[1] * DIMS[2]) throw new Error('wrong voxel count');
  } else {
    const ws = openWorkspace(wsDir!);
    await importVolumes(
      ws,
      { jobId: 'bench', source: { kind: 'paths', paths: [file] } },
      'bench',
      () => undefined,
    );
    ws.close();
  }
  const seconds = (performance.now() - t0) / 1000;
  process.stdout.write(
    JSON.stringify({ seconds, peakRssBytes: peakRssBytes(), baselineRssBytes: baseline }) + '\n',
  );
  return 0;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

interface ChildResult {
  seconds: number;
  peakRssBytes: number;
  baselineRssBytes: number;
}

function runChild(args: string[]): ChildResult {
  // The script this process runs (out/main/cli.js or bin/concord.mjs): both accept `bench child`.
  const cli = process.argv[1]!;
  const out = execFileSync(process.execPath, [cli, 'bench', 'child', ...args], { encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop()!) as ChildResult;
}

const NIBABEL_SCRIPT = `
import json, sys, time, resource
t0 = time.perf_counter()
import numpy as np, nibabel as nib
t1 = time.perf_counter()
img = nib.load(sys.argv[1])
a = np.asanyarray(img.dataobj)
assert a.shape == (512, 512, 300), a.shape
t2 = time.perf_counter()
print(json.dumps({"seconds": t2 - t1, "importSeconds": t1 - t0,
  "peakRssBytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
  "nibabel": nib.__version__}))
`;

function runNibabel(
  file: string,
): { seconds: number; peakRssBytes: number; nibabel: string } | { absent: string } {
  const python = fs.existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
  const r = spawnSync(python, ['-c', NIBABEL_SCRIPT, file], { encoding: 'utf8' });
  if (r.error) return { absent: `python3 not found (${r.error.message})` };
  if (r.status !== 0) return { absent: `nibabel not available: ${r.stderr.trim().split('\n').pop() ?? ''}` };
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as {
    seconds: number;
    peakRssBytes: number;
    nibabel: string;
  };
}

/** `bench import`, with the options the CLI's `bench` dispatcher has parsed (--runs, --json, --keep). */
export async function runBenchImport(args: ParsedArgs): Promise<number> {
  const runs = positiveInt(optionString(args, 'runs') ?? '3', '--runs');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'concord-bench-'));
  try {
    const file = path.join(dir, 'ct512x512x300.nii.gz');
    const affine = identity4();
    affine[0] = -0.7;
    affine[5] = -0.7;
    affine[10] = 1.25;
    const volume: ImageVolume = {
      geometry: { dims: DIMS, affineLPS: affine },
      scalarType: 'int16',
      data: ctPhantom(DIMS),
      frames: 1,
      rescale: { slope: 1, intercept: -1024 },
      source: { format: 'nifti', files: [], description: 'bench' },
    };
    await writeNifti(file, volume);
    const voxelBytes = volume.data.byteLength;
    const read: ChildResult[] = [];
    const imp: ChildResult[] = [];
    const peer: { seconds: number; peakRssBytes: number; nibabel: string }[] = [];
    let peerAbsent: string | null = null;
    for (let r = 0; r < runs; r++) {
      read.push(runChild(['read', file]));
      imp.push(runChild(['import', file, path.join(dir, `ws${r}`)]));
      const nb = runNibabel(file);
      if ('absent' in nb) peerAbsent = nb.absent;
      else peer.push(nb);
    }
    const result = {
      benchmark: 'import',
      file: { dims: DIMS, dtype: 'int16', gzBytes: fs.statSync(file).size, voxelBytes },
      runs,
      concord: {
        readSeconds: median(read.map((x) => x.seconds)),
        importSeconds: median(imp.map((x) => x.seconds)),
        readPeakRssOverBaselineBytes: median(read.map((x) => x.peakRssBytes - x.baselineRssBytes)),
        readPeakOverVoxelBytes: median(read.map((x) => (x.peakRssBytes - x.baselineRssBytes) / voxelBytes)),
        importPeakRssOverBaselineBytes: median(imp.map((x) => x.peakRssBytes - x.baselineRssBytes)),
        importPeakOverVoxelBytes: median(imp.map((x) => (x.peakRssBytes - x.baselineRssBytes) / voxelBytes)),
      },
      peer:
        peer.length > 0
          ? {
              tool: `nibabel ${peer[0]!.nibabel}`,
              loadSeconds: median(peer.map((x) => x.seconds)),
              peakRssBytes: median(peer.map((x) => x.peakRssBytes)),
            }
          : { tool: 'nibabel', absent: peerAbsent },
      machine: { cpus: os.cpus().length, node: process.version },
    };
    if (args.options.has('json')) printJson(result);
    else process.stdout.write(JSON.stringify(result, null, 2) + '\n');
    return 0;
  } finally {
    if (!args.options.has('keep')) fs.rmSync(dir, { recursive: true, force: true });
  }
}
