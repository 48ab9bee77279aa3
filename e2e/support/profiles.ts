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
