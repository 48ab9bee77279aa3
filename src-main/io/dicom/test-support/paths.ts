// Test helper: paths of the real test data bundled in resources/test-data (found from the repository root,
// the nearest folder above this module holding package.json), and scratch folders for files built in code.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

function repoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('repository root not found');
    dir = up;
  }
  return dir;
}

export function testData(...parts: string[]): string {
  return path.join(repoRoot(), 'resources', 'test-data', ...parts);
}

/** A fresh empty folder under the OS temp dir; remove it with removeTempDir. */
export function makeTempDir(prefix = 'concord-dicom-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function removeTempDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}
