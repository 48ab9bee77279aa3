// Durability end to end, on the web host: an annotator's burst of commits over the app's socket, the server
// killed with SIGKILL while a commit is in flight (three times), restarted on the same workspace; every
// acknowledged revision must be there with its voxels, and the audit chain intact.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import type { MaskPatch } from '../src-preload/contract';
import { killProcess, ROOT, startWebHost, stopProcess } from './support/hosts';
import { connectSocket } from './support/socket';

const IMAGE = path.join(
  ROOT,
  'resources/test-data/lidc_idri_dicom_4readers/LIDC-IDRI-0001/derived_masks_nifti/image_hu.nii.gz',
);
const DIMS = [512, 512, 16] as const;
const PASSWORD = 'durable password';

/** The n-th stroke: a seeded box (up to 40x40x3 voxels) painted with label 1, or erased every fifth time. */
function stroke(n: number): MaskPatch {
  let seed = n * 7919 + 17;
  const rand = (m: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % m;
  };
  const box: number[] = [];
  for (const [axis, max] of [40, 40, 3].entries()) {
    const size = 1 + rand(max);
    const lo = rand(DIMS[axis]! - size + 1);
    box.push(lo, lo + size);
  }
  const count = (box[1]! - box[0]!) * (box[3]! - box[2]!) * (box[5]! - box[4]!);
  return { box: box as MaskPatch['box'], data: new Uint8Array(count).fill(n % 5 === 4 ? 0 : 1) };
}

function apply(mask: Uint8Array, p: MaskPatch): void {
  const [i0, i1, j0, j1, k0, k1] = p.box;
  let at = 0;
  for (let k = k0; k < k1; k++)
    for (let j = j0; j < j1; j++)
      for (let i = i0; i < i1; i++) mask[i + j * DIMS[0] + k * DIMS[0] * DIMS[1]] = p.data[at++]!;
}

test('a kill -9 during a burst of commits loses nothing that was acknowledged', async () => {
  test.skip(
    (test.info().project.metadata as { host?: string }).host === 'electron',
    'kills the web host process; the Electron host runs the same services (see masks-kill.test.ts)',
  );
  const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'concord-e2e-durability-'));
  const running = new Set<Awaited<ReturnType<typeof startWebHost>>['proc']>();
  try {
    let host = await startWebHost({ workspace });
    running.add(host.proc);
    let client = await connectSocket(host.url);
    // The first profile (an admin) is created signed out; importing needs it signed in.
    const admin = await client.ok('annotator:create', {
      name: 'Dr Durable',
      role: 'admin',
      password: PASSWORD,
    });
    await client.ok('session:signIn', { annotatorId: admin.id, password: PASSWORD });
    const imported = await client.ok('import:run', {
      jobId: 'durability',
      source: { kind: 'paths', paths: [IMAGE] },
      projectName: 'Durability',
    });
    const volumeId = imported.volumes[0]!.id;
    const { id: annotationId } = await client.ok('annotation:open', { volumeId });

    // Expected voxels after each acknowledged revision.
    const acknowledged = new Map<number, Uint8Array>();
    const mask = new Uint8Array(DIMS[0] * DIMS[1] * DIMS[2]);
    let head: number | null = null;
    let n = 0;
    for (let round = 0; round < 3; round++) {
      for (let s = 0; s < 12; s++, n++) {
        const patch = stroke(n);
        const rev = await client.ok('annotation:commit', {
          annotationId,
          parentRevisionId: head,
          tool: 'brush',
          patch,
        });
        apply(mask, patch);
        acknowledged.set(rev.id, mask.slice());
        head = rev.id;
      }
      // One more commit goes out, and the server dies before (or while) answering it.
      const inFlight = client.call('annotation:commit', {
        annotationId,
        parentRevisionId: head,
        tool: 'brush',
        patch: stroke(n),
      });
      await killProcess(host.proc);
      running.delete(host.proc);
      const lost = await inFlight;
      if (lost.ok) {
        // Acknowledged after all: it must survive like the others.
        apply(mask, stroke(n));
        acknowledged.set(lost.value.id, mask.slice());
      }
      n++;
      client.close();

      host = await startWebHost({ workspace });
      running.add(host.proc);
      client = await connectSocket(host.url);
      await client.ok('session:signIn', { annotatorId: admin.id, password: PASSWORD });
      const history = await client.ok('annotation:history', { annotationId });
      const ids = history.map((h) => h.id);
      for (const id of acknowledged.keys()) expect(ids, `acknowledged revision ${id} lost`).toContain(id);
      // A commit that reached the disk but not the client is kept too: continue from the stored head, on its voxels.
      head = ids.at(-1)!;
      if (!acknowledged.has(head)) {
        apply(mask, stroke(n - 1));
        acknowledged.set(head, mask.slice());
      }
    }

    for (const [revisionId, want] of acknowledged) {
      const got = await client.ok('annotation:mask', { revisionId });
      expect(got.dims).toEqual([...DIMS]);
      expect(Buffer.from(got.data).equals(Buffer.from(want)), `revision ${revisionId} has other voxels`).toBe(
        true,
      );
    }
    expect(await client.ok('audit:verify', undefined)).toMatchObject({ intact: true, firstBadId: null });
    client.close();
  } finally {
    for (const p of running) await stopProcess(p);
    fs.rmSync(workspace, { recursive: true, force: true });
  }
});
