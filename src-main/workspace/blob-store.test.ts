import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../test-support/tmp';
import { BlobStore, sha256Hex } from './blob-store';

describe('BlobStore', () => {
  it('stores bytes under their sha256 and reads them back verified', async () => {
    const dir = tempDir();
    const store = new BlobStore(path.join(dir, 'blobs'), path.join(dir, 'tmp'));
    const bytes = new Uint8Array([1, 2, 3, 4, 5]);
    const r = await store.put(bytes);
    expect(r).toEqual({ sha256: sha256Hex(bytes), byteLength: 5, existed: false });
    expect(fs.existsSync(store.pathOf(r.sha256))).toBe(true);
    expect([...(await store.read(r.sha256))]).toEqual([1, 2, 3, 4, 5]);
    expect((await store.put(bytes)).existed).toBe(true);
    expect(fs.readdirSync(path.join(dir, 'tmp'))).toEqual([]);
  });

  it('stages streamed blobs in tmp/ and places them only when committed, or drops them', async () => {
    const dir = tempDir();
    const store = new BlobStore(path.join(dir, 'blobs'), path.join(dir, 'tmp'));
    const a = new Uint8Array(3 * 2 ** 20).map((_, i) => (i * 7) & 0xff);
    const b = new Uint8Array([9, 8, 7]);
    const sa = await store.stage();
    for (let at = 0; at < a.length; at += 2 ** 20) await sa.write(Buffer.from(a.subarray(at, at + 2 ** 20)));
    expect(await sa.end()).toEqual({ sha256: sha256Hex(a), bytes: a.length });
    const sb = await store.stage();
    await sb.write(Buffer.from(b));
    await sb.end();
    const dropped = await store.stage();
    await dropped.write(Buffer.from([1]));
    // Until committed, nothing is under blobs/: only temp files.
    expect(store.has(sha256Hex(a))).toBe(false);
    expect(fs.readdirSync(path.join(dir, 'tmp'))).toHaveLength(3);
    await dropped.discard();
    const fractions: number[] = [];
    await store.commitStaged([sa, sb], (f) => fractions.push(f));
    expect(fractions.at(-1)).toBe(1);
    expect((await store.read(sha256Hex(a))).equals(a)).toBe(true);
    expect([...(await store.read(sha256Hex(b)))]).toEqual([9, 8, 7]);
    expect(fs.readdirSync(path.join(dir, 'tmp'))).toEqual([]);
    await expect(sb.write(Buffer.from([1]))).rejects.toThrow(/ended/);
    // Bytes stored meanwhile: the stored file is kept (made young for blob collection), the copy dropped.
    const old = new Date(Date.now() - 86_400_000);
    fs.utimesSync(store.pathOf(sha256Hex(b)), old, old);
    const again = await store.stage();
    await again.write(Buffer.from(b));
    await again.end();
    await store.commitStaged([again]);
    expect(fs.statSync(store.pathOf(sha256Hex(b))).mtimeMs).toBeGreaterThan(old.getTime() + 1000);
    expect(fs.readdirSync(path.join(dir, 'tmp'))).toEqual([]);
  });

  it('notices a blob damaged on disk', async () => {
    const dir = tempDir();
    const store = new BlobStore(path.join(dir, 'blobs'), path.join(dir, 'tmp'));
    const r = await store.put(new Uint8Array(100).fill(7));
    fs.writeFileSync(store.pathOf(r.sha256), new Uint8Array(100).fill(8));
    await expect(store.read(r.sha256)).rejects.toThrow(/damaged/);
  });

  it('refuses a write larger than the free disk space, writing nothing', async () => {
    const dir = tempDir();
    const store = new BlobStore(path.join(dir, 'blobs'), path.join(dir, 'tmp'));
    await expect(store.assertSpace(2 ** 60)).rejects.toThrow(/not enough disk space/);
  });

  it('rejects names that are not sha256', () => {
    const dir = tempDir();
    const store = new BlobStore(path.join(dir, 'blobs'), path.join(dir, 'tmp'));
    expect(() => store.pathOf('../../etc/passwd')).toThrow(/not a sha256/);
  });
});
