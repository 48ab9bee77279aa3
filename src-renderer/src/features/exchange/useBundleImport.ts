// Importing a bundle from the app: the file goes to main (a path in Electron, a granted upload in the web
// host), main checks it and names the signer (bundle:inspect, nothing written); a signer this workspace has
// not trusted before needs the user's confirmation (trust on first use, remembered by main); then
// bundle:import. The queries that show cases and annotations are read again afterwards.
import { useCallback, useState } from 'react';
import type { BundleImportAnswer, BundleInspection, ImportSource } from '@contract';
import { call, getBridge } from '../../api/bridge';
import { invalidateQueries } from '../../api/queries';

export type BundleImportState =
  | { step: 'idle' }
  | { step: 'busy'; what: string }
  | { step: 'confirm'; source: ImportSource; inspection: BundleInspection }
  | { step: 'done'; answer: BundleImportAnswer }
  | { step: 'error'; message: string };

export function useBundleImport() {
  const [state, setState] = useState<BundleImportState>({ step: 'idle' });

  const finish = useCallback(async (source: ImportSource, trust: boolean) => {
    setState({ step: 'busy', what: 'importing…' });
    try {
      const answer = await call(getBridge().invoke('bundle:import', { source, trust }));
      invalidateQueries('projects', 'cases', 'worklist', 'caseAnnotations', 'audit');
      setState({ step: 'done', answer });
    } catch (e) {
      setState({ step: 'error', message: (e as Error).message });
    }
  }, []);

  /** Starts from a dropped or picked file. */
  const start = useCallback(
    async (file: File) => {
      const bridge = getBridge();
      try {
        let source: ImportSource;
        if (bridge.pathForFile) source = { kind: 'paths', paths: [bridge.pathForFile(file)] };
        else {
          setState({ step: 'busy', what: 'uploading…' });
          const uploadId = await bridge.uploadFiles!([{ path: file.name, file }]);
          source = { kind: 'upload', uploadId };
        }
        setState({ step: 'busy', what: 'checking the signature and every checksum…' });
        const inspection = await call(bridge.invoke('bundle:inspect', { source }));
        if (inspection.signer.trusted) await finish(source, false);
        else setState({ step: 'confirm', source, inspection });
      } catch (e) {
        setState({ step: 'error', message: (e as Error).message });
      }
    },
    [finish],
  );

  return {
    state,
    start,
    confirm: () => (state.step === 'confirm' ? finish(state.source, true) : Promise.resolve()),
    dismiss: () => setState({ step: 'idle' }),
  };
}
