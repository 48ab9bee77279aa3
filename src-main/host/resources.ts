// Where the app's bundled resources (sample data) and built renderer live, for every way Concord runs:
// from the built out/main/*.js of a checkout, or from a packaged Electron app (process.resourcesPath).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

function moduleDir(): string {
  return path.dirname(fileURLToPath(import.meta.url));
}

/** The repository (or app) root: the nearest folder above this module holding package.json. */
export function appRoot(): string {
  let dir = moduleDir();
  for (let i = 0; i < 6; i++) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    dir = path.dirname(dir);
  }
  return path.resolve(moduleDir(), '..', '..');
}

export function resourcesDir(): string {
  if (process.env['CONCORD_RESOURCES']) return process.env['CONCORD_RESOURCES'];
  const packaged = (process as { resourcesPath?: string }).resourcesPath;
  if (packaged && fs.existsSync(path.join(packaged, 'resources'))) return path.join(packaged, 'resources');
  return path.join(appRoot(), 'resources');
}

export function rendererDir(): string {
  return path.join(appRoot(), 'out', 'renderer');
}
