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
