#!/usr/bin/env python3
# Copied from the project's ../shared/bench/torch_unet.py, so that `concord bench train` finds its PyTorch
# peer where ../shared is absent (a borrowed GPU machine); two additions: the `infer` flag of a SPEC times
# the forward pass alone (eval mode, no_grad) for `concord bench infer`, and `--threads N` sets PyTorch's
# CPU thread count (torch.set_num_threads) so the peer runs on as many threads as Concord's convolutions
# (a Debian build may start with one thread on a 2-core machine); each JSON line reports the count used,
# and the process's CPU seconds a step (cpu_s_per_step, time.process_time: all its threads), which on a
# machine shared with other work measures the work itself where wall time measures the queue.
"""Peer figure for `concord bench train`: the reference 2D U-Net trained with PyTorch, images per second.

  python3 torch_unet.py [--device cpu|cuda] [--threads N] SPEC...   SPEC = size,base,batch,steps[,bf16][,infer]
  e.g. /usr/bin/python3 torch_unet.py --device cpu 128,16,16,3    (Debian: apt-get install python3-torch)

Network: 4 levels, two 3x3 convolutions + ReLU per level, 2x2 max-pool down, 2x2 transposed conv up,
skip concatenations, 1x1 output, BCE-with-logits loss, Adam 1e-3; ~0.48 M parameters at base 16.
Input: random normal images, target = image > 0. Prints one JSON line per SPEC."""
import json, sys, time, torch, torch.nn as nn

def block(i, o): return nn.Sequential(nn.Conv2d(i, o, 3, padding=1), nn.ReLU(), nn.Conv2d(o, o, 3, padding=1), nn.ReLU())

class UNet(nn.Module):
    def __init__(s, b):
        super().__init__()
        s.e1, s.e2, s.e3, s.bt = block(1, b), block(b, 2 * b), block(2 * b, 4 * b), block(4 * b, 8 * b)
        s.u3, s.u2, s.u1 = nn.ConvTranspose2d(8 * b, 4 * b, 2, 2), nn.ConvTranspose2d(4 * b, 2 * b, 2, 2), nn.ConvTranspose2d(2 * b, b, 2, 2)
        s.d3, s.d2, s.d1 = block(8 * b, 4 * b), block(4 * b, 2 * b), block(2 * b, b)
        s.out, s.p = nn.Conv2d(b, 1, 1), nn.MaxPool2d(2)
    def forward(s, x):
        e1 = s.e1(x); e2 = s.e2(s.p(e1)); e3 = s.e3(s.p(e2)); bt = s.bt(s.p(e3))
        d3 = s.d3(torch.cat([s.u3(bt), e3], 1)); d2 = s.d2(torch.cat([s.u2(d3), e2], 1)); d1 = s.d1(torch.cat([s.u1(d2), e1], 1))
        return s.out(d1)

args = sys.argv[1:]; dev = 'cpu'
while args[:1] in (['--device'], ['--threads']):
    if args[0] == '--device': dev = args[1]
    else: torch.set_num_threads(int(args[1]))
    args = args[2:]
sync = torch.cuda.synchronize if dev == 'cuda' else (lambda: None)
for spec in args:
    f = spec.split(','); size, base, batch, steps = map(int, f[:4]); bf16 = 'bf16' in f[4:]; infer = 'infer' in f[4:]
    m = UNet(base).to(dev); opt = torch.optim.Adam(m.parameters(), 1e-3); lf = nn.BCEWithLogitsLoss()
    x = torch.randn(batch, 1, size, size, device=dev); y = (x > 0).float()
    def step():
        opt.zero_grad(set_to_none=True)
        with torch.autocast(dev, dtype=torch.bfloat16, enabled=bf16):
            loss = lf(m(x), y)
        loss.backward(); opt.step(); return loss
    if infer:
        m.eval()
        def step():
            with torch.no_grad(), torch.autocast(dev, dtype=torch.bfloat16, enabled=bf16):
                return m(x).float().mean()
    for _ in range(2): step()
    sync(); t = time.perf_counter(); c = time.process_time()
    for _ in range(steps): loss = step()
    sync(); dt = time.perf_counter() - t; dc = time.process_time() - c
    print(json.dumps(dict(backend=f'torch-{dev}' + ('-bf16' if bf16 else '-fp32'), mode='infer' if infer else 'train', torch=torch.__version__, threads=torch.get_num_threads(), size=size, base=base, batch=batch,
                          steps=steps, params=sum(p.numel() for p in m.parameters()), sec_per_step=round(dt / steps, 5),
                          img_per_s=round(batch * steps / dt, 2), cpu_s_per_step=round(dc / steps, 5),
                          img_per_cpu_s=round(batch * steps / dc, 2), loss=round(loss.item(), 4))))
