// Loads the CommonJS `dicom-parser` package in a way that works in Node's ESM (built app), in vitest and in
// worker threads: its UMD bundle exposes no ESM named exports, so it is required, not imported.
import { createRequire } from 'node:module';
import type * as DicomParserModule from 'dicom-parser';

export type { DataSet, Element } from 'dicom-parser';

const requireCjs = createRequire(import.meta.url);

export const dicomParser = requireCjs('dicom-parser') as typeof DicomParserModule;

/** dicom-parser throws strings and `{ exception, dataSet }` objects as well as Errors: one line of text. */
export function parserErrorMessage(e: unknown): string {
  if (typeof e === 'string') return e.replace(/^dicomParser[.:]\s*\w*:?\s*/, '');
  if (e instanceof Error) return e.message;
  if (e && typeof e === 'object' && 'exception' in e)
    return parserErrorMessage((e as { exception: unknown }).exception);
  return String(e);
}
