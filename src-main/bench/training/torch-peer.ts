// The PyTorch peer of `concord bench train`: resources/bench/torch_unet.py (a copy of the project's
// ../shared/bench/torch_unet.py) trains the same reference U-Net on random images with PyTorch and prints
// images/s. Run in the same invocation as Concord's measurement, since shared machines are noisy.
// When python3 or torch is missing, the peer is reported absent with the reason, never invented.
// On the CPU the peer is given a thread count (`--threads`, torch.set_num_threads): Concord's convolution
// pool's, so both sides of a comparison use the same cores (PyTorch's own default differs between builds:
// Debian's starts with one thread here). OpenMP is told the same count (OMP_NUM_THREADS, MKL_NUM_THREADS):
// without it Debian's PyTorch given one thread still kept a second core 40% busy, spinning.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export interface TorchSpec {
  size: number;
  base: number;
  batch: number;
  steps: number;
  /** 'infer': the forward pass alone (eval mode, no gradients); default 'train'. */
  mode?: 'train' | 'infer';
}

export interface TorchFigure {
  backend: string;
  torch: string;
  size: number;
  base: number;
  batch: number;
  steps: number;
  params: number;
  sec_per_step: number;
  img_per_s: number;
  loss: number;
  /** The process's CPU seconds a step, all threads (time.process_time), and images per CPU second. */
  cpu_s_per_step?: number;
  img_per_cpu_s?: number;
  /** PyTorch's CPU threads during the run (torch.get_num_threads()). */
  threads?: number;
}

export type TorchPeer =
  | { tool: 'pytorch'; python: string; device: string; threads: number | null; figures: TorchFigure[] }
  | { tool: 'pytorch'; absent: string };

/** torch_unet.py: $CONCORD_TORCH_UNET, <root>/resources/bench/, or <root>/../shared/bench/. */
export function findTorchScript(root: string): string | null {
  const candidates = [
    process.env['CONCORD_TORCH_UNET'],
    path.join(root, 'resources', 'bench', 'torch_unet.py'),
    path.join(root, '..', 'shared', 'bench', 'torch_unet.py'),
  ].filter((p): p is string => !!p);
  return candidates.find((p) => fs.existsSync(p)) ?? null;
}

interface PythonInfo {
  python: string;
  torch: string;
  threads: number;
  cuda: boolean;
}

/** The first python3 that imports torch: $CONCORD_PYTHON, Debian's /usr/bin/python3 (python3-torch),
 *  then python3 on the PATH (a GPU machine's own PyTorch). */
export function findTorchPython(): PythonInfo | { absent: string } {
  const candidates = [process.env['CONCORD_PYTHON'], '/usr/bin/python3', 'python3'].filter(
    (p): p is string => !!p,
  );
  const reasons: string[] = [];
  for (const py of [...new Set(candidates)]) {
    const r = spawnSync(
      py,
      [
        '-c',
        'import json, torch; print(json.dumps([torch.__version__, torch.get_num_threads(), torch.cuda.is_available()]))',
      ],
      { encoding: 'utf8', timeout: 60_000 },
    );
    if (r.error) {
      reasons.push(`${py}: ${r.error.message}`);
      continue;
    }
    if (r.status !== 0) {
      reasons.push(`${py}: ${(r.stderr.trim().split('\n').pop() ?? '').slice(0, 200)}`);
      continue;
    }
    const [torch, threads, cuda] = JSON.parse(r.stdout.trim().split('\n').pop()!) as [
      string,
      number,
      boolean,
    ];
    return { python: py, torch, threads, cuda };
  }
  return { absent: `no python3 with PyTorch (${reasons.join('; ')}); Debian: apt-get install python3-torch` };
}

/** The peer's command line after the python: the script, the device, the CPU threads when given, then
 *  one SPEC (size,base,batch,steps[,infer]) per spec. */
export function torchPeerArgs(
  script: string,
  device: 'cpu' | 'cuda',
  specs: TorchSpec[],
  threads?: number,
): string[] {
  if (threads !== undefined && !(Number.isInteger(threads) && threads >= 1))
    throw new RangeError(`threads must be a whole number >= 1 (got ${threads})`);
  return [
    script,
    '--device',
    device,
    ...(threads !== undefined ? ['--threads', String(threads)] : []),
    ...specs.map((s) => `${s.size},${s.base},${s.batch},${s.steps}${s.mode === 'infer' ? ',infer' : ''}`),
  ];
}

/** The peer's environment: `base` with OpenMP's and MKL's thread counts set to `threads` when given. */
export function torchPeerEnv(base: NodeJS.ProcessEnv, threads?: number): NodeJS.ProcessEnv {
  if (threads === undefined) return base;
  return { ...base, OMP_NUM_THREADS: String(threads), MKL_NUM_THREADS: String(threads) };
}

/** Runs the peer on `device` ('auto': cuda when PyTorch sees a GPU, else cpu) for each spec, on `threads`
 *  CPU threads when given (else PyTorch's default). */
export function runTorchPeer(
  root: string,
  specs: TorchSpec[],
  device: 'cpu' | 'cuda' | 'auto',
  threads?: number,
): TorchPeer {
  const script = findTorchScript(root);
  if (!script)
    return { tool: 'pytorch', absent: 'torch_unet.py not found (resources/bench or ../shared/bench)' };
  const py = findTorchPython();
  if ('absent' in py) return { tool: 'pytorch', absent: py.absent };
  const dev = device === 'auto' ? (py.cuda ? 'cuda' : 'cpu') : device;
  if (dev === 'cuda' && !py.cuda)
    return { tool: 'pytorch', absent: `PyTorch ${py.torch} sees no CUDA device` };
  const r = spawnSync(py.python, torchPeerArgs(script, dev, specs, threads), {
    encoding: 'utf8',
    timeout: 30 * 60_000,
    env: torchPeerEnv(process.env, threads),
  });
  if (r.status !== 0)
    return {
      tool: 'pytorch',
      absent: `torch_unet.py failed: ${(r.stderr.trim().split('\n').pop() ?? '').slice(0, 300)}`,
    };
  const figures = r.stdout
    .trim()
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as TorchFigure);
  return {
    tool: 'pytorch',
    python: py.python,
    device: dev,
    threads: dev === 'cpu' ? (figures[0]?.threads ?? threads ?? py.threads) : null,
    figures,
  };
}
