// Importing a mask file onto the open volume as a named annotator (reviewers and admins): the file goes to
// main (a path in Electron, a granted upload in the web host, with the upload's progress), main reads and
// checks it as `concord masks import` does ('masks:import') and answers with the new revision or a one-line
// refusal; the case's annotations and the worklist are read again afterwards.
import { useCallback, useState } from 'react';
import type { ImportSource, MaskImportAnswer } from '@contract';
import { call, getBridge } from '../../api/bridge';
import { invalidateQueries } from '../../api/queries';

export type MaskImportState =
  | { step: 'idle' }
  | { step: 'busy'; what: string; fraction: number | null }
  | { step: 'done'; answer: MaskImportAnswer }
  | { step: 'error'; message: string };

export interface MaskImportChoice {
  volumeId: number;
  files: File[];
  annotator: string;
  /** Every non-zero voxel becomes this label; null: the file's values are the labels. */
  label: number | null;
  resample: boolean;
}

export function useMaskImport() {
  const [state, setState] = useState<MaskImportState>({ step: 'idle' });
  const start = useCallback(async (c: MaskImportChoice) => {
    const bridge = getBridge();
    try {
      if (c.files.length === 0) throw new Error('choose the mask file first');
      if (!c.annotator.trim()) throw new Error('choose the annotator the mask is for');
      let source: ImportSource;
      if (bridge.pathForFile) source = { kind: 'paths', paths: c.files.map((f) => bridge.pathForFile!(f)) };
      else {
        if (!bridge.uploadFiles) throw new Error('this host cannot receive files');
        setState({ step: 'busy', what: 'Uploading', fraction: 0 });
        const uploadId = await bridge.uploadFiles(
          c.files.map((file) => ({ path: file.name, file })),
          (sent, total) =>
            setState({ step: 'busy', what: 'Uploading', fraction: total > 0 ? sent / total : 1 }),
        );
        source = { kind: 'upload', uploadId };
      }
      setState({ step: 'busy', what: 'Reading and checking the mask', fraction: null });
      const answer = await call(
        bridge.invoke('masks:import', {
          volumeId: c.volumeId,
          source,
          annotator: c.annotator.trim(),
          ...(c.label !== null ? { label: c.label } : {}),
          resample: c.resample,
        }),
      );
      invalidateQueries('caseAnnotations', 'worklist', 'team', 'audit');
      setState({ step: 'done', answer });
    } catch (e) {
      // One line: the first line of whatever went wrong.
      setState({ step: 'error', message: (e as Error).message.split('\n')[0]! });
    }
  }, []);
  return { state, start, reset: () => setState({ step: 'idle' }) };
}

/** What the answer says, in one line. */
export function importedText(a: MaskImportAnswer): string {
  const labels = Object.entries(a.labelVoxels)
    .map(([v, n]) => `label ${v}: ${n.toLocaleString()} voxels`)
    .join(', ');
  const what = a.unchanged ? `unchanged (already revision ${a.revisionId})` : `revision ${a.revisionId}`;
  return (
    `Imported ${a.file} as ${a.annotatorName}: ${what}${a.resampled ? ', resampled' : ''}` +
    `${labels ? ` (${labels})` : ''}.` +
    (a.annotatorCreated
      ? ` New profile ${a.annotatorName}: an admin sets a password before they sign in.`
      : '')
  );
}
