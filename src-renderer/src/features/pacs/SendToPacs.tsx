// "Send to PACS" on a reference mask: its DICOM SEG stored on a configured server (pacs:send, STOW-RS),
// filed there beside the series it was drawn on. Only data managers may send (main refuses others); a
// volume that did not come from DICOM is refused with the reason. A research project's reference is not
// sent: the button is disabled and says why (main refuses it too, unless asked to de-identify: the CLI's
// `pacs send --deidentified`).
import { useEffect, useState } from 'react';
import type { PacsServerInfo } from '@contract';
import { getBridge } from '../../api/bridge';
import { useProjectKind } from '../projects/useProjectKind';

export const RESEARCH_REFUSAL =
  "A research project's masks are not sent to the PACS: its UIDs are replaced, so the PACS does not hold " +
  'its series (`concord pacs send --deidentified` sends a de-identified SEG)';

export function SendToPacs({ revisionId, projectId }: { revisionId: number; projectId: number | null }) {
  const research = useProjectKind(projectId) === 'research';
  const bridge = getBridge();
  const [servers, setServers] = useState<PacsServerInfo[]>([]);
  const [server, setServer] = useState('');
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);

  useEffect(() => {
    let live = true;
    void bridge.invoke('pacs:list', undefined).then((r) => {
      if (live && r.ok) setServers(r.value);
    });
    return () => {
      live = false;
    };
  }, [bridge]);

  if (servers.length === 0) return null;
  const chosen = server || servers[0]!.name;
  const send = async () => {
    setBusy(true);
    setMessage(null);
    try {
      const r = await bridge.invoke('pacs:send', { server: chosen, revisionId });
      setMessage(
        r.ok
          ? { ok: true, text: `Sent to ${r.value.server} as a DICOM SEG.` }
          : { ok: false, text: r.error.message },
      );
    } finally {
      setBusy(false);
    }
  };
  return (
    <span className="pacs-send" data-testid={`pacs-send-${revisionId}`}>
      {servers.length > 1 && (
        <select aria-label="PACS" value={chosen} onChange={(e) => setServer(e.target.value)}>
          {servers.map((s) => (
            <option key={s.name}>{s.name}</option>
          ))}
        </select>
      )}
      <button
        type="button"
        disabled={busy || research}
        title={research ? RESEARCH_REFUSAL : `Store revision ${revisionId} as a DICOM SEG on ${chosen}`}
        onClick={() => void send()}
      >
        {busy ? 'Sending…' : `Send to PACS${servers.length === 1 ? ` (${chosen})` : ''}`}
      </button>
      {message && (
        <span className={message.ok ? 'ok' : 'error'} role="status">
          {' '}
          {message.text}
        </span>
      )}
    </span>
  );
}
