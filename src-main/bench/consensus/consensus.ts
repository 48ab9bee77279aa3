// `concord bench consensus [--json] [--runs N] [--raters R] [--sizes 512x512x300,256x256x160] [--keep]`
// Speed and memory of the consensus core on R synthetic raters (default 5, raters.ts) at
// each size, beside ITK 5.2 in the same run:
//   staple     binary STAPLE of label 1 with its probability map  | ITK STAPLEImageFilter (float output)
//   vote       majority vote over every label                     | ITK LabelVotingImageFilter
//   mstaple    multi-label STAPLE (labels only, no map)           | ITK MultiLabelSTAPLEImageFilter
//   distances  raters 0 and 1, label 1: Hausdorff, HD95, ASSD      | ITK HausdorffDistanceImageFilter, plus
//              BinaryContour + SignedMaurerDistanceMap for the boundary metrics
// Every measurement runs in a fresh process (Concord: `bench consensus-child`; ITK: the C++ program
// resources/bench/itk_consensus.cxx, compiled here with g++ against /usr/include/ITK-*, cached in the temp
// folder), which first reads the raw masks, so its peak RSS (VmHWM) is that operation's alone. Memory is
// reported as (peak RSS - RSS before reading) / input mask bytes: the inputs themselves count, so 1.0 is
// the floor. Timings cover the operation only, not reading. ITK runs with its default thread count.
// When ITK's headers, libraries or g++ are missing, the peer is reported absent with the reason.
import { execFileSync, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { multiLabelStaple } from '../../core/consensus/multi-label-staple';
import { staple } from '../../core/consensus/staple';
import { majorityVote } from '../../core/consensus/vote';
import { InputError } from '../../core/errors';
import type { Vec3 } from '../../core/geometry/affine';
import { gridFromSpacing } from '../../core/metrics/grid';
import { overlapCounts } from '../../core/metrics/overlap-counts';
import { distanceMetrics } from '../../core/metrics/surface-distance';
import { resourcesDir } from '../../host/resources';
import { optionString, parseArgs, positiveInt } from '../../host/cli/args';
import { printJson } from '../../host/cli/output';
import { syntheticRaters } from './raters';

const OPS = ['staple', 'vote', 'mstaple', 'distances'] as const;
type Op = (typeof OPS)[number];

/** CT-like spacing per size: fine in-plane, thicker slices. */
function spacingFor(dims: Vec3): Vec3 {
  return dims[0] >= 512 ? [0.78, 0.78, 1.25] : [1.5, 1.5, 2];
}

function rss(field: 'VmRSS' | 'VmHWM'): number {
  const m = new RegExp(`${field}:\\s+(\\d+) kB`).exec(fs.readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) * 1024 : process.memoryUsage().rss;
}

function readRaw(file: string, n: number): Uint8Array {
  const out = new Uint8Array(n);
  const fd = fs.openSync(file, 'r');
  try {
    let off = 0;
    while (off < n) {
      const got = fs.readSync(fd, out, off, n - off, off);
      if (got <= 0) throw new Error(`${file}: short read`);
      off += got;
    }
  } finally {
    fs.closeSync(fd);
  }
  return out;
}

/** Child side: `bench consensus-child <op> <dims> <spacing> <raw files...>`; prints one JSON line. */
export function benchConsensusChild(argv: string[]): number {
  const [op, dimsText, spacingText, ...files] = argv;
  const dims = dimsText!.split('x').map(Number) as Vec3;
  const spacing = spacingText!.split(',').map(Number) as Vec3;
  const n = dims[0] * dims[1] * dims[2];
  const baseline = rss('VmRSS');
  const masks = files.map((f) => readRaw(f, n));
  const loaded = rss('VmRSS');
  const t0 = performance.now();
  let summary: Record<string, unknown>;
  switch (op as Op) {
    case 'staple': {
      const r = staple(masks, { label: 1 });
      summary = { iterations: r.iterations, foregroundVoxels: r.foregroundVoxels, patterns: r.patterns };
      break;
    }
    case 'vote': {
      const r = majorityVote(masks);
      summary = { foregroundVoxels: r.foregroundVoxels, undecidedVoxels: r.undecidedVoxels };
      break;
    }
    case 'mstaple': {
      const r = multiLabelStaple(masks, { probabilityMap: false });
      summary = { iterations: r.iterations, foregroundVoxels: r.foregroundVoxels, patterns: r.patterns };
      break;
    }
    case 'distances': {
      const grid = gridFromSpacing(dims, spacing);
      const counts = overlapCounts(masks[0]!, masks[1]!, dims, 1);
      const r = distanceMetrics(masks[0]!, masks[1]!, grid, 1, counts, 1);
      summary = { hausdorff: r.hausdorff, hd95: r.hd95, assd: r.assd };
      break;
    }
    default:
      throw new InputError(undefined, `unknown bench op '${op}'`);
  }
  const seconds = (performance.now() - t0) / 1000;
  process.stdout.write(
    JSON.stringify({
      seconds,
      // Linux brings VmHWM up to date only at some events (an munmap, not the madvise that frees a heap's
      // pages), so it can read below a VmRSS read earlier (by 9 pages once): the peak is at least every
      // figure observed.
      peakRssBytes: Math.max(rss('VmHWM'), rss('VmRSS'), loaded),
      baselineRssBytes: baseline,
      loadedRssBytes: loaded,
      ...summary,
    }) + '\n',
  );
  return 0;
}

interface Measured {
  seconds: number;
  peakRssBytes: number;
  baselineRssBytes?: number;
  loadedRssBytes: number;
  /** What the operation found (iterations, voxel counts, distances), to check both tools agree. */
  summary: Record<string, unknown>;
  threads?: number;
}

const MEASURE_KEYS = new Set([
  'seconds',
  'peakRssBytes',
  'baselineRssBytes',
  'loadedRssBytes',
  'threads',
  'itk',
]);

function measured(line: string): Measured {
  const raw = JSON.parse(line) as Record<string, unknown>;
  return {
    seconds: raw['seconds'] as number,
    peakRssBytes: raw['peakRssBytes'] as number,
    baselineRssBytes: raw['baselineRssBytes'] as number | undefined,
    loadedRssBytes: raw['loadedRssBytes'] as number,
    threads: raw['threads'] as number | undefined,
    summary: Object.fromEntries(Object.entries(raw).filter(([k]) => !MEASURE_KEYS.has(k))),
  };
}

function runConcord(op: Op, dims: Vec3, spacing: Vec3, files: string[]): Measured {
  const cli = process.argv[1]!; // out/main/cli.js or bin/concord.mjs
  const out = execFileSync(
    process.execPath,
    [cli, 'bench', 'consensus-child', op, dims.join('x'), spacing.join(','), ...files],
    { encoding: 'utf8', maxBuffer: 1 << 20 },
  );
  return measured(out.trim().split('\n').pop()!);
}

/** Builds the ITK peer (or finds it built), or says why it cannot. */
function itkPeer(): { binary: string; version: string } | { absent: string } {
  const include = fs.existsSync('/usr/include')
    ? fs.readdirSync('/usr/include').find((d) => /^ITK-\d+\.\d+$/.test(d))
    : undefined;
  if (!include)
    return { absent: 'ITK headers not found (/usr/include/ITK-*; apt-get install libinsighttoolkit5-dev)' };
  const version = include.slice(4);
  const libDir = ['/usr/lib', '/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu'].find((d) =>
    fs.existsSync(path.join(d, `libITKCommon-${version}.so`)),
  );
  if (!libDir) return { absent: `ITK ${version} headers found but not libITKCommon-${version}.so` };
  const source = path.join(resourcesDir(), 'bench', 'itk_consensus.cxx');
  if (!fs.existsSync(source)) return { absent: `${source} not found` };
  const hash = crypto
    .createHash('sha256')
    .update(fs.readFileSync(source))
    .update(include)
    .digest('hex')
    .slice(0, 12);
  const binary = path.join(os.tmpdir(), `concord-itk-consensus-${hash}`);
  if (fs.existsSync(binary)) return { binary, version };
  const libs = [
    'ITKIONIFTI',
    'ITKniftiio',
    'ITKznz',
    'ITKIOMeta',
    'ITKMetaIO',
    'ITKIOImageBase',
    'ITKCommon',
    'itksys',
    'itkvnl_algo',
    'itkvnl',
    'itkv3p_netlib',
    'itkdouble-conversion',
  ];
  process.stderr.write(`bench consensus: compiling the ITK ${version} peer (once, about a minute)...\n`);
  const r = spawnSync(
    'g++',
    [
      '-O2',
      '-std=c++17',
      '-w',
      `-I/usr/include/${include}`,
      source,
      '-o',
      `${binary}.tmp`,
      `-L${libDir}`,
      ...libs.map((l) => `-l${l}-${version}`),
      '-lz',
    ],
    { encoding: 'utf8' },
  );
  if (r.error) return { absent: `g++ not available (${r.error.message})` };
  if (r.status !== 0)
    return {
      absent: `compiling the ITK peer failed: ${(r.stderr ?? '').trim().split('\n').slice(-3).join(' | ')}`,
    };
  fs.renameSync(`${binary}.tmp`, binary);
  return { binary, version };
}

function runItk(
  binary: string,
  op: Op,
  dims: Vec3,
  spacing: Vec3,
  files: string[],
): Measured | { failed: string } {
  const r = spawnSync(binary, ['bench', op, ...dims.map(String), ...spacing.map(String), ...files], {
    encoding: 'utf8',
  });
  if (r.status !== 0)
    return { failed: (r.stderr || r.error?.message || `exit ${r.status}`).trim().slice(0, 300) };
  return measured(r.stdout.trim().split('\n').pop()!);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

export async function runBenchConsensus(argv: string[]): Promise<number> {
  const args = parseArgs(argv, { values: ['runs', 'raters', 'sizes'], flags: ['json', 'keep', 'no-peer'] });
  const runs = positiveInt(optionString(args, 'runs') ?? '1', '--runs');
  const raters = positiveInt(optionString(args, 'raters') ?? '5', '--raters');
  if (raters < 2 || raters > 16) throw new InputError(undefined, '--raters must be 2..16');
  const sizes = (optionString(args, 'sizes') ?? '512x512x300,256x256x160').split(',').map((s) => {
    const d = s.split('x').map(Number);
    if (d.length !== 3 || !d.every((x) => Number.isInteger(x) && x > 0))
      throw new InputError(undefined, `bad size '${s}' (want NXxNYxNZ)`);
    return d as Vec3;
  });
  const peer = args.options.has('no-peer') ? { absent: 'skipped (--no-peer)' } : itkPeer();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'concord-bench-consensus-'));
  const log = (s: string) => process.stderr.write(`bench consensus: ${s}\n`);
  try {
    const results = [];
    for (const dims of sizes) {
      const spacing = spacingFor(dims);
      log(`${dims.join('x')}: generating ${raters} raters`);
      const files = syntheticRaters(dims, raters).map((m, r) => {
        const file = path.join(dir, `${dims.join('x')}-rater${r}.raw`);
        fs.writeFileSync(file, m);
        return file;
      });
      const voxels = dims[0] * dims[1] * dims[2];
      const ops: Record<string, unknown> = {};
      for (const op of OPS) {
        const inputs = op === 'distances' ? files.slice(0, 2) : files;
        const inputBytes = voxels * inputs.length;
        const ours: Measured[] = [];
        const theirs: Measured[] = [];
        let itkFailed: string | null = null;
        for (let run = 0; run < runs; run++) {
          log(`${dims.join('x')} ${op}: Concord (run ${run + 1}/${runs})`);
          ours.push(runConcord(op, dims, spacing, inputs));
          if ('binary' in peer) {
            log(`${dims.join('x')} ${op}: ITK (run ${run + 1}/${runs})`);
            const t = runItk(peer.binary, op, dims, spacing, inputs);
            if ('failed' in t) itkFailed = t.failed;
            else theirs.push(t);
          }
        }
        const last = ours[ours.length - 1]!;
        const concord = {
          seconds: median(ours.map((m) => m.seconds)),
          peakOverInput: median(ours.map((m) => (m.peakRssBytes - m.baselineRssBytes!) / inputBytes)),
          workingOverInput: median(ours.map((m) => (m.peakRssBytes - m.loadedRssBytes) / inputBytes)),
          result: last.summary,
        };
        const itkSeconds = theirs.length > 0 ? median(theirs.map((m) => m.seconds)) : null;
        const itk =
          theirs.length > 0
            ? {
                seconds: itkSeconds,
                // ITK's baseline before reading is not measured: its peak above the loaded state, plus the inputs.
                peakOverInput: median(
                  theirs.map((m) => (m.peakRssBytes - m.loadedRssBytes + inputBytes) / inputBytes),
                ),
                workingOverInput: median(theirs.map((m) => (m.peakRssBytes - m.loadedRssBytes) / inputBytes)),
                threads: theirs[0]!.threads ?? null,
                result: theirs[theirs.length - 1]!.summary,
              }
            : { absent: itkFailed ?? ('absent' in peer ? peer.absent : 'not run') };
        ops[op] = {
          inputs: inputs.length,
          inputBytes,
          concord,
          itk,
          speedup: itkSeconds === null ? null : itkSeconds / concord.seconds,
          targets: {
            atLeastTwiceAsFastAsItk: itkSeconds === null ? null : itkSeconds >= 2 * concord.seconds,
            memoryAtMostTwiceInput: concord.peakOverInput <= 2,
          },
        };
      }
      results.push({ dims, spacing, raters, ops });
      if (!args.options.has('keep')) for (const f of files) fs.rmSync(f, { force: true });
    }
    const report = {
      benchmark: 'consensus',
      runs,
      sizes: results,
      peer:
        'binary' in peer
          ? { tool: `ITK ${peer.version}`, program: 'resources/bench/itk_consensus.cxx' }
          : { tool: 'ITK', absent: peer.absent },
      machine: {
        cpus: os.cpus().length,
        cpu: os.cpus()[0]?.model ?? null,
        node: process.version,
        concordThreads: 1,
      },
    };
    if (args.options.has('json')) printJson(report);
    else process.stdout.write(JSON.stringify(report, null, 2) + '\n');
    return 0;
  } finally {
    if (!args.options.has('keep')) fs.rmSync(dir, { recursive: true, force: true });
    else log(`kept ${dir}`);
  }
}
