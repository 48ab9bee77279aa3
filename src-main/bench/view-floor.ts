// The floor of `concord bench view`'s scroll figures: a page that does the least any viewer must do to show the
// next slice (one 512×512 int16 slice through a grey table into an offscreen canvas, drawn scaled onto a canvas
// the size of the app's axial view, two crosshair lines), measured by the same code as the app's pages.
//
// Why: with software GL on shared cores, the browser's own path from an input event to a presented frame
// (input routing, commit, raster and compositing in SwiftShader, the swap) takes tens of milliseconds whatever
// the page does. The floor, taken in turn with the app's samples in the same run, says how much of the app's
// figure is the app's.
//
// The page speaks the protocol `view-scroll.ts` uses: `window.__concordViewer` (`setLayout`, `settled`,
// `getState().slices.axial`), a `[data-testid="canvas-axial"]` element (the whole view in the axial layout, its
// quarter in the grid layout, as in the app), and a `concord:slice-drawn` mark `{ view: 'axial', slice }` after
// each draw.
import type * as PlaywrightCore from 'playwright-core';

/** The page's HTML: a 40 px bar (the app's tool bar) above the view. */
export const FLOOR_PAGE_HTML = `<!doctype html>
<html><head><meta charset="utf-8"><title>floor</title>
<style>
  html, body { margin: 0; height: 100%; background: #111; color: #ddd; font: 13px sans-serif; overflow: hidden; }
  #bar { height: 40px; display: flex; align-items: center; padding: 0 8px; box-sizing: border-box; }
  #views { position: absolute; top: 40px; left: 0; right: 0; bottom: 0; }
  canvas { display: block; position: absolute; left: 0; top: 0; }
</style></head>
<body><div id="bar">slice <span id="n"></span></div><div id="views"><canvas data-testid="canvas-axial"></canvas></div>
<script>
  const NX = 512, NY = 512, NZ = 64;
  // A CT-like volume: a body disc with slowly varying HU per slice (int16, i fastest).
  const vox = new Int16Array(NX * NY * NZ);
  for (let k = 0; k < NZ; k++) for (let j = 0; j < NY; j++) for (let i = 0; i < NX; i++) {
    const r = Math.hypot(i - 256, j - 256);
    vox[i + NX * (j + NY * k)] = r < 200 ? 40 + ((i * 7 + j * 3 + k * 11) % 60) : -1000;
  }
  // Grey table over the stored range (the app's ≤16-bit path): window 400, level 40.
  const lut = new Uint32Array(65536);
  for (let v = -32768; v < 32768; v++) {
    const g = Math.max(0, Math.min(255, Math.round(((v - 40) / 400 + 0.5) * 255)));
    lut[v + 32768] = 0xff000000 | (g << 16) | (g << 8) | g;
  }
  const views = document.getElementById('views');
  const canvas = document.querySelector('canvas');
  const ctx = canvas.getContext('2d', { alpha: false });
  const off = document.createElement('canvas');
  off.width = NX; off.height = NY;
  const offCtx = off.getContext('2d');
  const img = offCtx.createImageData(NX, NY);
  const u32 = new Uint32Array(img.data.buffer);
  let slice = NZ >> 1, layout = 'axial';
  function draw() {
    const base = slice * NX * NY;
    for (let p = 0; p < NX * NY; p++) u32[p] = lut[vox[base + p] + 32768];
    offCtx.putImageData(img, 0, 0);
    const w = canvas.width, h = canvas.height, s = Math.min(w / NX, h / NY);
    ctx.fillStyle = '#000'; ctx.fillRect(0, 0, w, h);
    ctx.imageSmoothingEnabled = false;
    const dw = NX * s, dh = NY * s, x0 = (w - dw) / 2, y0 = (h - dh) / 2;
    ctx.drawImage(off, x0, y0, dw, dh);
    ctx.strokeStyle = '#3c3'; ctx.beginPath(); ctx.moveTo(x0, h / 2); ctx.lineTo(x0 + dw, h / 2); ctx.stroke();
    ctx.strokeStyle = '#39f'; ctx.beginPath(); ctx.moveTo(w / 2, y0); ctx.lineTo(w / 2, y0 + dh); ctx.stroke();
    document.getElementById('n').textContent = (slice + 1) + ' / ' + NZ;
    performance.mark('concord:slice-drawn', { detail: { view: 'axial', slice } });
  }
  function size() {
    const full = views.getBoundingClientRect();
    const w = layout === 'grid' ? Math.floor(full.width / 2) : full.width;
    const h = layout === 'grid' ? Math.floor(full.height / 2) : full.height;
    canvas.style.width = w + 'px'; canvas.style.height = h + 'px';
    canvas.width = Math.round(w * devicePixelRatio); canvas.height = Math.round(h * devicePixelRatio);
    draw();
  }
  const step = (d) => { slice = Math.max(0, Math.min(NZ - 1, slice + d)); draw(); };
  canvas.addEventListener('wheel', (e) => { e.preventDefault(); step(e.deltaY < 0 ? 1 : -1); }, { passive: false });
  addEventListener('keydown', (e) => {
    if (e.key === 'ArrowUp') step(1);
    else if (e.key === 'ArrowDown') step(-1);
  });
  window.__concordViewer = {
    getState: () => ({ slices: { axial: slice } }),
    setLayout: (l) => { layout = l; size(); },
    settled: () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))),
  };
  size();
</script></body></html>`;

/** Opens the floor page in a new tab of the browser, at the viewport the app's pages have. */
export async function openFloorPage(
  browser: PlaywrightCore.Browser,
  viewport: { width: number; height: number },
): Promise<PlaywrightCore.Page> {
  const page = await browser.newPage({ viewport });
  await page.setContent(FLOOR_PAGE_HTML);
  await page.waitForFunction(() => performance.getEntriesByName('concord:slice-drawn').length > 0);
  return page;
}
