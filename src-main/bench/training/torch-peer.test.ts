// The PyTorch peer's command line carries Concord's thread count (`--threads n`, which torch_unet.py hands
// to torch.set_num_threads); where a python with torch is installed, the peer reports running on it, with
// its CPU seconds a step.
import { expect, test } from 'vitest';
import path from 'node:path';
import { findTorchPython, runTorchPeer, torchPeerArgs, torchPeerEnv } from './torch-peer';

const ROOT = path.resolve(__dirname, '../../..');

test('the thread count goes on the peer command line, before the specs', () => {
  const specs = [{ size: 512, base: 16, batch: 2, steps: 4, mode: 'infer' as const }];
  expect(torchPeerArgs('t.py', 'cpu', specs, 2)).toEqual([
    't.py',
    '--device',
    'cpu',
    '--threads',
    '2',
    '512,16,2,4,infer',
  ]);
  expect(torchPeerArgs('t.py', 'cuda', [{ size: 128, base: 16, batch: 8, steps: 3 }])).toEqual([
    't.py',
    '--device',
    'cuda',
    '128,16,8,3',
  ]);
  expect(() => torchPeerArgs('t.py', 'cpu', specs, 0)).toThrow(/threads/);
});

test("OpenMP and MKL get the peer's thread count, and nothing else changes", () => {
  const base = { PATH: '/usr/bin', OMP_NUM_THREADS: '8' };
  expect(torchPeerEnv(base, 1)).toEqual({ PATH: '/usr/bin', OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1' });
  expect(torchPeerEnv(base)).toBe(base);
});

const torch = findTorchPython();
test.skipIf('absent' in torch)('the peer runs on the threads it is given', () => {
  const peer = runTorchPeer(ROOT, [{ size: 16, base: 2, batch: 1, steps: 1, mode: 'infer' }], 'cpu', 2);
  if (!('figures' in peer)) throw new Error(peer.absent);
  expect(peer.threads).toBe(2);
  expect(peer.figures[0]).toMatchObject({ size: 16, base: 2, threads: 2 });
  // CPU time beside wall time: the work itself on a machine shared with other work.
  expect(peer.figures[0]!.cpu_s_per_step).toBeGreaterThan(0);
  expect(peer.figures[0]!.img_per_cpu_s).toBeGreaterThan(0);
});
