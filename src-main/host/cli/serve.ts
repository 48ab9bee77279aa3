// `concord serve --workspace <dir> [--port <n>] [--no-sample] [--open] [--json]`: the web host.
// Prints the URL (with the per-launch token) and runs until SIGINT/SIGTERM.
import { InputError } from '../../core/errors';
import { defaultWorkspaceDir, openWorkspace } from '../../workspace/workspace';
import { openInChromium } from '../web/open-browser';
import { readLastHost, tokenForStart, writeLastHost } from '../web/last-host';
import { startWebHost } from '../web/server';
import { rendererDir } from '../resources';
import { ensureSampleProject } from '../sample-project';
import { ensureStarter } from '../starter-model';
import { createServices } from '../../services/create-services';
import { MaskCodecPool } from '../../workers/mask-codec-pool';
import { collectBlobsSoon } from '../collect-at-open';
import { optionString, parseArgs } from './args';
import fs from 'node:fs';
import path from 'node:path';

export async function runServe(argv: string[]): Promise<number> {
  const args = parseArgs(argv, { values: ['workspace', 'port'], flags: ['no-sample', 'open', 'json'] });
  const portText = optionString(args, 'port');
  let port = portText === undefined ? 0 : Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new InputError(undefined, `--port must be 0-65535`);
  const renderer = rendererDir();
  if (!fs.existsSync(path.join(renderer, 'index.html'))) {
    throw new InputError(renderer, 'the renderer is not built; run `npm run build` first');
  }
  const ws = openWorkspace(optionString(args, 'workspace') ?? defaultWorkspaceDir(), { what: 'web host' });
  for (const w of ws.warnings) process.stderr.write(`concord: warning: ${w}\n`);
  // Saves encode masks in worker threads: a large or noisy mask must not stall the other tabs' requests.
  const services = createServices(ws, { host: 'web' }, { maskCodec: MaskCodecPool.fromBuild() });
  // The starter model in every workspace the app opens (a new one, or one from before it), once.
  // A damaged installation's starter is reported, and the app still starts.
  const starter = await ensureStarter(ws, 'concord:starter').catch((e: unknown) => {
    process.stderr.write(`concord: warning: starter model not added: ${(e as Error).message}\n`);
    return null;
  });
  if (starter?.added)
    process.stderr.write(`Added the starter model (${starter.model.name}) to ${ws.dir}'s models\n`);
  if (!args.options.has('no-sample')) {
    const sample = await ensureSampleProject(ws, 'concord:sample');
    if (sample)
      process.stderr.write(
        `Imported the sample project (${sample.cases.length} cases with their readers' masks) into ${ws.dir}\n`,
      );
  }
  const stopCollecting = collectBlobsSoon(ws, 'concord:gc', (l) => process.stderr.write(`${l}\n`));
  // Back on the last start's port (when --port does not say otherwise and it is free) with its token while
  // young enough, so that tabs left open reconnect by themselves (last-host.ts).
  const last = readLastHost(ws.dir);
  const { token, tokenAt } = tokenForStart(last);
  const lastPort = portText === undefined ? last?.port : undefined;
  let host;
  try {
    try {
      host = await startWebHost({ services, rendererDir: renderer, port: lastPort ?? port, token });
    } catch (e) {
      if (lastPort === undefined || (e as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw e;
      process.stderr.write(`Port ${lastPort} (the last start's) is in use: taking another one.\n`);
      host = await startWebHost({ services, rendererDir: renderer, port: 0, token });
    }
  } catch (e) {
    stopCollecting();
    services.close();
    if ((e as NodeJS.ErrnoException).code === 'EADDRINUSE')
      throw new InputError(undefined, `port ${port} is in use`);
    throw e;
  }
  port = host.port;
  writeLastHost(ws.dir, { port, token, tokenAt });
  if (args.options.has('json')) {
    process.stdout.write(JSON.stringify({ url: host.url, port: host.port, workspace: ws.dir }) + '\n');
  } else {
    process.stdout.write(`Concord web host (workspace ${ws.dir})\nOpen: ${host.url}\n`);
  }
  if (args.options.has('open')) {
    // A one-time launch code on Chromium's command line, never the token (visible to every user in ps).
    const browser = await openInChromium(host.launchUrl());
    process.stderr.write(
      'opened' in browser
        ? `Opened Concord in ${browser.opened} at http://127.0.0.1:${host.port}/\n`
        : `Opened no browser: ${browser.reason}. Open the address above in Chromium.\n`,
    );
  }
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  stopCollecting();
  await host.close();
  services.close();
  return 0;
}
