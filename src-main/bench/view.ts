// `concord bench view [--json] [--runs N] [--notches N] [--baseline DIR] [--trace FILE]`: how a 512x512x300 int16 CT
// behaves in the viewer, through the real web host and renderer in Chromium (headless, Debian's chromium,
// software WebGL). Figures:
//   open     per run, from the renderer's performance marks: openToFirstSliceMs, from the volume being
//            requested (concord:volume-open) to its first drawn slice (concord:first-slice) — the product's
//            aim: within 2 s of opening in the viewer; pageToFirstSliceMs, from navigation start (app boot
//            included) to the first drawn slice;
//   scroll   one wheel notch and one arrow key, from the input event to the frame that shows the new axial
//            slice, median and 95th percentile per layout (axial maximised, 2×2 grid), `--notches` of each
//            (view-scroll.ts). Aims: 33 ms maximised (two 60 Hz frames), 60 ms in the grid.
// `--baseline DIR` names another build's renderer folder (its `out/renderer`, built from a commit that sets
// the concord:slice-drawn mark): it is served by a second web host over the same workspace and scrolled in
// turn with this build, so both sets of figures come from the same minutes of the same machine. A third page,
// the floor (view-floor.ts: the least a page does to show a new slice), is always scrolled in turn with them:
// its figures say how much of the app's time to screen is the browser's own path on this machine.
// `--trace FILE` writes a Chromium trace (renderer, compositor, GPU process) of this build's scroll samples.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type * as PlaywrightCore from 'playwright-core';
import { InputError } from '../core/errors';
import { identity4 } from '../core/geometry/affine';
import { writeNifti } from '../io/nifti/write';
import { importVolumes } from '../services/workspace/import-volumes';
import { openWorkspace } from '../workspace/workspace';
import { rendererDir } from '../host/resources';
import { createServices } from '../services/create-services';
import { findChromium } from '../host/web/open-browser';
import { startWebHost } from '../host/web/server';
import { ctPhantom } from './phantom';
import { optionString, parseArgs, positiveInt } from '../host/cli/args';
import { printJson } from '../host/cli/output';
import type { ScrollFigures, ScrollPage } from './view-scroll';
import { measureScroll } from './view-scroll';
import { openFloorPage } from './view-floor';

const DIMS: [number, number, number] = [512, 512, 300];
/** The browser's viewport for every page of the bench (CSS px). */
const VIEWPORT = { width: 1400, height: 900 };

interface Marks {
  openToFirstSliceMs: number;
  pageToFirstSliceMs: number;
}

export async function runBenchView(argv: string[]): Promise<number> {
  const args = parseArgs(argv, { values: ['runs', 'notches', 'baseline', 'trace'], flags: ['json'] });
  const runs = positiveInt(optionString(args, 'runs') ?? '3', '--runs');
  const notches = positiveInt(optionString(args, 'notches') ?? '20', '--notches');
  const baselineArg = optionString(args, 'baseline');
  const baselineDir = baselineArg === undefined ? null : path.resolve(baselineArg);
  if (baselineDir && !fs.existsSync(path.join(baselineDir, 'index.html'))) {
    throw new InputError(undefined, `--baseline: no built renderer (index.html) in ${baselineDir}`);
  }
  const json = args.options.has('json');
  const loadAtStart = os.loadavg();
  const progress = (line: string): void => {
    process.stderr.write(`bench view: ${line}\n`);
  };
  const chromium = findChromium();
  if (!chromium) throw new InputError(undefined, 'bench view needs Chromium (apt-get install chromium)');
  let playwright: typeof PlaywrightCore;
  try {
    playwright = await import('playwright-core');
  } catch {
    throw new InputError(undefined, 'bench view needs the dev dependency playwright-core (npm install)');
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'concord-bench-view-'));
  const ws = openWorkspace(path.join(dir, 'ws'));
  const services = createServices(ws, { host: 'web' });
  try {
    const file = path.join(dir, 'ct.nii.gz');
    const affine = identity4();
    affine[0] = 0.7;
    affine[5] = 0.7;
    affine[10] = 1.25;
    await writeNifti(file, {
      geometry: { dims: DIMS, affineLPS: affine },
      scalarType: 'int16',
      data: ctPhantom(DIMS),
      frames: 1,
      rescale: { slope: 1, intercept: -1024 },
      source: { format: 'nifti', files: [], description: 'bench' },
    });
    await importVolumes(
      ws,
      { jobId: 'bench', source: { kind: 'paths', paths: [file] } },
      'bench',
      () => undefined,
    );
    const host = await startWebHost({ services, rendererDir: rendererDir(), log: () => undefined });
    const baseHost = baselineDir
      ? await startWebHost({ services, rendererDir: baselineDir, log: () => undefined })
      : null;
    const browser = await playwright.chromium.launch({
      executablePath: chromium,
      args: [
        '--no-sandbox',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
        '--use-gl=angle',
        '--use-angle=swiftshader',
        '--enable-unsafe-swiftshader',
      ],
    });
    const results: Marks[] = [];
    let scroll: Record<string, ScrollFigures>;
    try {
      const openPage = async (url: string): Promise<PlaywrightCore.Page> => {
        const page = await browser.newPage({ viewport: VIEWPORT });
        await page.goto(url);
        await page.waitForFunction(
          () => performance.getEntriesByName('concord:first-slice').length > 0,
          undefined,
          { timeout: 60_000 },
        );
        return page;
      };
      for (let r = 0; r < runs; r++) {
        const page = await openPage(host.url);
        results.push(
          await page.evaluate(() => {
            const open = performance.getEntriesByName('concord:volume-open')[0]!.startTime;
            const first = performance.getEntriesByName('concord:first-slice')[0]!.startTime;
            return { openToFirstSliceMs: first - open, pageToFirstSliceMs: first };
          }),
        );
        await page.close();
        progress(`open: run ${r + 1} of ${runs}`);
      }
      const pages: ScrollPage[] = [{ name: 'concord', page: await openPage(host.url) }];
      if (baseHost) pages.push({ name: 'baseline', page: await openPage(baseHost.url) });
      pages.push({ name: 'floor', page: await openFloorPage(browser, VIEWPORT), has3d: false });
      // --trace FILE: a Chromium trace of the scroll samples of this build (where a frame's time goes).
      const traceFile = optionString(args, 'trace');
      if (traceFile) {
        await browser.startTracing(pages[0]!.page, {
          path: traceFile,
          categories: [
            'devtools.timeline',
            'disabled-by-default-devtools.timeline',
            'disabled-by-default-devtools.timeline.frame',
            'toplevel',
            'cc',
            'viz',
            'gpu',
            'blink',
            'v8.execute',
            'benchmark',
            'latencyInfo',
            'input',
          ],
        });
      }
      scroll = await measureScroll(pages, notches, progress);
      if (traceFile) await browser.stopTracing();
    } finally {
      await browser.close();
      await host.close();
      await baseHost?.close();
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const result = {
      benchmark: 'view',
      volume: { dims: DIMS, dtype: 'int16', voxelBytes: DIMS[0] * DIMS[1] * DIMS[2] * 2 },
      runs,
      concord: {
        openToFirstSliceMs: median(results.map((x) => x.openToFirstSliceMs)),
        pageToFirstSliceMs: median(results.map((x) => x.pageToFirstSliceMs)),
        all: results,
        scroll: scroll['concord'],
      },
      ...(baselineDir ? { baseline: { rendererDir: baselineDir, scroll: scroll['baseline'] } } : {}),
      // The least a page does to show a new slice in this browser, measured in turn with the app's samples.
      floor: { page: 'view-floor.ts', scroll: scroll['floor'] },
      scrollNotches: notches,
      target: { openToFirstSliceMs: 2000, scrollMaximisedMs: 33, scrollGridMs: 60 },
      browser: `${chromium} (headless, SwiftShader WebGL)`,
      machine: {
        cpus: os.cpus().length,
        node: process.version,
        loadAverage: { start: loadAtStart, end: os.loadavg() },
      },
    };
    if (json) printJson(result);
    else process.stdout.write(JSON.stringify(result, null, 2) + '\n');
    return 0;
  } finally {
    services.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
