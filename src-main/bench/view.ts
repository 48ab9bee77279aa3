// `concord bench view [--json] [--runs N]`: how long a 512x512x300 int16 CT takes to show its first slice
// in the viewer, through the real web host and renderer in Chromium (headless, Debian's chromium).
// Figures per run, from the renderer's performance marks:
//   openToFirstSliceMs   from the volume being requested (concord:volume-open) to its first drawn slice
//                        (concord:first-slice) — the product's aim: within 2 s of opening in the viewer;
//   pageToFirstSliceMs   from navigation start (app boot included) to the first drawn slice.
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

const DIMS: [number, number, number] = [512, 512, 300];

interface Marks {
  openToFirstSliceMs: number;
  pageToFirstSliceMs: number;
}

export async function runBenchView(argv: string[]): Promise<number> {
  const args = parseArgs(argv, { values: ['runs'], flags: ['json'] });
  const runs = positiveInt(optionString(args, 'runs') ?? '3', '--runs');
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
    try {
      for (let r = 0; r < runs; r++) {
        const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
        await page.goto(host.url);
        await page.waitForFunction(
          () => performance.getEntriesByName('concord:first-slice').length > 0,
          undefined,
          {
            timeout: 60_000,
          },
        );
        results.push(
          await page.evaluate(() => {
            const open = performance.getEntriesByName('concord:volume-open')[0]!.startTime;
            const first = performance.getEntriesByName('concord:first-slice')[0]!.startTime;
            return { openToFirstSliceMs: first - open, pageToFirstSliceMs: first };
          }),
        );
        await page.close();
      }
    } finally {
      await browser.close();
      await host.close();
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
      },
      target: { openToFirstSliceMs: 2000 },
      browser: `${chromium} (headless, SwiftShader WebGL)`,
      machine: { cpus: os.cpus().length, node: process.version },
    };
    if (args.options.has('json')) printJson(result);
    else process.stdout.write(JSON.stringify(result, null, 2) + '\n');
    return 0;
  } finally {
    services.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
