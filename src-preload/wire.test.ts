import { describe, expect, it } from 'vitest';
import { decodeWire, encodeWire, WireError } from './wire';

describe('wire codec', () => {
  it('sends plain messages as JSON text', () => {
    const m = { type: 'invoke', id: 1, channel: 'app:info', req: { a: [1, 2] } };
    const enc = encodeWire(m);
    expect(typeof enc).toBe('string');
    expect(decodeWire(enc)).toEqual(m);
  });

  it('carries typed arrays at any depth as aligned binary parts', () => {
    const patch = new Uint8Array([0, 1, 2, 255, 7]);
    const f = new Float64Array([1.5, -2, NaN]);
    const m = {
      id: 7,
      req: { patch: { box: [0, 0, 0, 5, 1, 1], data: patch }, extra: [f, new Int16Array([-3])] },
    };
    const enc = encodeWire(m);
    expect(enc).toBeInstanceOf(Uint8Array);
    const dec = decodeWire(enc) as typeof m;
    expect([...dec.req.patch.data]).toEqual([0, 1, 2, 255, 7]);
    expect(dec.req.patch.data).toBeInstanceOf(Uint8Array);
    expect(dec.req.extra[0]).toBeInstanceOf(Float64Array);
    expect([...(dec.req.extra[0] as Float64Array)]).toEqual([1.5, -2, NaN]);
    expect([...(dec.req.extra[1] as unknown as Int16Array)]).toEqual([-3]);
    expect(dec.req.patch.box).toEqual([0, 0, 0, 5, 1, 1]);
  });

  it('decodes from a frame that is not 8-aligned in its buffer', () => {
    const enc = encodeWire({ d: new Float32Array([1, 2, 3]) }) as Uint8Array;
    const shifted = new Uint8Array(enc.byteLength + 3);
    shifted.set(enc, 3);
    const dec = decodeWire(shifted.subarray(3)) as { d: Float32Array };
    expect([...dec.d]).toEqual([1, 2, 3]);
  });

  it('refuses truncated or forged frames', () => {
    const enc = encodeWire({ d: new Uint8Array(100) }) as Uint8Array;
    expect(() => decodeWire(enc.subarray(0, 60))).toThrow(WireError);
    expect(() => decodeWire(new Uint8Array([1, 0]))).toThrow(WireError);
    const forged = new TextEncoder().encode('{"x":{"$bin":0,"type":"Function","length":1}}');
    const frame = new Uint8Array(8 + forged.length);
    new DataView(frame.buffer).setUint32(0, forged.length, true);
    frame.set(forged, 4);
    expect(() => decodeWire(frame)).toThrow(WireError);
  });
});
