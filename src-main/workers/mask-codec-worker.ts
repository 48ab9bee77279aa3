// Worker-thread entry of the mask codec pool (built to out/main/mask-codec-worker.js, see
// electron.vite.config.ts): encodes and decodes masks (workspace/mask-codec.ts) and their deltas
// (workspace/mask-codec-delta.ts) off the main loop, one request at a time, answering each with its id.
import { parentPort } from 'node:worker_threads';
import { encodeMaskCounted } from '../workspace/mask-codec';
import { decodeMaskChain, encodeMaskDelta } from '../workspace/mask-codec-delta';
import type { CodecRequest, CodecResponse } from './mask-codec-protocol';

function answer(m: CodecRequest): { response: CodecResponse; transfer: ArrayBuffer[] } {
  // Labels moved here go back with the answer, whatever it is.
  const back = m.op === 'encode' && m.transferred ? m.labels : null;
  const backTransfer = back ? [back.buffer as ArrayBuffer] : [];
  try {
    if (m.op === 'encode') {
      const { bytes, counts } = encodeMaskCounted(m.labels, m.dims);
      return {
        response: { id: m.id, op: 'encode', bytes, counts, labels: back },
        transfer: [bytes.buffer as ArrayBuffer, counts.buffer as ArrayBuffer, ...backTransfer],
      };
    }
    if (m.op === 'encodeDelta') {
      const bytes = encodeMaskDelta({ box: m.box, data: m.data }, m.dims);
      return {
        response: { id: m.id, op: 'encodeDelta', bytes },
        transfer: [bytes.buffer as ArrayBuffer],
      };
    }
    const n = m.dims[0] * m.dims[1] * m.dims[2];
    const labels = new Uint8Array(new SharedArrayBuffer(n));
    decodeMaskChain(m.bytes, m.deltas, m.dims, labels);
    return { response: { id: m.id, op: 'decode', labels }, transfer: [] };
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    return {
      response: { id: m.id, op: 'failed', error: { name: err.name, message: err.message }, labels: back },
      transfer: backTransfer,
    };
  }
}

parentPort?.on('message', (m: CodecRequest) => {
  const { response, transfer } = answer(m);
  parentPort!.postMessage(response, transfer);
});
