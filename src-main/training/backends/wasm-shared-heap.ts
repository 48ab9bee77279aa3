// tfjs's wasm backend on a shared heap, so that Concord's convolution threads (kernels/conv-gemm-pool.ts)
// read and write its tensors where they lie instead of copying each operand into their own memory and
// each result back (a fifth of a training step's main-thread time on two threads).
//
// tfjs-backend-wasm's single-threaded build defines its own, unshared memory; its threaded build, whose
// memory is shared, does not run under Node. So when the backend starts, its binary is rewritten in
// memory: the memory it defines becomes an import of a shared memory of the same limits, made here
// (the code, the data and every other section are kept byte for byte; non-atomic loads and stores are
// valid on a shared memory). Nothing is written to disk. Should the rewrite not apply (an unexpected
// binary) or the rewritten module fail to instantiate, the backend starts as shipped and the kernels
// copy as before.
import type { HostHeap } from '../kernels/conv-gemm-pool';

/** The import the rewritten binary names its memory by. */
const IMPORT_MODULE = 'concord';
const IMPORT_FIELD = 'memory';
const SECTION_IMPORT = 2;
const SECTION_MEMORY = 5;
const KIND_MEMORY = 2;
const WASM_PAGES_MAX = 65536;

function readLeb(b: Uint8Array, at: number): [value: number, next: number] {
  let v = 0;
  let shift = 0;
  for (let i = at; i < b.length; i++) {
    const x = b[i]!;
    v += (x & 0x7f) * 2 ** shift;
    shift += 7;
    if (x < 0x80) return [v, i + 1];
  }
  throw new Error('truncated LEB128');
}

function leb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n = Math.floor(n / 128);
    if (n) byte |= 0x80;
    out.push(byte);
  } while (n);
  return out;
}

const utf8 = (s: string): number[] => [...Buffer.from(s, 'utf8')];

/** The binary with its one defined, unshared memory turned into an import (`concord`.`memory`) of a
 *  shared memory with the same initial size (pages); the maximum becomes 4 GiB where none was given
 *  (a shared memory needs one). Null when the binary does not have exactly that shape. */
export function importSharedMemory(
  binary: Uint8Array,
): { binary: Uint8Array<ArrayBuffer>; initial: number; maximum: number } | null {
  if (binary.length < 8 || binary[0] !== 0 || binary[1] !== 0x61 || binary[2] !== 0x73 || binary[3] !== 0x6d)
    return null;
  const sections: { id: number; body: Uint8Array }[] = [];
  for (let i = 8; i < binary.length;) {
    const id = binary[i]!;
    const [size, start] = readLeb(binary, i + 1);
    if (start + size > binary.length) return null;
    sections.push({ id, body: binary.subarray(start, start + size) });
    i = start + size;
  }
  const memories = sections.filter((s) => s.id === SECTION_MEMORY);
  if (memories.length !== 1) return null;
  const mem = memories[0]!.body;
  const [count, at] = readLeb(mem, 0);
  const flags = mem[at];
  if (count !== 1 || (flags !== 0 && flags !== 1)) return null; // one memory, not shared, 32-bit
  const [initial, next] = readLeb(mem, at + 1);
  const maximum = flags === 1 ? readLeb(mem, next)[0] : WASM_PAGES_MAX;
  const entry = [
    ...leb(IMPORT_MODULE.length),
    ...utf8(IMPORT_MODULE),
    ...leb(IMPORT_FIELD.length),
    ...utf8(IMPORT_FIELD),
    KIND_MEMORY,
    0x03, // limits: maximum present, shared
    ...leb(initial),
    ...leb(maximum),
  ];
  const out: Uint8Array[] = [binary.subarray(0, 8)];
  const emit = (id: number, body: Uint8Array): void => {
    out.push(Uint8Array.from([id, ...leb(body.length)]), body);
  };
  let imported = false;
  for (const s of sections) {
    if (s.id === SECTION_MEMORY) continue;
    // Sections come in id order (custom ones, id 0, anywhere): the import section goes before the
    // first section with a larger id, made from scratch if the binary has none.
    if (!imported && s.id !== 0 && s.id >= SECTION_IMPORT) {
      imported = true;
      if (s.id === SECTION_IMPORT) {
        const [n, first] = readLeb(s.body, 0);
        emit(SECTION_IMPORT, Uint8Array.from([...leb(n + 1), ...s.body.subarray(first), ...entry]));
        continue;
      }
      emit(SECTION_IMPORT, Uint8Array.from([...leb(1), ...entry]));
    }
    emit(s.id, s.body);
  }
  const total = out.reduce((a, p) => a + p.length, 0);
  const result = new Uint8Array(total);
  let o = 0;
  for (const p of out) {
    result.set(p, o);
    o += p.length;
  }
  return { binary: result, initial, maximum };
}

type Instantiate = typeof WebAssembly.instantiate;

/** Runs `start` (the backend's start-up) with WebAssembly.instantiate rewriting the first module that
 *  defines an unshared memory, as above, and giving it a shared one. Returns that memory, or null when
 *  no module was rewritten or the rewritten one did not instantiate (the original was then used). */
export async function withSharedHeap(start: () => Promise<void>): Promise<WebAssembly.Memory | null> {
  const original: Instantiate = WebAssembly.instantiate;
  let memory: WebAssembly.Memory | null = null;
  let done = false;
  const patched = ((source: unknown, imports?: WebAssembly.Imports) => {
    const bytes =
      source instanceof Uint8Array ? source : source instanceof ArrayBuffer ? new Uint8Array(source) : null;
    const rewritten = !done && bytes ? importSharedMemory(bytes) : null;
    if (!rewritten) return (original as (...a: unknown[]) => unknown).call(WebAssembly, source, imports);
    done = true;
    const shared = new WebAssembly.Memory({
      initial: rewritten.initial,
      maximum: rewritten.maximum,
      shared: true,
    });
    const withMemory = { ...imports, [IMPORT_MODULE]: { [IMPORT_FIELD]: shared } };
    return original(rewritten.binary, withMemory).then(
      (r) => {
        memory = shared;
        return r;
      },
      () => original(bytes as BufferSource, imports),
    );
  }) as Instantiate;
  WebAssembly.instantiate = patched;
  try {
    await start();
  } finally {
    WebAssembly.instantiate = original;
  }
  return memory;
}

/** The started backend's module, as much of it as the host heap needs. */
interface WasmModuleLike {
  HEAPU8: Uint8Array;
  _malloc(bytes: number): number;
  _free(ptr: number): void;
}

/** The backend's heap as a HostHeap for the convolution pool, when it runs on `memory`. */
export function hostHeap(backend: unknown, memory: WebAssembly.Memory | null): HostHeap | null {
  const wasm = (backend as { wasm?: WasmModuleLike } | null)?.wasm;
  const heap: ArrayBufferLike | undefined = wasm?.HEAPU8.buffer;
  if (!memory || !wasm || heap !== memory.buffer) return null;
  return { memory, malloc: (n) => wasm._malloc(n), free: (p) => wasm._free(p) };
}
