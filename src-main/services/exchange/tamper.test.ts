// A bundle that is not exactly what its signer wrote is refused with one line, and nothing is written: one
// byte changed (in a mask, an image, the manifest), a file added, a member removed, a signature by another
// key, a manifest re-signed by another workspace that claims the first one's id.
import { generateKeyPairSync, sign } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import tar from 'tar-stream';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../core/canonical-json';
import type { BundleManifest } from '../../io/bundle/manifest';
import { tempDir } from '../../test-support/tmp';
import { edit, exchangeImage, exchangeWorkspace, workspaceState } from '../test-support/exchange';
import { exportBundle } from './export-bundle';
import { importBundle } from './import-bundle';

interface Entry {
  name: string;
  data: Buffer;
}

async function entriesOf(file: string): Promise<Entry[]> {
  const extract = tar.extract();
  fs.createReadStream(file).pipe(extract);
  const out: Entry[] = [];
  for await (const e of extract) {
    const parts: Buffer[] = [];
    for await (const c of e as AsyncIterable<Buffer>) parts.push(c);
    out.push({ name: e.header.name, data: Buffer.concat(parts) });
  }
  return out;
}

async function pack(file: string, entries: Entry[]): Promise<void> {
  const p = tar.pack();
  const done = new Promise<void>((resolve, reject) => {
    const sink = fs.createWriteStream(file);
    sink.on('finish', resolve);
    sink.on('error', reject);
    p.pipe(sink);
  });
  for (const e of entries) p.entry({ name: e.name, size: e.data.length }, e.data);
  p.finalize();
  await done;
}

describe('tampered bundles', () => {
  it('are refused with one line naming what is wrong, before anything is written', async () => {
    const dir = tempDir();
    const image = await exchangeImage(dir);
    const { ws: a, volumeId } = await exchangeWorkspace(path.join(dir, 'a'), image);
    await edit(a, volumeId!, 'Reader 1', [0, 4, 0, 4, 0, 2]);
    await edit(a, volumeId!, 'Reader 1', [1, 2, 1, 2, 0, 1]);
    const good = path.join(dir, 'good.concord-bundle');
    await exportBundle(a, { kind: 'task', project: 'P', forAnnotator: 'Reader 1' }, good, 'test');
    const entries = await entriesOf(good);
    expect(entries.map((e) => e.name.split('/')[0])).toEqual([
      'manifest.json',
      'manifest.sig',
      'blobs',
      'blobs',
      'blobs',
    ]);
    const manifest = JSON.parse(entries[0]!.data.toString()) as BundleManifest;
    const { ws: b } = await exchangeWorkspace(path.join(dir, 'b'));
    const before = workspaceState(b);

    const cases: [string, Entry[], RegExp][] = [];
    // One byte of each member changed (the image, then the masks).
    for (let i = 2; i < entries.length; i++) {
      const changed = entries.map((e) => ({ ...e, data: Buffer.from(e.data) }));
      changed[i]!.data[Math.floor(changed[i]!.data.length / 2)]! ^= 0x01;
      cases.push([
        `byte of ${entries[i]!.name}`,
        changed,
        /does not match its checksum in the signed manifest/,
      ]);
    }
    // A member longer than the manifest says (its first bytes intact).
    const longer = entries.map((e) => ({ ...e }));
    longer[2] = { ...longer[2]!, data: Buffer.concat([longer[2]!.data, Buffer.alloc(4096, 1)]) };
    cases.push(['member longer', longer, /does not match its checksum in the signed manifest/]);
    // One byte of the manifest changed (a revision's author).
    const edited = entries.map((e) => ({ ...e }));
    edited[0] = {
      name: 'manifest.json',
      data: Buffer.from(entries[0]!.data.toString().replace('Reader 1', 'Reader 7')),
    };
    cases.push(['manifest byte', edited, /signature does not match its manifest/]);
    // A file added, listed nowhere.
    cases.push([
      'file added',
      [...entries, { name: `blobs/${'a'.repeat(64)}`, data: Buffer.from('extra') }],
      /which its signed manifest does not list/,
    ]);
    cases.push([
      'readme added',
      [...entries.slice(0, 2), { name: 'README', data: Buffer.from('hi') }, ...entries.slice(2)],
      /does not list/,
    ]);
    // A member left out.
    cases.push(['member removed', entries.slice(0, -1), /lacks 'blobs\//]);
    // Signed by another key (the manifest unchanged).
    const other = generateKeyPairSync('ed25519');
    cases.push([
      'signature by another key',
      [
        entries[0]!,
        { name: 'manifest.sig', data: sign(null, entries[0]!.data, other.privateKey) },
        ...entries.slice(2),
      ],
      /signature does not match its manifest/,
    ]);
    // Re-signed by another key that it names, while claiming the first workspace's id.
    const forged = Buffer.from(
      canonicalJson({
        ...manifest,
        exporter: {
          ...manifest.exporter,
          publicKeyPem: other.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
        },
      }),
    );
    cases.push([
      'claims another workspace',
      [
        { name: 'manifest.json', data: forged },
        { name: 'manifest.sig', data: sign(null, forged, other.privateKey) },
        ...entries.slice(2),
      ],
      /names a workspace that its key does not belong to/,
    ]);
    // Re-signed by the exporter itself, with its audit trail changed: a row edited, the last row dropped.
    const resigned = (change: (m: BundleManifest) => void): Entry[] => {
      const copy = JSON.parse(entries[0]!.data.toString()) as BundleManifest;
      change(copy);
      const bytes = Buffer.from(canonicalJson(copy));
      return [
        { name: 'manifest.json', data: bytes },
        { name: 'manifest.sig', data: a.key.sign(bytes) },
        ...entries.slice(2),
      ];
    };
    type Audit = { rows: { detail: Record<string, unknown> }[]; complete: boolean };
    cases.push([
      'audit row edited',
      resigned((m) => {
        (m.audit as Audit).rows[0]!.detail['name'] = 'other';
      }),
      /does not match its hash: its content was changed/,
    ]);
    cases.push([
      'audit row dropped',
      resigned((m) => {
        const audit = m.audit as Audit;
        audit.complete = true;
        audit.rows.pop();
      }),
      /does not end at its sealed head/,
    ]);
    // No signature at all.
    cases.push(['unsigned', [entries[0]!, ...entries.slice(2)], /not signed/]);

    for (const [what, bundle, why] of cases) {
      const file = path.join(dir, `${what.replace(/\W+/g, '-')}.concord-bundle`);
      await pack(file, bundle);
      const err = await importBundle(b, file, { actor: 'test', trust: true }).then(
        () => null,
        (e: Error) => e,
      );
      expect(err, what).not.toBeNull();
      expect(err!.message, what).toMatch(why);
      expect(err!.message.includes('\n'), what).toBe(false);
      expect(workspaceState(b), what).toEqual(before);
      // The members it had staged while checking are gone too.
      expect(fs.readdirSync(b.tmpDir), what).toEqual([]);
    }
    // The untouched bundle, repacked the same way, imports.
    const repacked = path.join(dir, 'repacked.concord-bundle');
    await pack(repacked, entries);
    expect(await importBundle(b, repacked, { actor: 'test', trust: true })).toMatchObject({
      revisionsAdded: 2,
    });
    a.close();
    b.close();
  });

  it('refuses a file that is not a bundle, and a truncated one', async () => {
    const dir = tempDir();
    const image = await exchangeImage(dir);
    const { ws: a } = await exchangeWorkspace(path.join(dir, 'a'), image);
    const good = path.join(dir, 'good.concord-bundle');
    await expect(
      exportBundle(a, { kind: 'task', project: 'P', forAnnotator: 'Nobody' }, good, 'test'),
    ).rejects.toThrow(/no profile named 'Nobody'/);
    expect(fs.existsSync(good)).toBe(false);
    await exportBundle(a, { kind: 'review', project: 'P', images: true }, good, 'test');
    const { ws: b } = await exchangeWorkspace(path.join(dir, 'b'));
    const before = workspaceState(b);
    const truncated = path.join(dir, 't.concord-bundle');
    const bytes = fs.readFileSync(good);
    fs.writeFileSync(truncated, bytes.subarray(0, bytes.length - 2048));
    await expect(importBundle(b, truncated, { actor: 'test', trust: true })).rejects.toThrow(
      /t\.concord-bundle: /,
    );
    fs.writeFileSync(truncated, 'hello');
    await expect(importBundle(b, truncated, { actor: 'test', trust: true })).rejects.toThrow(/bundle/);
    await expect(
      importBundle(b, path.join(dir, 'missing.concord-bundle'), { actor: 'test' }),
    ).rejects.toThrow(/cannot be read/);
    expect(workspaceState(b)).toEqual(before);
    expect(fs.readdirSync(b.tmpDir)).toEqual([]);
    a.close();
    b.close();
  });
});
