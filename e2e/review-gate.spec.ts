// The review gate and chosen raters in the app (web host; Electron where its binary exists), on one synthetic
// case whose three readers' masks were imported as finished work (Ann, Bob, Cem: submitted). Uma labels and
// submits: her mask is read-only to her; the reviewer returns it with a comment: editable again, the comment
// shown; she submits again. Vic leaves a scratch stroke and does not submit. "Open for review" names Vic and
// asks first; after opening, Vic stays blinded (no other annotation listed, and main refuses him another
// rater's mask when asked directly). The consensus panel's raters are the submitted ones: Vic's stroke is
// unticked and not compared; ticked in, it becomes a fifth row of the comparison (Dice 0); a stored STAPLE
// records its rater set in its provenance.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from './support/fixtures';
import { ROOT } from './support/hosts';
import { createFirstAdmin, signIn, signOut } from './support/profiles';
import { connectSocket } from './support/socket';
import { DIMS, discOf, importSyntheticProject } from './support/syntheticProject';
import { createProfiles, labelAt, openFromWorklist, paintStroke } from './support/team';

const ARTIFACTS = path.join(ROOT, 'e2e/artifacts');
const RITA = { name: 'Rita', password: 'rita password', role: 'reviewer' } as const;
const UMA = { name: 'Uma', password: 'uma password', role: 'annotator' } as const;
const VIC = { name: 'Vic', password: 'vic password', role: 'annotator' } as const;
const READERS = ['Ann', 'Bob', 'Cem'];

test('submit, return with a comment, open for review with a warning; unsubmitted stays blinded; chosen raters', async ({
  concord,
}) => {
  test.setTimeout(300_000);
  const files = fs.mkdtempSync(path.join(os.tmpdir(), 'concord-e2e-gate-'));
  importSyntheticProject(concord.workspace, files, 'Gate', 1, 0);
  const { page, url } = await concord.start();
  await expect.poll(() => page.evaluate(() => window.__concordViewer?.dims ?? null)).toEqual([...DIMS]);
  await createFirstAdmin(page);
  await createProfiles(page, [RITA, UMA, VIC]);
  await signOut(page);
  const { ci, cj } = discOf(0);

  // Uma labels the disc and submits: her mask is read-only to her.
  await signIn(page, UMA);
  await openFromWorklist(page, 'C0', 'Uma');
  await paintStroke(page, [ci - 3, ci + 3, cj, 2]);
  expect(await labelAt(page, [ci, cj, 2])).toBe(1);
  await page.getByTestId('submit-case').click();
  await expect(page.getByTestId('submission')).toHaveAttribute('data-state', 'submitted');
  await expect(page.getByTestId('submission')).toContainText('read-only to you until a reviewer returns it');
  await expect(page.getByTestId('worklist-row-C0-Uma')).toContainText('submitted');
  await expect(page.getByTestId('palette-readonly')).toContainText('Submitted');
  await paintStroke(page, [ci - 3, ci + 3, cj, 3], false);
  expect(await labelAt(page, [ci, cj, 3])).toBe(0);
  await expect(page.getByTestId('history').locator('li')).toHaveCount(1);
  await signOut(page);

  // Vic leaves a scratch stroke far from the disc and does not submit.
  await signIn(page, VIC);
  await openFromWorklist(page, 'C0', 'Vic');
  await paintStroke(page, [2, 5, 28, 5]);
  await signOut(page);

  // The reviewer returns Uma's work with a comment.
  await signIn(page, RITA);
  await expect(page.getByTestId('assignee-C0-Uma')).toHaveAttribute('data-status', 'submitted');
  await expect(page.getByTestId('assignee-C0-Vic')).toHaveAttribute('data-status', 'in-progress');
  await page.getByTestId('return-C0-Uma').click();
  await expect(page.getByTestId('return-submit')).toBeDisabled();
  await page.getByTestId('return-comment').fill('Please add the lower slice too.');
  await page.getByTestId('return-submit').click();
  await expect(page.getByTestId('team-message')).toHaveText('Returned with your comment.');
  await expect(page.getByTestId('assignee-C0-Uma')).toHaveAttribute('data-status', 'returned');
  await signOut(page);

  // Uma sees the comment, can edit again, and submits again.
  await signIn(page, UMA);
  await openFromWorklist(page, 'C0', 'Uma');
  await expect(page.getByTestId('returned-comment')).toHaveText(
    'Returned by Rita: Please add the lower slice too.',
  );
  await expect(page.getByTestId('worklist-returned')).toContainText('Please add the lower slice too.');
  await expect(page.getByTestId('palette-readonly')).toHaveCount(0);
  await paintStroke(page, [ci - 3, ci + 3, cj, 3]);
  expect(await labelAt(page, [ci, cj, 3])).toBe(1);
  await expect(page.getByTestId('history').locator('li')).toHaveCount(2);
  await page.getByTestId('submit-case').click();
  await expect(page.getByTestId('submission')).toHaveAttribute('data-state', 'submitted');
  await signOut(page);

  // Open for review: Vic has not submitted; the reviewer is told and asked; Cancel changes nothing.
  await signIn(page, RITA);
  const review = page.getByTestId('review');
  await review.getByTestId('open-review').click();
  await expect(page.getByTestId('open-review-confirm')).toContainText('Not submitted yet: Vic (in progress)');
  await page.getByTestId('open-review-confirm').getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByTestId('open-review-confirm')).toHaveCount(0);
  await expect(page.getByTestId('review-state')).toHaveAttribute('data-open', 'false');
  await review.getByTestId('open-review').click();
  await page.getByTestId('open-review-anyway').click();
  await expect(page.getByTestId('review-state')).toHaveAttribute('data-open', 'true');
  for (const who of [...READERS, 'Uma', 'Vic'])
    await expect(page.getByTestId(`annotation-${who}`)).toBeVisible();
  await page.screenshot({ path: path.join(ARTIFACTS, 'review-gate-open.png') });

  // Vic, not submitted, stays blinded on the open case, in the app and when asking main directly (over the
  // web host's contract, signed in as Vic: the request the renderer would make for Uma's mask).
  const direct = url ? await connectSocket(url) : null;
  let volumeId = 0;
  if (direct) {
    const people = await direct.ok('annotator:list', undefined);
    const idOf = (name: string) => people.find((p) => p.name === name)!.id;
    const as = async (who: { name: string; password: string }) => {
      await direct.ok('session:signOut', undefined);
      await direct.ok('session:signIn', { annotatorId: idOf(who.name), password: who.password });
    };
    await as(RITA);
    const projectId = (await direct.ok('project:list', undefined))[0]!.id;
    const caseId = (await direct.ok('case:list', { projectId }))[0]!.id;
    volumeId = (await direct.ok('volume:list', { caseId }))[0]!.id;
    const umaHead = (await direct.ok('annotation:list', { volumeId })).find(
      (a) => a.authorName === 'Uma',
    )!.headRevisionId!;
    expect((await direct.call('annotation:mask', { revisionId: umaHead })).ok).toBe(true);
    await as(VIC);
    expect(await direct.call('annotation:mask', { revisionId: umaHead })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    expect((await direct.ok('annotation:list', { volumeId })).map((a) => a.authorName)).toEqual(['Vic']);
    await as(RITA);
  } else {
    test.info().annotations.push({
      type: 'not checked here',
      description: 'the direct requests to main need the web host (Electron has no second client)',
    });
  }
  await signOut(page);
  await signIn(page, VIC);
  await openFromWorklist(page, 'C0', 'Vic');
  await expect(page.getByTestId('annotation-Vic')).toBeVisible();
  for (const who of [...READERS, 'Uma']) await expect(page.getByTestId(`annotation-${who}`)).toHaveCount(0);
  await expect(page.getByTestId('consensus-toggle')).toHaveCount(0);
  await signOut(page);

  // Chosen raters: by default the four submitted annotations; Vic's stroke is unticked and not compared.
  await signIn(page, RITA);
  await page.getByTestId('consensus-toggle').click();
  for (const who of [...READERS, 'Uma']) await expect(page.getByTestId(`rater-${who}`)).toBeChecked();
  await expect(page.getByTestId('rater-Vic')).not.toBeChecked();
  await expect(page.getByTestId('rater-picker')).toContainText('Vic not submitted');
  await page.getByTestId('compare-run').click();
  const matrix = page.getByTestId('matrix');
  await expect(matrix.locator('tbody tr')).toHaveCount(6); // 4 raters, majority vote, STAPLE
  await expect(matrix).not.toContainText('Vic');
  // Ticked in, the stroke is a fifth rater that agrees with nobody.
  await page.getByTestId('rater-Vic').check();
  await page.getByTestId('compare-run').click();
  await expect(matrix.locator('tbody tr')).toHaveCount(7);
  await expect(page.getByTestId('matrix-row-4')).toContainText('Vic');
  await expect(page.getByTestId('cell-0-4')).toHaveAttribute('data-value', '0');
  await page.screenshot({ path: path.join(ARTIFACTS, 'review-gate-raters.png') });
  // Unticked again, a stored STAPLE records the default set of four in its provenance.
  await page.getByTestId('rater-Vic').uncheck();
  await page.getByTestId('merge-method').selectOption('staple');
  await page.getByTestId('merge-run').click();
  await expect(page.getByTestId('merge-result')).toHaveAttribute('data-method', 'staple');
  await expect(page.getByTestId('annotation-STAPLE')).toBeVisible();
  // The stored STAPLE's provenance names the set (read over the contract, where there is a second client).
  if (direct) {
    const staple = (await direct.ok('annotation:list', { volumeId })).find((a) => a.authorName === 'STAPLE')!;
    const [revision] = await direct.ok('annotation:history', { annotationId: staple.id });
    const set = (
      revision!.provenance['parameters'] as { raterSet: { chosen: string; raters: { name: string }[] } }
    ).raterSet;
    expect(set.chosen).toBe('default');
    expect(set.raters.map((r) => r.name).sort()).toEqual([...READERS, 'Uma'].sort());
    direct.close();
  }
  fs.rmSync(files, { recursive: true, force: true });
});
