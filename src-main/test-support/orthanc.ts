// Orthanc for vitest files: started by the test, stopped when the file ends (orthanc-process.ts says how).
import { afterAll } from 'vitest';
import { startOrthancProcess } from './orthanc-process';
import type { OrthancServer } from './orthanc-process';

export { DICOMWEB_PLUGIN, freePort, HAVE_ORTHANC, ORTHANC_BIN } from './orthanc-process';
export type { OrthancServer } from './orthanc-process';

/** Starts Orthanc; it is stopped after the calling test file (afterAll) unless stopped before. */
export async function startOrthanc(): Promise<OrthancServer> {
  const server = await startOrthancProcess();
  afterAll(() => server.stop());
  return server;
}
