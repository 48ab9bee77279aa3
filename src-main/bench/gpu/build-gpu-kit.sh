#!/bin/sh
# Makes .gpu-kit/ (at the repository root), what gpu-check.sh and gpu-quality.sh beside it need on a GPU
# machine that has no npm registry and no node_modules: `concord bench train` and `concord bench quality` as
# self-contained bundles (tfjs inside), tfjs's wasm binary,
# Dawn (dawn.node from the `webgpu` package) and a Node.js binary, both xz-compressed, and the Vulkan
# loader's .deb in case the machine lacks it. About 30 MiB; copied to the GPU machine with the working tree.
set -eu
cd "$(dirname "$0")/../../.."
KIT=.gpu-kit
rm -rf "$KIT"
mkdir -p "$KIT/debs"
bundle() { # bundle <entry.ts> <name>: one self-contained ES module, xz-compressed
  npx esbuild "$1" --bundle --platform=node --format=esm --target=node20 \
    --main-fields=module,main --log-level=warning --outfile="$KIT/$2" \
    --external:webgpu --external:@tensorflow/tfjs-node --external:@tensorflow/tfjs-node-gpu \
    --banner:js="import { createRequire as __cr } from 'node:module'; import { fileURLToPath as __fu } from 'node:url'; import { dirname as __dn } from 'node:path'; const require = __cr(import.meta.url); const __filename = __fu(import.meta.url); const __dirname = __dn(__filename);"
  xz -T0 -9 "$KIT/$2"
}
bundle src-main/bench/training/train-main.ts bench-train.mjs
bundle src-main/bench/quality/quality-main.ts bench-quality.mjs
cp node_modules/@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm "$KIT/"
xz -T0 -6 -c node_modules/webgpu/dist/linux-x64/dawn.node > "$KIT/dawn.node.xz"
xz -T0 -9 -c "$(command -v node)" > "$KIT/node.xz"
node --version > "$KIT/node.version"
(cd "$KIT/debs" && apt-get download libvulkan1 libglvnd0 libglx0 libegl1 libgl1 libopengl0 libgles2 >/dev/null 2>&1) || echo "warning: libvulkan1 .deb not downloaded" >&2
du -sh "$KIT"
ls -la "$KIT" "$KIT/debs"
