// A labelling team through the UI: the signed-in admin creates profiles; an annotator opens a case from their
// worklist and paints a brush stroke on the axial view (saved as a revision).
import { expect } from '@playwright/test';
import type { Page } from '@playwright/test';
import type { Role } from '../../src-preload/contract';
import { editorReady } from './profiles';

export interface Person {
  name: string;
  password: string;
}

/** Creates profiles from the signed-in admin's Profiles dialog. */
export async function createProfiles(
  page: Page,
  people: readonly (Person & { role: Role })[],
): Promise<void> {
  await page.getByTestId('profiles-button').click();
  for (const who of people) {
    await page.getByTestId('profile-name').fill(who.name);
    await page.getByTestId('profile-role').selectOption(who.role);
    await page.getByTestId('profile-password').fill(who.password);
    await page.getByTestId('profile-create').click();
    await expect(page.getByTestId('profiles-message')).toHaveText(`Created ${who.name} (${who.role}).`);
  }
  await page.getByRole('button', { name: 'Close' }).click();
}

/** Opens a case from the signed-in profile's worklist row and waits for the own annotation to be ready. */
export async function openFromWorklist(page: Page, caseName: string, who: string): Promise<void> {
  await page.getByTestId(`worklist-row-${caseName}-${who}`).getByRole('button', { name: caseName }).click();
  await expect(page.getByTestId(`worklist-row-${caseName}-${who}`)).toHaveClass(/open/);
  await editorReady(page);
}

/**
 * A brush stroke on the axial view along i from (i0, j, k) to (i1, j, k) with the active label; returns when
 * the window says it is saved (or, when `expectSaved` is false, when the stroke is drawn).
 */
export async function paintStroke(
  page: Page,
  [i0, i1, j, k]: readonly [number, number, number, number],
  expectSaved = true,
): Promise<void> {
  await page.evaluate((c) => window.__concordViewer!.setCursor([c[0]!, c[1]!, c[2]!]), [i0, j, k]);
  await page.evaluate(() => window.__concordViewer!.settled());
  await page.keyboard.press('d');
  const from = await page.evaluate(
    (c) => window.__concordViewer!.clientPointFor('axial', c[0]!, c[1]!, c[2]!),
    [i0, j, k],
  );
  const to = await page.evaluate(
    (c) => window.__concordViewer!.clientPointFor('axial', c[0]!, c[1]!, c[2]!),
    [i1, j, k],
  );
  expect(from).toMatchObject({ onSlice: true, visible: true });
  await page.mouse.move(from!.x, from!.y);
  await page.mouse.down();
  for (let s = 1; s <= 6; s++) await page.mouse.move(from!.x + ((to!.x - from!.x) * s) / 6, from!.y);
  await page.mouse.up();
  if (!expectSaved) return;
  await expect(page.getByTestId('save-state')).toHaveAttribute('data-status', 'saved');
  await expect(page.getByTestId('save-state')).toHaveAttribute('data-pending', '0');
}

/** The own mask's label at a voxel of the open volume. */
export function labelAt(page: Page, [i, j, k]: readonly [number, number, number]): Promise<number | null> {
  return page.evaluate((c) => window.__concordViewer!.labelAt(c[0]!, c[1]!, c[2]!), [i, j, k]);
}
