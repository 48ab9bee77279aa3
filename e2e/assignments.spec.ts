// Assignments in the app (web host; Electron where its binary exists), on a small project of six unlabelled
// cases (imported with `concord import --manifest`): a reviewer's Team panel gives one case to one annotator,
// a selection of cases to another, then every case to 2 of the 3 annotators, balanced (4 cases each). An
// annotator's worklist then holds their assigned cases only; after they paint on one, the reviewer's Team
// panel shows that case with each assignee's status.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from '@playwright/test';
import { expect, test } from './support/fixtures';
import { ROOT } from './support/hosts';
import { createFirstAdmin, signIn, signOut } from './support/profiles';
import { DIMS, discOf, importSyntheticProject } from './support/syntheticProject';
import { createProfiles, labelAt, openFromWorklist, paintStroke } from './support/team';

const ARTIFACTS = path.join(ROOT, 'e2e/artifacts');
const RITA = { name: 'Rita', password: 'rita password', role: 'reviewer' } as const;
const ANN = { name: 'Ann', password: 'ann password', role: 'annotator' } as const;
const BOB = { name: 'Bob', password: 'bob password', role: 'annotator' } as const;
const CY = { name: 'Cy', password: 'cy password', role: 'annotator' } as const;
const CASES = ['C0', 'C1', 'C2', 'C3', 'C4', 'C5'];

/** Who the Team panel lists on each case, with their status, as "name:status". */
async function teamView(page: Page): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const c of CASES) {
    out[c] = await page
      .getByTestId(`team-case-${c}`)
      .locator(`[data-testid^="assignee-${c}-"]`)
      .evaluateAll((els) =>
        els.map((e) => `${e.getAttribute('data-testid')!.split('-').pop()}:${e.getAttribute('data-status')}`),
      );
  }
  return out;
}

async function tick(page: Page, ids: string[], on: boolean): Promise<void> {
  for (const id of ids) await page.getByTestId(id).setChecked(on);
}

test('assign one case, a selection, and each case to k of n annotators balanced; worklists and the team view follow', async ({
  concord,
}) => {
  test.setTimeout(240_000);
  const files = fs.mkdtempSync(path.join(os.tmpdir(), 'concord-e2e-assign-'));
  importSyntheticProject(concord.workspace, files, 'Team', 0, CASES.length);
  const { page } = await concord.start();
  await expect.poll(() => page.evaluate(() => window.__concordViewer?.dims ?? null)).toEqual([...DIMS]);
  await createFirstAdmin(page);
  await createProfiles(page, [RITA, ANN, BOB, CY]);
  await signOut(page);
  await signIn(page, RITA);

  const team = page.getByTestId('team');
  await expect(team.locator('[data-testid^="team-case-"]')).toHaveCount(CASES.length);
  for (const c of CASES) await expect(page.getByTestId(`team-case-${c}`)).toContainText('nobody');

  // One by one: case C0 to Ann.
  await tick(page, ['assign-who-Ann', 'assign-case-C0'], true);
  await expect(page.getByTestId('assign')).toHaveText('Assign 1 ticked case(s)');
  await page.getByTestId('assign').click();
  await expect(page.getByTestId('team-message')).toHaveText('1 assignment(s) added; cases each: Ann 1.');
  await expect(page.getByTestId('assignee-C0-Ann')).toHaveAttribute('data-status', 'not-started');

  // A selection: C1 and C2 to Bob.
  await tick(page, ['assign-who-Ann', 'assign-case-C0'], false);
  await tick(page, ['assign-who-Bob', 'assign-case-C1', 'assign-case-C2'], true);
  await page.getByTestId('assign').click();
  await expect(page.getByTestId('team-message')).toHaveText('2 assignment(s) added; cases each: Bob 2.');
  // The team view refreshes after the message: polled, not read once.
  await expect
    .poll(() => teamView(page))
    .toEqual({
      C0: ['Ann:not-started'],
      C1: ['Bob:not-started'],
      C2: ['Bob:not-started'],
      C3: [],
      C4: [],
      C5: [],
    });

  // Each case to 2 of the 3, balanced: the 9 missing places go least-loaded first, 4 cases each in the end.
  await tick(page, ['assign-case-C1', 'assign-case-C2'], false);
  await tick(page, ['assign-who-Ann', 'assign-who-Cy'], true);
  await page.getByTestId('assign-per-case').fill('2');
  await expect(page.getByTestId('assign')).toHaveText('Assign all cases');
  await page.getByTestId('assign').click();
  await expect(page.getByTestId('team-message')).toHaveText(
    '9 assignment(s) added; cases each: Ann 4, Bob 4, Cy 4.',
  );
  await expect
    .poll(async () => Object.values(await teamView(page)).map((v) => v.length))
    .toEqual(CASES.map(() => 2));
  const view = await teamView(page);
  const casesOf = (who: string) => CASES.filter((c) => view[c]!.includes(`${who}:not-started`));
  expect(casesOf('Ann')).toHaveLength(4);
  expect(casesOf('Bob')).toHaveLength(4);
  expect(casesOf('Cy')).toHaveLength(4);
  expect(casesOf('Ann')).toContain('C0');
  expect(casesOf('Bob')).toEqual(expect.arrayContaining(['C1', 'C2']));
  await page.screenshot({ path: path.join(ARTIFACTS, 'assignments-team.png') });
  await signOut(page);

  // Ann's worklist: her four cases, nobody else's; she paints on her first case.
  await signIn(page, ANN);
  const worklist = page.getByTestId('worklist');
  await expect(worklist.locator('tbody tr')).toHaveCount(4);
  for (const c of casesOf('Ann')) await expect(page.getByTestId(`worklist-row-${c}-Ann`)).toBeVisible();
  for (const c of CASES.filter((x) => !casesOf('Ann').includes(x)))
    await expect(worklist).not.toContainText(c);
  await expect(page.getByTestId('team')).toHaveCount(0);
  const first = casesOf('Ann')[0]!;
  await openFromWorklist(page, first, 'Ann');
  const { ci, cj } = discOf(Number(first.slice(1)));
  await paintStroke(page, [ci - 2, ci + 2, cj, 2]);
  expect(await labelAt(page, [ci, cj, 2])).toBe(1);
  await expect(page.getByTestId(`worklist-row-${first}-Ann`)).toHaveAttribute('data-status', 'in-progress');
  await signOut(page);

  // Cy's worklist: his four cases.
  await signIn(page, CY);
  await expect(worklist.locator('tbody tr')).toHaveCount(4);
  for (const c of casesOf('Cy')) await expect(page.getByTestId(`worklist-row-${c}-Cy`)).toBeVisible();
  await signOut(page);

  // The reviewer: per case, each assignee with their status.
  await signIn(page, RITA);
  const other = view[first]!.map((x) => x.split(':')[0]!).find((n) => n !== 'Ann')!;
  await expect(page.getByTestId(`assignee-${first}-Ann`)).toHaveAttribute('data-status', 'in-progress');
  await expect(page.getByTestId(`assignee-${first}-Ann`)).toContainText('Ann: in progress');
  await expect(page.getByTestId(`assignee-${first}-${other}`)).toHaveAttribute('data-status', 'not-started');
  // The reviewer's worklist holds the assignees of each case (12 rows), not every profile on every case.
  await expect(worklist.locator('tbody tr')).toHaveCount(12);
  await page.screenshot({ path: path.join(ARTIFACTS, 'assignments-status.png') });
  fs.rmSync(files, { recursive: true, force: true });
});
