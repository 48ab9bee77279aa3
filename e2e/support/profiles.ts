// Profiles through the UI. Importing needs a signed-in reviewer or admin, so a spec that imports on a fresh
// workspace first creates the workspace's first profile (an admin, created signed out) and is signed in.
import { expect } from '@playwright/test';
import type { Page } from '@playwright/test';

export const FIRST_ADMIN = { name: 'Dr Admin', password: 'admin password' };

/** Creates the first (admin) profile of a fresh workspace through the sign-in screen; leaves it signed in. */
export async function createFirstAdmin(page: Page, who = FIRST_ADMIN): Promise<void> {
  await page.getByTestId('signin-open').click();
  await page.getByTestId('signin-name').fill(who.name);
  await page.getByTestId('signin-password').fill(who.password);
  await page.getByTestId('signin-confirm').fill(who.password);
  await page.getByTestId('signin-submit').click();
  await expect(page.getByTestId('session-name')).toHaveText(who.name);
}

/** Signs a profile in through the sign-in screen. */
export async function signIn(page: Page, who: { name: string; password: string }): Promise<void> {
  await page.getByTestId('signin-open').click();
  await page.getByTestId(`signin-profile-${who.name}`).check();
  await page.getByTestId('signin-password').fill(who.password);
  await page.getByTestId('signin-submit').click();
  await expect(page.getByTestId('session-name')).toHaveText(who.name);
}

export async function signOut(page: Page): Promise<void> {
  await page.getByTestId('signout').click();
  await expect(page.getByTestId('signin-open')).toBeVisible();
}

/** Waits until the own annotation is open in the viewer (the editable layer exists) and drawn. */
export async function editorReady(page: Page): Promise<void> {
  await expect
    .poll(() => page.evaluate(() => window.__concordViewer?.labelAt(0, 0, 0) ?? null))
    .not.toBeNull();
  await page.evaluate(() => window.__concordViewer!.settled());
}
