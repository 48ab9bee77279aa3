// `concord bench view` scrolls a floor page beside the app (src-main/bench/view-floor.ts): the least a page
// does to show the next slice. The bench drives it through the app's protocol; if the page stopped speaking
// it (no slice-drawn mark, no state, no axial canvas), the bench's floor figures would be missing or wrong.
import { expect, test } from '@playwright/test';
import { FLOOR_PAGE_HTML } from '../src-main/bench/view-floor';

test('the bench floor page draws the next slice on a key and a wheel notch, and marks it', async ({
  page,
}) => {
  await page.setViewportSize({ width: 1000, height: 700 });
  await page.setContent(FLOOR_PAGE_HTML);
  const state = () =>
    page.evaluate(
      () =>
        (
          window as unknown as { __concordViewer: { getState(): { slices: { axial: number } } } }
        ).__concordViewer.getState().slices.axial,
    );
  const marks = () => page.evaluate(() => performance.getEntriesByName('concord:slice-drawn').length);
  const start = await state();
  const before = await marks();
  await page.keyboard.press('ArrowUp');
  expect(await state()).toBe(start + 1);
  const canvas = page.getByTestId('canvas-axial');
  const box = (await canvas.boundingBox())!;
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.wheel(0, 100);
  await expect.poll(state).toBe(start);
  expect(await marks()).toBe(before + 2);
  // The grid layout gives the axial view a quarter of the area, as in the app.
  await page.evaluate(() =>
    (window as unknown as { __concordViewer: { setLayout(l: string): void } }).__concordViewer.setLayout(
      'grid',
    ),
  );
  const quarter = (await canvas.boundingBox())!;
  expect(quarter.width).toBeCloseTo(box.width / 2, -1);
  // The slice is drawn: the canvas's centre shows the body (grey), not the black background.
  const centre = await page.evaluate(() => {
    const c = document.querySelector('canvas')!;
    const px = c.getContext('2d')!.getImageData(c.width / 2 + 20, c.height / 2 + 20, 1, 1).data;
    return px[0]!;
  });
  expect(centre).toBeGreaterThan(20);
});
