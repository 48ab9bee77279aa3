// The scroll part of `concord bench view`: how long one wheel notch or one arrow key takes to show the next
// slice, per layout (axial view maximised, 2×2 grid), measured in pages of the app in headless Chromium.
//
// One sample: the bench arms the page (a capture listener keeps the input event's timeStamp, and a
// requestAnimationFrame loop watches for the renderer's `concord:slice-drawn` mark of a new axial slice),
// sends one notch or key through Playwright (real input events through the browser), and reads the time
// from the event to the end of the first frame drawn after that mark: the frame that shows the new slice. Then it waits for the page to go quiet (a pause, then three short frame intervals in a row), so
// each sample is one notch on an idle viewer, with whatever the notch left to do (the 3D view) done.
//
// Several builds are measured in the same run: one page per build, the samples taken in turn (build A
// notch 1, build B notch 1, …), so that the shared machine's load falls on all of them alike.
import type * as PlaywrightCore from 'playwright-core';

export type ScrollInput = 'wheel' | 'key';
export type ScrollLayout = 'axial' | 'grid';

export const SCROLL_LAYOUTS: readonly ScrollLayout[] = ['axial', 'grid'];
export const SCROLL_INPUTS: readonly ScrollInput[] = ['wheel', 'key'];

export interface ScrollStats {
  /** Milliseconds from the input event to the frame that shows the new slice (renderer main thread). */
  medianMs: number;
  p95Ms: number;
  samples: number[];
  /**
   * Keys only: milliseconds from the keydown to the presentation of the next frame, from the browser's Event
   * Timing (GPU compositing included; rounded to 8 ms; under 16 ms is reported as 16). Chromium has no such
   * figure for wheel events.
   */
  presented?: { medianMs: number; p95Ms: number; samples: number[] };
  /** Part of the figure before the page's first listener ran: the browser's input path and a busy page. */
  inputDelay: { medianMs: number; p95Ms: number; samples: number[] };
}

interface Sample {
  frameMs: number;
  /** From the event's timeStamp to the page's first listener running (the browser's input path). */
  inputDelayMs: number;
  /** -1: not measured (wheel). */
  presentedMs: number;
}

/** Per layout, per input. */
export type ScrollFigures = Record<ScrollLayout, Record<ScrollInput, ScrollStats>>;

/** A page of one build, opened on the bench volume (its first slice drawn). */
export interface ScrollPage {
  name: string;
  page: PlaywrightCore.Page;
  /** False for the floor page (`view-floor.ts`), which has no 3D view to wait for in the grid layout. */
  has3d?: boolean;
}

/** Pause after each sample before the page is watched for quiet frames (ms). */
const SETTLE_MS = 250;
/** Longest wait for one notch's frame (ms): a sample past it is an error, not a figure. */
const SAMPLE_TIMEOUT_MS = 20_000;

// In-page code travels as source text (not a bundled function), so the build's transforms never touch it.
//
// When is the new slice shown? Each animation frame callback of the watch loop posts a message, which runs
// after that frame's callbacks (a 3D render queued by the same input included) and its rendering; the first
// such message that finds the mark set before its frame's callback ran has found the frame that shows the
// slice. The sample ends when the next frame begins. The GPU process's later share of that frame (with
// software GL: compositing, and a 3D render where one was queued) is not in this figure; for a key, the
// browser's Event Timing gives the time to the frame's presentation, GPU included (`presented`).
// The loop is started by a bubbling listener added after the viewer's own (so, for a key, after the viewer
// has queued its work): a draw done inside an animation frame callback queued by the input then runs before
// the loop's callback of the same frame.
const arm = (input: ScrollInput): string => `(() => {
  const hook = window.__concordViewer;
  const before = hook.getState().slices.axial;
  const s = { t0: null, done: null, delay: 0, before, presented: ${input === 'key' ? 'null' : '-1'} };
  window.__concordBenchScroll = s;
  if (s.presented === null) {
  const events = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      if (e.name === 'keydown' && s.t0 !== null && Math.abs(e.startTime - s.t0) < 1) s.presented = e.duration;
    }
  });
  events.observe({ type: 'event', durationThreshold: 16 });
  setTimeout(() => { events.disconnect(); if (s.presented === null) s.presented = 16; }, 3000);
  }
  const channel = new MessageChannel();
  let tickTime = 0;
  const drawnBy = (t) => performance.getEntriesByName('concord:slice-drawn').some(
    (e) => e.detail && e.detail.view === 'axial' && e.detail.slice !== before && e.startTime <= t);
  channel.port1.onmessage = () => {
    if (!drawnBy(tickTime)) { requestAnimationFrame(tick); return; }
    channel.port1.close();
    requestAnimationFrame(() => { s.done = performance.now(); });
  };
  const tick = () => {
    tickTime = performance.now();
    channel.port2.postMessage(null);
  };
  const first = (e) => {
    if (s.t0 === null) { s.t0 = e.timeStamp; s.delay = performance.now() - e.timeStamp; }
    removeEventListener('wheel', first, true);
    removeEventListener('keydown', first, true);
  };
  const start = () => {
    removeEventListener('wheel', start);
    removeEventListener('keydown', start);
    requestAnimationFrame(tick);
  };
  addEventListener('wheel', first, true);
  addEventListener('keydown', first, true);
  addEventListener('wheel', start);
  addEventListener('keydown', start);
  return before;
})()`;

const RESULT = `(() => {
  const s = window.__concordBenchScroll;
  return s && s.done !== null && s.presented !== null ? [s.done - s.t0, s.presented, s.delay] : null;
})()`;

const QUIET = `new Promise((resolve) => {
  setTimeout(() => {
    let last = performance.now();
    let calm = 0;
    const started = last;
    const tick = (t) => {
      calm = t - last < 40 ? calm + 1 : 0;
      last = t;
      if (calm >= 3 || t - started > 5000) resolve(null);
      else requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  }, ${SETTLE_MS});
})`;

function summary(samples: number[]): { medianMs: number; p95Ms: number; samples: number[] } {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
  const round = (x: number): number => Math.round(x * 10) / 10;
  return { medianMs: round(at(0.5)), p95Ms: round(at(0.95)), samples: samples.map(round) };
}

function stats(samples: Sample[]): ScrollStats {
  const out: ScrollStats = {
    ...summary(samples.map((x) => x.frameMs)),
    inputDelay: summary(samples.map((x) => x.inputDelayMs)),
  };
  const presented = samples.map((x) => x.presentedMs).filter((x) => x >= 0);
  if (presented.length > 0) out.presented = summary(presented);
  return out;
}

/** Sets the layout, waits for the 3D view to be built (grid) and for a quiet page; the pointer on the axial view. */
async function prepare(p: ScrollPage, layout: ScrollLayout): Promise<void> {
  const { page } = p;
  await page.evaluate(`window.__concordViewer.setLayout(${JSON.stringify(layout)})`);
  if (layout === 'grid' && p.has3d !== false) {
    await page.waitForSelector('[data-testid="view-3d"]:not([data-status="loading"])', { timeout: 120_000 });
  }
  await page.evaluate('window.__concordViewer.settled()');
  const box = await page.getByTestId('canvas-axial').boundingBox();
  if (!box) throw new Error(`${p.name}: the axial view is not shown in the ${layout} layout`);
  // Hovering makes the axial view the active one, which the arrow keys scroll.
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.evaluate(QUIET);
}

async function sample(p: ScrollPage, input: ScrollInput, up: boolean): Promise<Sample> {
  const { page } = p;
  await page.evaluate(arm(input));
  if (input === 'wheel') await page.mouse.wheel(0, up ? -100 : 100);
  else await page.keyboard.press(up ? 'ArrowUp' : 'ArrowDown');
  const deadline = Date.now() + SAMPLE_TIMEOUT_MS;
  for (;;) {
    const ms = (await page.evaluate(RESULT)) as [number, number, number] | null;
    if (ms !== null) {
      await page.evaluate(QUIET);
      return { frameMs: ms[0], presentedMs: ms[1], inputDelayMs: ms[2] };
    }
    if (Date.now() > deadline) throw new Error(`${p.name}: no new axial slice drawn after a ${input} input`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/**
 * Measures `notches` wheel notches and as many arrow keys per layout in each page, in turn, and returns the
 * figures per page name. Notches alternate up and down, so the slice stays near the middle of the volume.
 */
export async function measureScroll(
  pages: readonly ScrollPage[],
  notches: number,
  progress: (line: string) => void,
): Promise<Record<string, ScrollFigures>> {
  const raw = new Map<string, Record<ScrollLayout, Record<ScrollInput, Sample[]>>>();
  for (const p of pages) raw.set(p.name, { axial: { wheel: [], key: [] }, grid: { wheel: [], key: [] } });
  for (const layout of SCROLL_LAYOUTS) {
    for (const p of pages) await prepare(p, layout);
    for (const input of SCROLL_INPUTS) {
      for (let n = 0; n < notches; n++) {
        for (const p of pages) raw.get(p.name)![layout][input].push(await sample(p, input, n % 2 === 0));
      }
      progress(`scroll: ${layout} layout, ${input}: ${notches} samples per build`);
    }
  }
  const out: Record<string, ScrollFigures> = {};
  for (const [name, r] of raw) {
    out[name] = {
      axial: { wheel: stats(r.axial.wheel), key: stats(r.axial.key) },
      grid: { wheel: stats(r.grid.wheel), key: stats(r.grid.key) },
    };
  }
  return out;
}
