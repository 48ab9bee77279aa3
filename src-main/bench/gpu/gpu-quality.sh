#!/bin/sh
# The quality run of the training engine on a GPU machine without internet, npm or Node.js: the
# reference U-Net (4 levels, base 16, 128x128) trained on the LIDC-IDRI nodule crops (target: majority
# vote of 4 radiologists, patient-level split) through tfjs WebGPU on Dawn, validation Dice on held-out
# patients after every epoch. Where the working tree copied to the GPU machine is limited to 64 MiB, the
# kit (.gpu-kit, ~30 MB) and the crops (.lidc-pack, ~15 MB) do not both fit beside the tracked files, so it
# runs as two steps on the same machine:
#
#   sh src-main/bench/gpu/gpu-quality.sh setup   (with .gpu-kit)    unpacks Node, Dawn and the bundles into
#                                                                   /tmp/concord-gpu-kit (kept there for
#                                                                   `run`) and checks that webgpu starts on
#                                                                   the GPU
#   sh src-main/bench/gpu/gpu-quality.sh run     (with .lidc-pack)  trains for GPU_QUALITY_BUDGET seconds
#                                                                   (default 330: epochs planned after
#                                                                   epochs 1 and 2), prints a compact JSON
#                                                                   summary, full JSON to $OUT
#
# Make the two folders (at the repository root) first: src-main/bench/gpu/build-gpu-kit.sh (.gpu-kit) and
#   npx concord bench quality --write-pack .lidc-pack        (the crops, checked equal to the loader's vote
#                                                             and agreement: a version-2 pack, which the
#                                                             recipe's --target agreement needs)
# Local rehearsal without a GPU: GPU_CHECK_EXTRA=--allow-software-gpu (SwiftShader), or
# GPU_QUALITY_BACKEND=wasm GPU_QUALITY_BUDGET=60 GPU_QUALITY_EPOCHS=1.
set -u
cd "$(dirname "$0")/../../.."
KIT=.gpu-kit
PACK=.lidc-pack
WORK=/tmp/concord-gpu-kit
OUTDIR="${OUT:-/tmp/gpu-quality}"
mkdir -p "$OUTDIR" "$WORK"
say() { echo "gpu-quality: $*" >&2; }
fail() { printf '{"error": "%s"}\n' "$1"; exit 2; }

unxz_to() { # unxz_to <file.xz> <dest>: xz if present, else Python's lzma
  if command -v xz >/dev/null 2>&1; then xz -dc "$1" > "$2"
  else python3 -c 'import lzma,shutil,sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2],"wb"))' "$1" "$2"; fi
}

setup() {
  [ -d "$KIT" ] || fail ".gpu-kit missing: run src-main/bench/gpu/build-gpu-kit.sh here and copy .gpu-kit with the working tree"
  [ -f "$KIT/bench-quality.mjs.xz" ] || fail ".gpu-kit has no bench-quality bundle: rebuild it with src-main/bench/gpu/build-gpu-kit.sh"
  NODE=""
  if [ -z "${GPU_CHECK_KIT_NODE:-}" ] && command -v node >/dev/null 2>&1 &&
    node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)' 2>/dev/null; then
    NODE=$(command -v node)
  else
    unxz_to "$KIT/node.xz" "$WORK/node" && chmod +x "$WORK/node" && NODE="$WORK/node"
  fi
  unxz_to "$KIT/bench-quality.mjs.xz" "$WORK/bench-quality.mjs" || fail "cannot unpack bench-quality.mjs.xz"
  unxz_to "$KIT/bench-train.mjs.xz" "$WORK/bench-train.mjs" || fail "cannot unpack bench-train.mjs.xz"
  cp "$KIT/tfjs-backend-wasm-simd.wasm" "$WORK/"
  unxz_to "$KIT/dawn.node.xz" "$WORK/dawn.node" || fail "cannot unpack dawn.node.xz"
  # Vulkan: Dawn dlopens libvulkan.so.1; NVIDIA's ICD (libGLX_nvidia) also needs libglvnd's libGLdispatch.
  if ! ldconfig -p 2>/dev/null | grep -q 'libvulkan.so.1' || ! ldconfig -p 2>/dev/null | grep -q 'libGLdispatch.so.0'; then
    say "no Vulkan loader or libglvnd: unpacking the kit's libvulkan1, libglvnd0 and GL/EGL dispatch libraries"
    for f in "$KIT"/debs/*.deb; do dpkg -x "$f" / 2>/dev/null; done
    ldconfig 2>/dev/null
  fi
  VKD="${VK_DRIVER_FILES:-}"
  if [ -z "$VKD${VK_ICD_FILENAMES:-}" ] && [ -f /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json ] &&
    ! ls /usr/share/vulkan/icd.d/nvidia* /etc/vulkan/icd.d/nvidia* >/dev/null 2>&1; then
    VKD=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
  fi
  # What `run` needs, for the next step on this machine.
  {
    echo "NODE='$NODE'"
    echo "export CONCORD_DAWN_NODE='$WORK/dawn.node'"
    echo "export XDG_RUNTIME_DIR='${XDG_RUNTIME_DIR:-$WORK}'"
    [ -n "$VKD" ] && echo "export VK_DRIVER_FILES='$VKD'"
  } > "$WORK/env.sh"
  . "$WORK/env.sh"
  GPU=$(nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>/dev/null | head -1)
  say "node $("$NODE" --version) at $NODE; GPU: ${GPU:-none seen by nvidia-smi}"
  # A few steps of the tiny variant: Dawn finds the GPU and tfjs webgpu trains on it.
  # shellcheck disable=SC2086
  timeout 120 "$NODE" "$WORK/bench-train.mjs" --json --backend "${GPU_QUALITY_BACKEND:-webgpu}" --variants tiny \
    --seconds 2 --no-peer ${GPU_CHECK_EXTRA:-} > "$OUTDIR/setup-probe.json" 2> "$OUTDIR/setup.log"
  rc=$?
  python3 - "$OUTDIR/setup-probe.json" "$rc" "$GPU" "$("$NODE" --version)" <<'PY'
import json, sys
f, rc, gpu, node = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
try:
    d = json.load(open(f)); probe = {'backend': d['backend']['active'], 'device': d['backend']['device'],
        'imagesPerSecond': d['results'][0]['imagesPerSecond'], 'unavailable': d['backend']['unavailable']}
except Exception as e:
    probe = {'error': f'exit {rc}: {e}'}
print(json.dumps({'setup': 'ok' if rc == 0 else 'failed', 'node': node, 'gpu': gpu, 'probe': probe}, separators=(',', ':')))
PY
  [ $rc -eq 0 ] || { say "probe failed (exit $rc), last lines of setup.log:"; tail -5 "$OUTDIR/setup.log" >&2; exit 1; }
}

run() {
  if [ ! -f "$WORK/env.sh" ] || [ ! -f "$WORK/bench-quality.mjs" ]; then
    # A machine without the setup (/tmp/concord-gpu-kit is gone): set up again if the kit came with the tree.
    [ -d "$KIT" ] || fail "no setup on this machine (/tmp/concord-gpu-kit is gone): run 'sh src-main/bench/gpu/gpu-quality.sh setup' with .gpu-kit first"
    setup > "$OUTDIR/setup.json" || exit 1
  fi
  . "$WORK/env.sh"
  [ -f "$PACK/lidc-slices.pack" ] || fail ".lidc-pack/lidc-slices.pack missing: npx concord bench quality --write-pack .lidc-pack, and copy .lidc-pack with the working tree"
  BUDGET="${GPU_QUALITY_BUDGET:-330}"
  # The recipe (see src-main/bench/RESULTS.md, 'Quality recipe'); GPU_QUALITY_ARGS replaces it whole.
  RECIPE="${GPU_QUALITY_ARGS:---batch 16 --lr 0.001 --constant-lr --augment intensity --foreground 0.33 --patch 64 --neighbours 1 --centre-channel --keep-centre 8 --ema 0.99 --tta --target agreement}"
  say "bench quality for ${BUDGET} s: $RECIPE"
  START=$(date +%s)
  # Hard stop 90 s past the budget (the epoch in flight, validation and loading); --out-json is rewritten
  # after every epoch, so a run cut short still leaves its figures.
  # shellcheck disable=SC2086
  timeout $((BUDGET + 90)) "$NODE" "$WORK/bench-quality.mjs" --json --data "$PACK" \
    --backend "${GPU_QUALITY_BACKEND:-webgpu}" --epochs "${GPU_QUALITY_EPOCHS:-60}" --budget-seconds "$BUDGET" \
    --out-json "$OUTDIR/quality.json" $RECIPE ${GPU_CHECK_EXTRA:-} > "$OUTDIR/quality-stdout.json" 2> "$OUTDIR/quality.log"
  rc=$?
  python3 - "$OUTDIR/quality.json" "$rc" "$(($(date +%s) - START))" <<'PY'
import json, sys
f, rc, secs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
try:
    d = json.load(open(f))
except Exception as e:
    print(json.dumps({'error': f'exit {rc}, no results: {e}', 'seconds': secs})); sys.exit(0)
t = d['training']
print(json.dumps({
    'exit': rc, 'partial': d.get('partial'), 'device': d['backend']['device'], 'wallSeconds': secs,
    'recipe': {k: t[k] for k in ('batchSize', 'learningRate', 'augmentation', 'foregroundFraction', 'lossWeights', 'budgetSeconds')},
    'epochs': [[e['epoch'], round(e['loss'], 4), round(e['validationDice'], 4), round(e['seconds'], 1)] for e in d['perEpoch']],
    'epochsKey': 'epoch, loss, validation Dice, seconds',
    'trainingSeconds': round(t['seconds'], 1), 'imagesPerSecond': round(t['imagesPerSecond'], 2),
    'final': round(d['final']['validationDice'], 4), 'best': d['best'], 'passes': d.get('passes'),
    'data': {k: d['data'][k] for k in ('slices', 'trainSlices', 'validationSlices')},
}, separators=(',', ':')))
PY
  [ $rc -eq 0 ] || { say "bench quality exit $rc; last lines of quality.log:"; tail -5 "$OUTDIR/quality.log" >&2; }
  return $rc
}

case "${1:-}" in
  setup) setup ;;
  run) run ;;
  *) echo "usage: sh src-main/bench/gpu/gpu-quality.sh setup|run" >&2; exit 2 ;;
esac
