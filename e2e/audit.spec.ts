// The audit trail's banner in the Activity panel: intact and sealed on a workspace Concord wrote; after the
// last row is removed behind Concord's back (the host stopped, raw SQLite), the next start says the trail is
// broken and why.
import path from 'node:path';
import Database from 'better-sqlite3';
import { expect, test } from './support/fixtures';
import { ROOT } from './support/hosts';

const ARTIFACTS = path.join(ROOT, 'e2e/artifacts');

test('the Activity panel says whether the audit trail is intact, and where it broke', async ({ concord }) => {
  let host = await concord.start({ sample: true });
  await host.page.getByTestId('activity-toggle').click();
  const verdict = host.page.getByTestId('audit-verdict');
  await expect(verdict).toHaveText(/^Audit trail intact \(\d+ rows, sealed\)$/);
  const rows = Number(/\((\d+) rows/.exec((await verdict.textContent()) ?? '')![1]);
  expect(rows).toBeGreaterThan(0);
  await host.stop();

  const raw = new Database(path.join(concord.workspace, 'concord.db'));
  raw.exec('DROP TRIGGER audit_no_delete');
  raw.prepare('DELETE FROM audit_log WHERE id = (SELECT max(id) FROM audit_log)').run();
  raw.close();

  host = await concord.start({ sample: false });
  await host.page.getByTestId('activity-toggle').click();
  await expect(host.page.getByTestId('audit-verdict')).toHaveText(
    `Audit trail broken: the seal counts ${rows} rows but the log holds ${rows - 1}: the last 1 row(s) were removed`,
  );
  await host.page.screenshot({ path: path.join(ARTIFACTS, 'audit-broken.png') });
});
