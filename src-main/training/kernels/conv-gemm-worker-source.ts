// The source of a conv-gemm worker thread, run with `new Worker(source, { eval: true })` so that the
// bundled CLI, the Electron build and vitest need no separate worker file on disk.
//
// Protocol over the control array `ctrl` (Int32Array on a SharedArrayBuffer; indices in conv-gemm-pool.ts):
// the main thread writes a job, sets PENDING to the number of workers, bumps GEN and notifies. Each worker
// wakes, takes chunk indices from NEXT with Atomics.add until none are left (the main thread takes chunks
// from the same counter), then decrements PENDING; the last one notifies the main thread. No worker ever
// touches the event loop between jobs, so a job costs two futex round trips, not a message. Both sides wait
// with a timeout (WAIT_MS) and look again, so a lost wake-up delays a job instead of stopping the run.
export const CONV_GEMM_WORKER_SOURCE = `
'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const { module, memory, ctrlBuffer, stackTop, layout } = workerData;
const L = layout;
const ctrl = new Int32Array(ctrlBuffer);
const instance = new WebAssembly.Instance(module, { env: { memory } });
const ex = instance.exports;
ex.__stack_pointer.value = stackTop;
function runChunks() {
  const op = ctrl[L.OP], params = ctrl[L.PARAMS], rows = ctrl[L.ROWS], chunks = ctrl[L.CHUNKS];
  for (;;) {
    const i = Atomics.add(ctrl, L.NEXT, 1);
    if (i >= chunks) return;
    const r0 = Math.floor((i * rows) / chunks), r1 = Math.floor(((i + 1) * rows) / chunks);
    const partial = ctrl[L.DW_BASE] + i * ctrl[L.DW_STRIDE];
    if (op === L.OP_FWD) ex.conv_fwd(params, r0, r1);
    else if (op === L.OP_DW) ex.conv_dw(params, r0, r1, partial);
    else if (op === L.OP_PAD) ex.pad_rows(params, r0, r1);
    else if (op === L.OP_COPY) ex.copy_rows(params, r0, r1);
    else if (op === L.OP_RELU) ex.relu_grad_rows(params, r0, r1, partial);
    else if (op === L.OP_POOL_GRAD) ex.max_pool_grad_rows(params, r0, r1);
    else if (op === L.OP_SUM) ex.sum_rows(params, r0, r1, partial);
    else if (op === L.OP_WINO) ex.wino_fwd(params, r0, r1, partial);
    else if (op === L.OP_WINO_DW) ex.wino_dw(params, r0, r1, partial);
    else if (op === L.OP_WINO_FILTER) ex.wino_filter(params, r0, r1);
    else if (op === L.OP_ADAM) ex.adam_update(params, r0, r1);
  }
}
parentPort.postMessage('ready');
let gen = 0;
for (;;) {
  // Timed: a notify that never arrives (seen once as a trainer stuck for minutes, both threads waiting)
  // costs at most one period instead of the run; the generation counter says whether there is a new job.
  Atomics.wait(ctrl, L.GEN, gen, L.WAIT_MS);
  const next = Atomics.load(ctrl, L.GEN);
  if (next === gen) continue;
  gen = next;
  if (ctrl[L.OP] === L.OP_QUIT) break;
  try {
    runChunks();
  } catch (e) {
    Atomics.store(ctrl, L.ERROR, 1);
  }
  if (Atomics.sub(ctrl, L.PENDING, 1) === 1) Atomics.notify(ctrl, L.PENDING);
}
`;
