// Measurements travel in bundles: a task carries its annotator's own only (blinding), a result brings back
// what they drew and deleted on their laptop, a review carries every one (under pseudonyms when
// de-identified); each is matched by its content's global id, so a second import changes nothing, and a
// deletion stays a deletion.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { verifyAudit } from '../../db/audit';
import { tempDir } from '../../test-support/tmp';
import { listVisible, deleteMeasurement, restoreMeasurement } from '../measure/measurements';
import {
  exchangeImage,
  exchangeWorkspace,
  measureAs,
  measurementsView,
  profileNamed,
  volumeIdOf,
  workspaceState,
} from '../test-support/exchange';
import { exportBundle } from './export-bundle';
import { importBundle } from './import-bundle';

const auditOf = (ws: Awaited<ReturnType<typeof exchangeWorkspace>>['ws'], action: string) =>
  (
    ws.db
      .prepare('SELECT actor, detail_json AS d FROM audit_log WHERE action = ? ORDER BY id')
      .all(action) as {
      actor: string;
      d: string;
    }[]
  ).map((r) => ({ actor: r.actor, ...(JSON.parse(r.d) as Record<string, unknown>) }));

describe('measurements in bundles', () => {
  it('a task carries its annotator’s own; the result brings back new ones and deletions, once', async () => {
    const dir = tempDir();
    const image = await exchangeImage(dir);
    const { ws: hub } = await exchangeWorkspace(path.join(dir, 'hub'), image);
    measureAs(hub, 'Reader 1', 3);
    const other = measureAs(hub, 'Reader 2', 5);
    const task = path.join(dir, 'task.concord-bundle');
    await exportBundle(hub, { kind: 'task', project: 'P', forAnnotator: 'Reader 1' }, task, 'Lead');

    const { ws: laptop } = await exchangeWorkspace(path.join(dir, 'laptop'));
    expect(await importBundle(laptop, task, { actor: 'test', trust: true })).toMatchObject({
      measurementsAdded: 1,
      measurementsDeleted: 0,
    });
    expect(measurementsView(laptop).map((m) => [m['annotator'], m['name']])).toEqual([
      ['Reader 1', 'Ruler 1'],
    ]);
    // Blinding: Reader 2's ruler (their size estimate) is neither a row nor an audit row on the laptop.
    expect(laptop.db.prepare("SELECT count(*) FROM audit_log WHERE actor = 'Reader 2'").pluck().get()).toBe(
      0,
    );
    expect(
      laptop.db
        .prepare('SELECT count(*) FROM audit_log WHERE detail_json LIKE ?')
        .pluck()
        .get(`%"measurementId":${other.id},%"lengthMm"%`),
    ).toBe(0);

    // On the laptop Reader 1 deletes the ruler they were sent and draws another ("Ruler 2": deleted ones
    // keep their number); meanwhile on the hub they drew a different "Ruler 2".
    const r1 = profileNamed(laptop, 'Reader 1');
    deleteMeasurement(laptop.db, r1, measurementsIdByName(laptop, 'Ruler 1'));
    const drawn = measureAs(laptop, 'Reader 1', 4);
    expect(drawn.name).toBe('Ruler 2');
    measureAs(hub, 'Reader 1', 7);
    const result = path.join(dir, 'result.concord-bundle');
    await exportBundle(
      laptop,
      { kind: 'result', project: 'P', forAnnotator: 'Reader 1' },
      result,
      'Reader 1',
    );

    expect(await importBundle(hub, result, { actor: 'Lead', trust: true })).toMatchObject({
      changed: true,
      measurementsAdded: 1,
      measurementsDeleted: 1,
    });
    const lead = profileNamed(hub, 'Lead', 'reviewer');
    const seen = listVisible(hub.db, lead, volumeIdOf(hub)).map((m) => [m.annotatorName, m.name, m.lengthMm]);
    expect(seen).toEqual([
      ['Reader 2', 'Ruler 1', other.lengthMm],
      ['Reader 1', 'Ruler 2', expect.any(Number)],
      ['Reader 1', 'Ruler 2 (2)', drawn.lengthMm],
    ]);
    expect(
      measurementsView(hub).find((m) => m['name'] === 'Ruler 1' && m['annotator'] === 'Reader 1'),
    ).toMatchObject({
      deletedBy: 'Reader 1',
      deletedAt: expect.any(String),
    });
    // Lead's rows (the laptop's own, for the task it took, came with the result's audit trail).
    expect(auditOf(hub, 'measurement.import').filter((r) => r.actor === 'Lead')).toEqual([
      expect.objectContaining({ actor: 'Lead', annotator: 'Reader 1', name: 'Ruler 2 (2)', deleted: false }),
    ]);
    expect(auditOf(hub, 'measurement.delete').filter((r) => r.actor === 'Lead')).toEqual([
      expect.objectContaining({ actor: 'Lead', name: 'Ruler 1', deletedBy: 'Reader 1' }),
    ]);

    // Again: nothing changes. Nor does the task sent before the deletion bring the ruler back.
    const before = workspaceState(hub);
    expect(await importBundle(hub, result, { actor: 'Lead' })).toMatchObject({ changed: false });
    expect(workspaceState(hub)).toEqual(before);
    const laptopBefore = workspaceState(laptop);
    expect(await importBundle(laptop, task, { actor: 'test' })).toMatchObject({
      measurementsAdded: 0,
      measurementsDeleted: 0,
    });
    expect(workspaceState(laptop)).toEqual(laptopBefore);
    for (const ws of [hub, laptop]) expect(verifyAudit(ws.db).intact).toBe(true);
    hub.close();
    laptop.close();
  });

  it('a bundle that carries a deletion does not undo the author’s later restore', async () => {
    const dir = tempDir();
    const image = await exchangeImage(dir);
    const { ws: hub } = await exchangeWorkspace(path.join(dir, 'hub'), image);
    const ruler = measureAs(hub, 'Reader 1', 3);
    const reader = profileNamed(hub, 'Reader 1');
    deleteMeasurement(hub.db, reader, ruler.id);
    const review = path.join(dir, 'review.concord-bundle');
    await exportBundle(hub, { kind: 'review', project: 'P' }, review, 'Lead');
    // The reader takes the deletion back (undo) after the bundle left.
    restoreMeasurement(hub.db, reader, ruler.id);
    expect(await importBundle(hub, review, { actor: 'Lead', trust: true })).toMatchObject({
      measurementsDeleted: 0,
    });
    expect(measurementsView(hub).find((m) => m['name'] === 'Ruler 1')).toMatchObject({ deletedAt: null });
    hub.close();
  });

  it('a review carries every measurement, deleted ones marked; de-identified, under pseudonyms', async () => {
    const dir = tempDir();
    const image = await exchangeImage(dir);
    const { ws: hub } = await exchangeWorkspace(path.join(dir, 'hub'), image);
    measureAs(hub, 'Reader 1', 3);
    const gone = measureAs(hub, 'Reader 2', 5);
    deleteMeasurement(hub.db, profileNamed(hub, 'Reader 2'), gone.id);

    const review = path.join(dir, 'review.concord-bundle');
    await exportBundle(hub, { kind: 'review', project: 'P', images: true }, review, 'Lead');
    const { ws: copy } = await exchangeWorkspace(path.join(dir, 'copy'));
    expect(await importBundle(copy, review, { actor: 'test', trust: true })).toMatchObject({
      measurementsAdded: 2,
    });
    expect(measurementsView(copy)).toEqual(measurementsView(hub));

    const deid = path.join(dir, 'deid.concord-bundle');
    await exportBundle(hub, { kind: 'review', project: 'P', images: true, deidentify: true }, deid, 'Lead');
    const { ws: away } = await exchangeWorkspace(path.join(dir, 'away'));
    expect(await importBundle(away, deid, { actor: 'test', trust: true })).toMatchObject({
      measurementsAdded: 2,
    });
    const carried = measurementsView(away);
    expect(carried.map((m) => m['annotator'])).toEqual([
      expect.stringMatching(/^Annotator [0-9a-f]+$/),
      expect.stringMatching(/^Annotator [0-9a-f]+$/),
    ]);
    // Deleted by its author, named by the same pseudonym.
    expect(carried[1]).toMatchObject({ deletedBy: carried[1]!['annotator'], deletedAt: expect.any(String) });
    expect(JSON.stringify(carried)).not.toContain('Reader');
    const strip = (m: Record<string, unknown>) => ({ ...m, annotator: null, deletedBy: null });
    expect(carried.map(strip)).toEqual(measurementsView(hub).map(strip));
    expect(await importBundle(away, deid, { actor: 'test' })).toMatchObject({ changed: false });
    hub.close();
    copy.close();
    away.close();
  });
});

function measurementsIdByName(ws: Awaited<ReturnType<typeof exchangeWorkspace>>['ws'], name: string): number {
  return ws.db.prepare('SELECT id FROM measurements WHERE name = ?').pluck().get(name) as number;
}
