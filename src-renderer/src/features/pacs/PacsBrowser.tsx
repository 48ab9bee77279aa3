// The PACS browser of the import panel: pick a configured server, search its studies by patient, modality
// and date (QIDO-RS), and Get one into the open project (WADO-RS, then the same import as a folder), with
// progress and Cancel. Servers are added by an admin (`concord pacs add`, or pacs:save). Patient names and
// IDs are shown to find the right study; the import stores them only when the user opts in elsewhere.
import { useState } from 'react';
import type { ImportSummary } from '@contract';
import { usePacsFetch } from './usePacsFetch';

interface Props {
  projectId: number | null;
  onImported(summary: ImportSummary): void;
  onClose(): void;
}

/** YYYYMMDD → YYYY-MM-DD for reading; anything else as it is. */
function showDate(d: string | null): string {
  return d && /^\d{8}$/.test(d) ? `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6)}` : (d ?? '—');
}

export function PacsBrowser({ projectId, onImported, onClose }: Props) {
  const pacs = usePacsFetch(projectId, onImported);
  const [server, setServer] = useState('');
  const [patient, setPatient] = useState('');
  const [modality, setModality] = useState('');
  const [date, setDate] = useState('');
  const chosen = server || pacs.servers?.[0]?.name || '';

  return (
    <div className="pacs-browser" role="dialog" aria-label="PACS" data-testid="pacs-browser">
      <div className="pacs-head">
        <strong>PACS</strong>
        <button type="button" className="link" onClick={onClose} aria-label="Close">
          ×
        </button>
      </div>
      {pacs.servers && pacs.servers.length === 0 && (
        <p className="muted" data-testid="pacs-none">
          No PACS is configured in this workspace. An admin adds one with{' '}
          <code>concord pacs add --name … --url …</code>.
        </p>
      )}
      {pacs.servers && pacs.servers.length > 0 && (
        <form
          className="pacs-search"
          onSubmit={(e) => {
            e.preventDefault();
            void pacs.search({
              server: chosen,
              ...(patient.trim() ? { patient: patient.trim() } : {}),
              ...(modality ? { modality } : {}),
              ...(date.trim() ? { studyDate: date.trim().replace(/-/g, '') } : {}),
            });
          }}
        >
          <select
            aria-label="Server"
            data-testid="pacs-server"
            value={chosen}
            onChange={(e) => setServer(e.target.value)}
          >
            {pacs.servers.map((s) => (
              <option key={s.name} value={s.name} title={s.url}>
                {s.name}
              </option>
            ))}
          </select>
          <input
            aria-label="Patient"
            placeholder="Patient ID or name"
            data-testid="pacs-patient"
            value={patient}
            onChange={(e) => setPatient(e.target.value)}
          />
          <select aria-label="Modality" value={modality} onChange={(e) => setModality(e.target.value)}>
            <option value="">Any modality</option>
            {['CT', 'MR', 'PT', 'US', 'CR', 'DX', 'MG', 'NM', 'XA'].map((m) => (
              <option key={m}>{m}</option>
            ))}
          </select>
          <input
            aria-label="Study date"
            placeholder="Date: YYYYMMDD or a range A-B"
            data-testid="pacs-date"
            value={date}
            onChange={(e) => setDate(e.target.value)}
          />
          <button type="submit" data-testid="pacs-search" disabled={pacs.searching || !chosen}>
            {pacs.searching ? 'Searching…' : 'Search'}
          </button>
        </form>
      )}
      {pacs.studies && (
        <table className="pacs-studies" data-testid="pacs-studies">
          <thead>
            <tr>
              <th>Date</th>
              <th>Patient</th>
              <th>Modality</th>
              <th>Series</th>
              <th>Description</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {pacs.studies.length === 0 && (
              <tr>
                <td colSpan={6} className="muted">
                  No study matches.
                </td>
              </tr>
            )}
            {pacs.studies.map((s) => (
              <tr key={s.studyInstanceUID} title={s.studyInstanceUID} data-testid="pacs-study">
                <td>{showDate(s.studyDate)}</td>
                <td>{[s.patientName, s.patientId].filter(Boolean).join(' · ') || '—'}</td>
                <td>{s.modalities.join('/') || '—'}</td>
                <td>
                  {s.series ?? '?'}
                  {s.instances !== null ? ` (${s.instances} images)` : ''}
                </td>
                <td>{s.studyDescription ?? ''}</td>
                <td>
                  <button
                    type="button"
                    data-testid="pacs-get"
                    disabled={pacs.job !== null}
                    onClick={() => void pacs.fetchStudy(chosen, s.studyInstanceUID)}
                  >
                    Get
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {pacs.job && (
        <div className="import-progress" data-testid="pacs-progress" role="status">
          <div className="import-progress-label">
            {pacs.job.phase === 'importing' ? 'Importing' : 'Fetching'} {Math.round(pacs.job.fraction * 100)}%{' '}
            <span className="muted">{pacs.job.detail}</span>
          </div>
          <progress max={1} value={pacs.job.fraction} />
          <button type="button" onClick={pacs.cancel}>
            Cancel
          </button>
        </div>
      )}
      {pacs.message && (
        <div
          className={pacs.message.ok ? 'import-result ok' : 'import-result error'}
          role="status"
          data-testid="pacs-status"
        >
          {pacs.message.text}
        </div>
      )}
    </div>
  );
}
