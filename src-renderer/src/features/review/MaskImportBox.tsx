// "Import a mask…" in the Annotations panel (reviewers and admins): a mask file of any format the CLI reads
// (NIfTI, NRRD or 3D Slicer .seg.nrrd, PNG, DICOM SEG, RTSTRUCT) onto the open volume as a named annotator,
// with a label for binary masks and nearest resampling when the grid differs (useMaskImport.ts).
import { useState } from 'react';
import type { LabelInfo } from '@contract';
import { call, getBridge } from '../../api/bridge';
import { useQuery } from '../../api/useQuery';
import { importedText, useMaskImport } from './useMaskImport';

const ACCEPT = '.nii,.gz,.nrrd,.nhdr,.raw,.png,.dcm';

interface Props {
  volumeId: number;
  labels: readonly LabelInfo[];
}

export function MaskImportBox({ volumeId, labels }: Props) {
  const imp = useMaskImport();
  // Names to offer: the workspace's profiles (any other name makes a profile without a password).
  const profiles = useQuery({
    name: 'team',
    params: { profiles: true },
    fetch: () => call(getBridge().invoke('annotator:list', undefined)),
  });
  const names = (profiles.data ?? []).map((p) => p.name);
  const [files, setFiles] = useState<File[]>([]);
  const [annotator, setAnnotator] = useState('');
  const [label, setLabel] = useState<number | null>(null);
  const [resample, setResample] = useState(false);
  const s = imp.state;
  const busy = s.step === 'busy';
  return (
    <details className="mask-import" data-testid="mask-import">
      <summary>Import a mask…</summary>
      <label>
        File{' '}
        <input
          type="file"
          multiple
          accept={ACCEPT}
          data-testid="mask-import-file"
          title="NIfTI, NRRD or .seg.nrrd (a .nhdr with its data file), PNG, DICOM SEG or RTSTRUCT"
          onChange={(e) => setFiles(Array.from(e.target.files ?? []))}
        />
      </label>
      <label>
        Annotator{' '}
        <input
          list="mask-import-names"
          data-testid="mask-import-annotator"
          value={annotator}
          maxLength={100}
          placeholder="name"
          onChange={(e) => setAnnotator(e.target.value)}
        />
        <datalist id="mask-import-names">
          {names.map((n) => (
            <option key={n} value={n} />
          ))}
        </datalist>
      </label>
      <label>
        Labels{' '}
        <select
          data-testid="mask-import-label"
          value={label ?? ''}
          onChange={(e) => setLabel(e.target.value === '' ? null : Number(e.target.value))}
        >
          <option value="">as in the file</option>
          {labels.map((l) => (
            <option key={l.value} value={l.value}>
              every non-zero voxel → {l.name}
            </option>
          ))}
        </select>
      </label>
      <label>
        <input
          type="checkbox"
          data-testid="mask-import-resample"
          checked={resample}
          onChange={(e) => setResample(e.target.checked)}
        />{' '}
        Resample (nearest) when the grid differs
      </label>
      <button
        type="button"
        className="primary"
        data-testid="mask-import-run"
        disabled={busy}
        onClick={() => void imp.start({ volumeId, files, annotator, label, resample })}
      >
        {busy ? 'Importing…' : 'Import'}
      </button>
      {s.step === 'busy' && (
        <p className="muted" role="status" data-testid="mask-import-progress">
          {s.what}
          {s.fraction !== null ? ` ${Math.round(s.fraction * 100)}%` : '…'}
        </p>
      )}
      {s.step === 'done' && (
        <p className="muted" role="status" data-testid="mask-import-result">
          {importedText(s.answer)}
        </p>
      )}
      {s.step === 'error' && (
        <p className="error" role="alert" data-testid="mask-import-error">
          {s.message}
        </p>
      )}
    </details>
  );
}
