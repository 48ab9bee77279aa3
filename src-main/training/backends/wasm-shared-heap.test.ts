// The rewrite that gives tfjs's wasm backend a shared heap, on small modules assembled here (a memory with
// a data segment and a function that reads it), and on the backend's own binary as installed.
import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from 'vitest';
import { tfjsWasmDir } from './wasm-backend';
import { importSharedMemory, withSharedHeap } from './wasm-shared-heap';

const section = (id: number, body: number[]): number[] => [id, body.length, ...body];
const name = (s: string): number[] => [s.length, ...Buffer.from(s)];
const HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

/** A module whose function `load` returns the i32 at byte 16 of its memory, 42 from a data segment.
 *  memoryFlags 1: limits 1..16 pages; 0: at least 1 page. withImport: it also imports a function. */
function module(
  o: { memoryFlags?: 0 | 1; withImport?: boolean; memory?: boolean } = {},
): Uint8Array<ArrayBuffer> {
  const { memoryFlags = 1, withImport = false, memory = true } = o;
  const fn = withImport ? 1 : 0; // the defined function's index
  const bytes = [
    ...HEADER,
    ...section(1, [1, 0x60, 0, 1, 0x7f]), // type 0: () -> i32
    ...(withImport ? section(2, [1, ...name('env'), ...name('f'), 0x00, 0]) : []),
    ...section(3, [1, 0]),
    ...(memory ? section(5, memoryFlags ? [1, 1, 1, 16] : [1, 0, 1]) : []),
    ...section(7, [2, ...name('load'), 0x00, fn, ...name('memory'), 0x02, 0]),
    ...section(10, [1, 7, 0, 0x41, 16, 0x28, 2, 0, 0x0b]), // i32.const 16; i32.load; end
    ...section(11, [1, 0, 0x41, 16, 0x0b, 4, 42, 0, 0, 0]), // data at 16: 42
  ];
  return Uint8Array.from(bytes);
}

function instantiateShared(bin: Uint8Array, extra: WebAssembly.Imports = {}) {
  const r = importSharedMemory(bin)!;
  const memory = new WebAssembly.Memory({ initial: r.initial, maximum: r.maximum, shared: true });
  const inst = new WebAssembly.Instance(new WebAssembly.Module(r.binary), {
    ...extra,
    concord: { memory },
  });
  return { r, memory, exports: inst.exports as { load(): number; memory: WebAssembly.Memory } };
}

test('a defined memory becomes an import of a shared memory; code and data are kept', () => {
  const original = new WebAssembly.Instance(new WebAssembly.Module(module())).exports as { load(): number };
  expect(original.load()).toBe(42);
  const { r, memory, exports } = instantiateShared(module());
  expect([r.initial, r.maximum]).toEqual([1, 16]);
  expect(WebAssembly.Module.imports(new WebAssembly.Module(r.binary))).toEqual([
    { module: 'concord', name: 'memory', kind: 'memory' },
  ]);
  expect(exports.load()).toBe(42);
  expect(exports.memory).toBe(memory);
  expect(memory.buffer).toBeInstanceOf(SharedArrayBuffer);
  expect(new Int32Array(memory.buffer)[4]).toBe(42); // the data segment landed in the shared memory
});

test('the memory import follows the imports already there; no maximum becomes 4 GiB', () => {
  const bin = module({ withImport: true, memoryFlags: 0 });
  const { r, exports } = instantiateShared(bin, { env: { f: () => 7 } });
  expect(r.maximum).toBe(65536);
  expect(WebAssembly.Module.imports(new WebAssembly.Module(r.binary)).map((i) => i.name)).toEqual([
    'f',
    'memory',
  ]);
  expect(exports.load()).toBe(42);
});

test('anything else is left alone: no memory, truncated, not wasm', () => {
  expect(importSharedMemory(module({ memory: false }))).toBeNull();
  expect(importSharedMemory(module().subarray(0, 30))).toBeNull();
  expect(importSharedMemory(Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9]))).toBeNull();
  // A memory that is already shared (limits flag 3) is not rewritten again.
  const shared = importSharedMemory(module())!.binary;
  expect(importSharedMemory(shared)).toBeNull();
});

test("tfjs's installed wasm binary rewrites and compiles", () => {
  const dir = tfjsWasmDir();
  expect(dir).not.toBeNull();
  const r = importSharedMemory(fs.readFileSync(path.join(dir!, 'tfjs-backend-wasm-simd.wasm')));
  expect(r).not.toBeNull();
  const imports = WebAssembly.Module.imports(new WebAssembly.Module(r!.binary));
  expect(imports.filter((i) => i.kind === 'memory')).toEqual([
    { module: 'concord', name: 'memory', kind: 'memory' },
  ]);
});

test('withSharedHeap gives the first such module a shared memory, then restores instantiate', async () => {
  const before = WebAssembly.instantiate;
  let load: (() => number) | null = null;
  const memory = await withSharedHeap(async () => {
    const first = await WebAssembly.instantiate(module());
    load = (first.instance.exports as { load(): number }).load;
    const second = await WebAssembly.instantiate(module());
    const m = (second.instance.exports as { memory: WebAssembly.Memory }).memory;
    expect(m.buffer).not.toBeInstanceOf(SharedArrayBuffer); // only the first is rewritten
  });
  expect(WebAssembly.instantiate).toBe(before);
  expect(memory?.buffer).toBeInstanceOf(SharedArrayBuffer);
  expect(load!()).toBe(42);
  // A start-up that fails still restores it, and nothing is shared.
  await expect(
    withSharedHeap(async () => {
      throw new Error('no start');
    }),
  ).rejects.toThrow('no start');
  expect(WebAssembly.instantiate).toBe(before);
});
