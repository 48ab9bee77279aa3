// Test helper: paths of the real test data bundled in resources/test-data (found from the repository root,
// the nearest folder above this module holding package.json), and scratch folders for files built in code.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export { testData } from '../../../test-support/tmp';

/** A fresh empty folder under the OS temp dir; remove it with removeTempDir. */
export function makeTempDir(prefix = 'concord-dicom-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function removeTempDir(dir: string): void {
  fs.rmSync(dir, { recursive: true, force: true });
}
