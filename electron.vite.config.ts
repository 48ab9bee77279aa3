// Builds the three parts of Concord with one tool:
//  - main: the Electron entry, the CLI (`npx concord`, which also runs the web host) and worker entries,
//    all from src-main (Node, ESM, dependencies left external so native better-sqlite3 loads from node_modules);
//  - preload: the sandboxed bridge (CommonJS, because sandboxed preloads cannot be ES modules);
//  - renderer: the React app, served by Electron or by the web host from out/renderer (and by Vite's dev
//    server under `npm run dev`).
import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import react from '@vitejs/plugin-react';
import { viteAliases } from './scripts/lib/path-aliases.mjs';
import { devCspPlugin } from './src-main/host/electron/dev-csp';

const TFJS_PACKAGES = [
  '@tensorflow/tfjs-core',
  '@tensorflow/tfjs-backend-cpu',
  '@tensorflow/tfjs-backend-wasm',
  '@tensorflow/tfjs-backend-webgpu',
  '@tensorflow/tfjs-layers',
];

export default defineConfig({
  main: {
    resolve: { alias: viteAliases() },
    build: {
      outDir: 'out/main',
      sourcemap: true,
      // TensorFlow.js is bundled, not loaded from node_modules: its ES modules import files without
      // extensions (and its CommonJS builds register no gradients), which Node's loader cannot use.
      externalizeDeps: { exclude: TFJS_PACKAGES },
      rollupOptions: {
        input: {
          index: resolve(__dirname, 'src-main/host/electron/main.ts'),
          cli: resolve(__dirname, 'src-main/host/cli/main.ts'),
          'consensus-worker': resolve(__dirname, 'src-main/workers/consensus-worker.ts'),
          'mask-codec-worker': resolve(__dirname, 'src-main/workers/mask-codec-worker.ts'),
          // The training process (training/process/trainer-main.ts): forked by the web host and the CLI,
          // started as a utilityProcess by the desktop host.
          trainer: resolve(__dirname, 'src-main/training/process/trainer-main.ts'),
        },
        output: { format: 'es', entryFileNames: '[name].js' },
        // A dev dependency loaded only by `concord bench view`; never bundled.
        external: ['playwright-core'],
      },
    },
  },
  preload: {
    resolve: { alias: viteAliases() },
    build: {
      outDir: 'out/preload',
      rollupOptions: {
        input: { index: resolve(__dirname, 'src-preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    resolve: { alias: viteAliases() },
    root: resolve(__dirname, 'src-renderer'),
    // devCspPlugin: under `npm run dev` only, the page's CSP admits React's refresh preamble, the dev
    // server's socket and the voxel fetch to concord-app:// (src-main/host/electron/dev-csp.ts).
    plugins: [react(), devCspPlugin()],
    build: {
      outDir: resolve(__dirname, 'out/renderer'),
      sourcemap: true,
      chunkSizeWarningLimit: 4096,
      rollupOptions: { input: { index: resolve(__dirname, 'src-renderer/index.html') } },
    },
  },
});
