// Temporary folders for tests, removed after each test file.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';

/** Folders made by this test file. Each file loads this module afresh (vitest isolates test files), so the
 *  one hook below is registered at the file's collection and removes them after its last test; a hook
 *  registered inside a beforeAll or a test, where most files call tempDir, would never run. Vitest runs
 *  after-hooks in reverse order, so this one runs after the file's own (which close what they opened). */
const made: string[] = [];

function removeMade(): void {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

afterAll(removeMade);
// A file that fails before its hooks run, or a worker stopped early, still leaves nothing behind.
process.once('exit', removeMade);

export function tempDir(prefix = 'concord-test-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** Repository root (tests read bundled data from resources/test-data). */
export const REPO_ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');

export function testData(...parts: string[]): string {
  return path.join(REPO_ROOT, 'resources', 'test-data', ...parts);
}
