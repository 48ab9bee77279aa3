// Export of an annotation's head revision (an annotator's, a consensus, the reference) as a file for other
// tools: NIfTI label map, DICOM SEG or 3D Slicer's .seg.nrrd (made in main, 'masks:export', so the app and
// `concord masks export` write the same file), saved through the browser's download. A SEG references the
// DICOM images it was drawn on, so it is offered only for a volume imported from DICOM (main refuses the
// others with the reason too).
import { useState } from 'react';
import type { MaskExportFormat } from '@contract';
import { call, getBridge } from '../../api/bridge';
import { downloadBase64 } from '../consensus/download';

const FORMATS: { value: MaskExportFormat; label: string; dicomOnly: boolean }[] = [
  { value: 'nifti', label: 'NIfTI', dicomOnly: false },
  { value: 'seg', label: 'DICOM SEG', dicomOnly: true },
  { value: 'nrrd', label: 'NRRD (3D Slicer .seg.nrrd)', dicomOnly: false },
];

interface Props {
  revisionId: number;
  /** Names the row in test ids. */
  name: string;
  /** The volume was imported from DICOM (a SEG can reference its images). */
  dicom: boolean;
}

export function AnnotationExport({ revisionId, name, dicom }: Props) {
  const [format, setFormat] = useState<MaskExportFormat>('nifti');
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ error: boolean; text: string } | null>(null);
  const run = async (): Promise<void> => {
    setBusy(true);
    try {
      const f = await call(getBridge().invoke('masks:export', { revisionId, format }));
      downloadBase64(f.fileName, f.base64, f.mimeType);
      const segs = f.segments ? ` (${f.segments.length} segment${f.segments.length === 1 ? '' : 's'})` : '';
      setMessage({ error: false, text: `Saved ${f.fileName}${segs}` });
    } catch (e) {
      setMessage({ error: true, text: (e as Error).message });
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="annotation-export">
      <select
        aria-label={`Export format for ${name}`}
        data-testid={`export-format-${name}`}
        value={format}
        onChange={(e) => setFormat(e.target.value as MaskExportFormat)}
      >
        {FORMATS.map((f) => (
          <option key={f.value} value={f.value} disabled={f.dicomOnly && !dicom}>
            {f.label}
            {f.dicomOnly && !dicom ? ' (needs a DICOM volume)' : ''}
          </option>
        ))}
      </select>
      <button type="button" data-testid={`export-${name}`} disabled={busy} onClick={() => void run()}>
        {busy ? 'Exporting…' : 'Export'}
      </button>
      {message && (
        <p className={message.error ? 'error' : 'muted'} data-testid={`export-message-${name}`}>
          {message.text}
        </p>
      )}
    </div>
  );
}
