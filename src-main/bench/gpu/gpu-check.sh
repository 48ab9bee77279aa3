#!/bin/sh
# The one GPU check of the training engine, for a GPU machine without internet or an npm registry:
# `concord bench train --backend webgpu` (tfjs WebGPU through Dawn/Vulkan) in the fused configuration (the
# default: one-kernel Adam, fused conv + bias + ReLU backward with its chunks summed in place, the loss and
# its gradient in three programs, the loss read every 16 steps) at batch 16 and at batch 32, the previous
# configuration (CONCORD_WEBGPU_FUSED=0, the loss read every step), and the wasm CPU path on the machine's
# cores (the webgpu parts also report their GPU dispatches a step); PyTorch trains the same U-Net in the
# same run (CUDA beside the fused runs, at their batch; CPU beside wasm). Prints one JSON summary on
# stdout; full results go to $OUT (or /tmp/gpu-check): one JSON per part and gpu-check.log.
#
# Needs .gpu-kit/ (build-gpu-kit.sh, copied with the working tree) and runs from the repository root:
#   sh src-main/bench/gpu/gpu-check.sh            (about 4-6 minutes; each part has its own time limit, 7.5 minutes in all)
# GPU_CHECK_EXTRA="--allow-software-gpu" lets it run on a CPU-emulated adapter (local rehearsal only).
set -u
cd "$(dirname "$0")/../../.."
KIT=.gpu-kit
OUTDIR="${OUT:-/tmp/gpu-check}"
WORK=/tmp/concord-gpu-kit
mkdir -p "$OUTDIR" "$WORK"
EXTRA="${GPU_CHECK_EXTRA:-}"
say() { echo "gpu-check: $*" >&2; }

unxz_to() { # unxz_to <file.xz> <dest>: xz if present, else Python's lzma
  if command -v xz >/dev/null 2>&1; then xz -dc "$1" > "$2"
  else python3 -c 'import lzma,shutil,sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2],"wb"))' "$1" "$2"; fi
}

[ -d "$KIT" ] || { echo '{"error": ".gpu-kit missing: run src-main/bench/gpu/build-gpu-kit.sh and copy .gpu-kit with the working tree"}'; exit 2; }

# Node.js: the machine's own if it is 20 or newer, else the kit's.
NODE=""
if [ -z "${GPU_CHECK_KIT_NODE:-}" ] && command -v node >/dev/null 2>&1 &&
  node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)' 2>/dev/null; then
  NODE=$(command -v node)
else
  unxz_to "$KIT/node.xz" "$WORK/node" && chmod +x "$WORK/node" && NODE="$WORK/node"
fi
unxz_to "$KIT/bench-train.mjs.xz" "$WORK/bench-train.mjs"
cp "$KIT/tfjs-backend-wasm-simd.wasm" "$WORK/"
unxz_to "$KIT/dawn.node.xz" "$WORK/dawn.node"
export CONCORD_DAWN_NODE="$WORK/dawn.node"
export CONCORD_TORCH_UNET="$PWD/resources/bench/torch_unet.py"
export CONCORD_PYTHON="${CONCORD_PYTHON:-python3}"

# Vulkan: Dawn dlopens libvulkan.so.1 and needs the NVIDIA driver's ICD.
# The NVIDIA ICD (libGLX_nvidia.so.0) also needs libglvnd's libGLdispatch, or vkCreateInstance finds no driver.
if ! ldconfig -p 2>/dev/null | grep -q 'libvulkan.so.1' || ! ldconfig -p 2>/dev/null | grep -q 'libGLdispatch.so.0'; then
  say "no Vulkan loader or libglvnd: unpacking the kit's libvulkan1, libglvnd0 and GL/EGL dispatch libraries"
  for f in "$KIT"/debs/*.deb; do dpkg -x "$f" / 2>/dev/null; done
  ldconfig 2>/dev/null
fi
if [ -z "${VK_DRIVER_FILES:-}${VK_ICD_FILENAMES:-}" ] && [ -f /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json ] &&
  ! ls /usr/share/vulkan/icd.d/nvidia* /etc/vulkan/icd.d/nvidia* >/dev/null 2>&1; then
  export VK_DRIVER_FILES=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
fi
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-$WORK}"

GPU=$(nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>/dev/null | head -1)
say "node $("$NODE" --version) at $NODE; GPU: ${GPU:-none seen by nvidia-smi}"

run() { # run <name> <seconds> <bench args...>: one bench, JSON to $OUTDIR/<name>.json, stderr to .log
  name=$1; limit=$2; shift 2
  say "$name: bench train $*"
  # shellcheck disable=SC2086
  echo "=== $name: $*" >> "$OUTDIR/gpu-check.log"
  timeout "$limit" "$NODE" "$WORK/bench-train.mjs" --json "$@" $EXTRA > "$OUTDIR/$name.json" 2> "$WORK/$name.err"
  rc=$?
  cat "$WORK/$name.err" >> "$OUTDIR/gpu-check.log"
  [ $rc -eq 0 ] || { say "$name failed (exit $rc): $(tail -3 "$WORK/$name.err" | tr '\n' ' ')"; echo "{\"error\": \"exit $rc\"}" > "$OUTDIR/$name.json"; }
}

START=$(date +%s)
# The fused path at the reference batch (16, as the 2026-11-27 figures and the trainer's default) and at 32.
run webgpu 150 --backend webgpu --variants reference --seconds 8 --loss-every 16 --profile --peer-device cuda --torch-steps 50
run webgpu-b32 120 --backend webgpu --variants reference --batch 32 --seconds 8 --loss-every 16 --peer-device cuda --torch-steps 50
# The previous configuration (45.3 images/s on an H100 on 2026-11-27): tfjs's Adam and unfused conv
# backward, every loss read.
export CONCORD_WEBGPU_FUSED=0
run webgpu-unfused 90 --backend webgpu --variants reference --seconds 6 --profile --no-peer
unset CONCORD_WEBGPU_FUSED
run wasm 90 --backend wasm --variants reference --seconds 8 --peer-device cpu --torch-steps 5

python3 - "$OUTDIR" "$GPU" "$(($(date +%s) - START))" <<'PY'
import json, os, sys
out, gpu, secs = sys.argv[1], sys.argv[2], int(sys.argv[3])
def load(n):
    try: return json.load(open(os.path.join(out, n + '.json')))
    except Exception as e: return {'error': str(e)}
summary = {'gpu': gpu, 'seconds': secs}
for n in ('webgpu', 'webgpu-b32', 'webgpu-unfused', 'wasm'):
    d = load(n)
    if 'results' not in d:
        summary[n] = d; continue
    peer = d.get('peer') or {}
    summary[n] = {
        'backend': d['backend']['active'], 'device': d['backend']['device'],
        'results': [{k: r.get(k) for k in ('name', 'batch', 'params', 'steps', 'secPerStep', 'imagesPerSecond', 'lossEvery', 'gpuCommandsPerStep')} for r in d['results']],
        'torch': [{k: f[k] for k in ('backend', 'params', 'img_per_s')} for f in peer.get('figures', [])] or peer.get('absent'),
        'comparison': d.get('comparison'),
        'profileTop': [p for p in (d['results'][0].get('profile') or [])[:8]],
        'flags': (d['backend']['detail'].get('fastKernels') or {}).get('flags'),
        'unavailable': d['backend']['unavailable'],
    }
def ips(n):
    try: return summary[n]['results'][0]['imagesPerSecond']
    except Exception: return None
if ips('webgpu') and ips('webgpu-unfused'):
    summary['fusedOverUnfused'] = round(ips('webgpu') / ips('webgpu-unfused'), 2)
print(json.dumps(summary, separators=(',', ':')))
PY
