// Measurements on the sample, through the real UI (web host; Electron where its binary exists): the first
// admin draws a ruler on the axial view of LIDC-IDRI-0001 and reads its length in mm, which matches the
// distance between the two voxel centres it was drawn between (LPS, from the volume's affine) within a
// voxel; after a reload it is still listed and drawn. An ellipse shows its mean and SD in HU; Delete removes
// the selected measurement and Ctrl+Z (tool on) brings it back; a click on a ruler's line or an ellipse's
// outline on the image selects it for Delete; a brush stroke shows its label's volume in mL, which is its
// voxel count times the voxel's volume. Shift+M / Shift+E are in the `?` help.
import path from 'node:path';
import type { Page } from '@playwright/test';
import { expect, test } from './support/fixtures';
import { ROOT } from './support/hosts';
import { createFirstAdmin, editorReady } from './support/profiles';

const ARTIFACTS = path.join(ROOT, 'e2e/artifacts');
type Ijk = [number, number, number];
/** Ruler ends on axial slice k = 8: 60 voxels along i and 40 along j. */
const A: Ijk = [200, 250, 8];
const B: Ijk = [260, 290, 8];

async function drag(page: Page, from: Ijk, to: Ijk): Promise<void> {
  const [a, b] = await page.evaluate(
    ([p, q]) => [
      window.__concordViewer!.clientPointFor('axial', p[0], p[1], p[2]),
      window.__concordViewer!.clientPointFor('axial', q[0], q[1], q[2]),
    ],
    [from, to] as const,
  );
  expect(a).toMatchObject({ onSlice: true, visible: true });
  expect(b).toMatchObject({ onSlice: true, visible: true });
  await page.mouse.move(a!.x, a!.y);
  await page.mouse.down();
  for (let s = 1; s <= 8; s++)
    await page.mouse.move(a!.x + ((b!.x - a!.x) * s) / 8, a!.y + ((b!.y - a!.y) * s) / 8);
  await page.mouse.up();
}

/** A click on the axial view at a voxel centre (a mouse press and release there). */
async function click(page: Page, at: Ijk): Promise<void> {
  const p = await page.evaluate((q) => window.__concordViewer!.clientPointFor('axial', q[0], q[1], q[2]), at);
  expect(p).toMatchObject({ onSlice: true, visible: true });
  await page.mouse.click(p!.x, p!.y);
}

/** Distance in mm between two voxel centres, and the largest voxel edge (mm), from the viewer's affine. */
async function geometry(page: Page): Promise<{ mm: number; voxelEdge: number; voxelMm3: number }> {
  return page.evaluate(
    ([p, q]) => {
      const v = window.__concordViewer!;
      const w = (ijk: number[]) => v.worldAt(ijk[0]!, ijk[1]!, ijk[2]!);
      const d = (x: number[], y: number[]) => Math.hypot(x[0]! - y[0]!, x[1]! - y[1]!, x[2]! - y[2]!);
      const o = w([0, 0, 0]);
      const cols = [w([1, 0, 0]), w([0, 1, 0]), w([0, 0, 1])].map((c) => c.map((x, n) => x - o[n]!));
      const [c0, c1, c2] = cols as [number[], number[], number[]];
      const det =
        c0[0]! * (c1[1]! * c2[2]! - c1[2]! * c2[1]!) -
        c1[0]! * (c0[1]! * c2[2]! - c0[2]! * c2[1]!) +
        c2[0]! * (c0[1]! * c1[2]! - c0[2]! * c1[1]!);
      return {
        mm: d(w(p), w(q)),
        voxelEdge: Math.max(...cols.map((c) => Math.hypot(c[0]!, c[1]!, c[2]!))),
        voxelMm3: Math.abs(det),
      };
    },
    [A, B] as const,
  );
}

test('a ruler in mm kept across a reload, an ellipse with mean and SD, a label volume in mL', async ({
  concord,
}) => {
  test.setTimeout(180_000);
  const { page } = await concord.start({ sample: true });
  await expect.poll(() => page.evaluate(() => window.__concordViewer?.dims ?? null)).toEqual([512, 512, 16]);
  await createFirstAdmin(page);
  await editorReady(page);
  await page.evaluate((p) => window.__concordViewer!.setCursor(p), [230, 270, 8] as Ijk);
  await page.evaluate(() => window.__concordViewer!.settled());

  // The keys are in the help.
  await page.keyboard.press('?');
  await expect(page.getByTestId('help-measure')).toContainText('Shift+M');
  await expect(page.getByTestId('help-measure')).toContainText('Shift+E');
  await page.keyboard.press('Escape');

  // Ruler (Shift+M): its length is the distance between the two voxel centres, within a voxel.
  await page.keyboard.press('Shift+M');
  await expect(page.getByTestId('measure-ruler')).toHaveAttribute('aria-pressed', 'true');
  await drag(page, A, B);
  const list = page.getByTestId('measurement-list').locator('li');
  await expect(list).toHaveCount(1);
  const ruler = list.first();
  await expect(ruler).toHaveAttribute('data-kind', 'ruler');
  await expect(ruler).toContainText('Ruler 1');
  await expect(ruler).toContainText('axial slice 9');
  const g = await geometry(page);
  const shown = Number(await ruler.getAttribute('data-length-mm'));
  expect(Math.abs(shown - g.mm)).toBeLessThan(g.voxelEdge);
  await expect(ruler.getByTestId('measurement-size')).toHaveText(`${shown.toFixed(2)} mm`);
  await page.screenshot({ path: path.join(ARTIFACTS, 'measure-ruler.png') });

  // Esc leaves the tool; a reload keeps the ruler (the workspace has it).
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('measure-ruler')).toHaveAttribute('aria-pressed', 'false');
  await page.reload();
  await expect(page.getByTestId('session-name')).toHaveText('Dr Admin');
  await expect(list).toHaveCount(1);
  await expect(list.first()).toHaveAttribute('data-length-mm', String(shown));

  // Ellipse (Shift+E) over soft tissue and lung: mean ± SD in HU.
  await editorReady(page);
  await page.evaluate((p) => window.__concordViewer!.setCursor(p), [230, 270, 8] as Ijk);
  await page.evaluate(() => window.__concordViewer!.settled());
  await page.keyboard.press('Shift+E');
  await drag(page, [180, 220, 8], [240, 260, 8]);
  await expect(list).toHaveCount(2);
  const ellipse = list.nth(1);
  await expect(ellipse).toHaveAttribute('data-kind', 'ellipse');
  await expect(ellipse.getByTestId('measurement-stats')).toContainText(/mean -?[\d.]+ ± [\d.]+ HU/);
  const mean = Number(await ellipse.getAttribute('data-mean'));
  const sd = Number(await ellipse.getAttribute('data-sd'));
  expect(mean).toBeGreaterThan(-1100);
  expect(mean).toBeLessThan(1000);
  expect(sd).toBeGreaterThan(0);
  // An ellipse over 60 × 40 voxels of ~0.7 mm: about π · 30 · 20 · 0.49 mm².
  expect(Number(await ellipse.getAttribute('data-area-mm2'))).toBeGreaterThan(100);

  // Delete the selected one (the ellipse, just drawn), and undo that (Ctrl+Z while the tool is on).
  await page.keyboard.press('Delete');
  await expect(list).toHaveCount(1);
  await page.keyboard.press('Control+z');
  await expect(list).toHaveCount(2);
  await page.keyboard.press('Escape');

  // Picked on the image: a click on the ruler's line selects it (the list shows it), one on the ellipse's
  // outline that; Delete removes the one picked, and Ctrl+Z (tool on) brings it back.
  await expect(ellipse).toHaveClass(/selected/);
  await click(page, [230, 270, 8]); // the ruler's middle
  await expect(ruler).toHaveClass(/selected/);
  await expect(ellipse).not.toHaveClass(/selected/);
  await click(page, [240, 240, 8]); // the ellipse's rightmost point
  await expect(ellipse).toHaveClass(/selected/);
  await expect(ruler).not.toHaveClass(/selected/);
  await click(page, [230, 270, 8]);
  await expect(ruler).toHaveClass(/selected/);
  await page.keyboard.press('Delete');
  await expect(list).toHaveCount(1);
  await expect(list.first()).toHaveAttribute('data-kind', 'ellipse');
  await page.keyboard.press('Shift+M');
  await page.keyboard.press('Control+z');
  await expect(list).toHaveCount(2);
  await expect(list.first()).toHaveAttribute('data-kind', 'ruler');
  await page.keyboard.press('Escape');

  // A brush stroke: its label's volume in mL is its voxel count × the voxel's volume.
  await page.keyboard.press('d');
  await drag(page, [300, 300, 8], [330, 300, 8]);
  const row = page.getByTestId('label-volume-1');
  await expect(row).toBeVisible();
  const voxels = Number(await row.getAttribute('data-voxels'));
  expect(voxels).toBeGreaterThan(0);
  expect(Number(await row.getAttribute('data-ml'))).toBeCloseTo((voxels * g.voxelMm3) / 1000, 6);
  await expect(row).toContainText(' mL');
  await page.screenshot({ path: path.join(ARTIFACTS, 'measure-panel.png') });
});
