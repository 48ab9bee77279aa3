// Working across workstations: export the project as a bundle (a task for one annotator, an annotator's
// results, or the review) that downloads as one file, and import a bundle (pick it, or drop it on the
// window). Main checks every bundle before writing anything; an unknown signer asks for confirmation
// (TrustDialog). After an import, forked annotations are named: their history shows both branches.
import { useEffect, useRef, useState } from 'react';
import type { AnnotatorInfo, BundleKindName } from '@contract';
import { call, getBridge } from '../../api/bridge';
import { useProjectKind } from '../projects/useProjectKind';
import { takeBundleDrops } from './bundleDrops';
import { TrustDialog } from './TrustDialog';
import { useBundleImport } from './useBundleImport';

interface Props {
  projectId: number | null;
  me: AnnotatorInfo;
}

function saveBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

const DEID_NOTE =
  'PS3.15 Basic Profile: UIDs replaced, dates removed, cases and staff under pseudonyms, no free text or audit rows';
const DEID_RESEARCH = "A research project's bundles are always de-identified";

export function ExchangePanel({ projectId, me }: Props) {
  const manager = me.role !== 'annotator';
  const [kind, setKind] = useState<BundleKindName>(manager ? 'task' : 'result');
  const [forId, setForId] = useState<number | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [deidentify, setDeidentify] = useState(false);
  const research = useProjectKind(projectId) === 'research';
  const imp = useBundleImport();
  const picker = useRef<HTMLInputElement>(null);
  const [profiles, setProfiles] = useState<AnnotatorInfo[]>([]);
  // The annotators a task may be for (read when the panel opens and when the project changes).
  useEffect(() => {
    if (!manager) return;
    let live = true;
    call(getBridge().invoke('annotator:list', undefined))
      .then((list) => live && setProfiles(list))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [manager, projectId]);
  const annotators = profiles.filter((p) => p.role === 'annotator');

  const startImport = imp.start;
  useEffect(() => takeBundleDrops((files) => void startImport(files[0]!)), [startImport]);

  const exportBundle = async () => {
    if (projectId === null) return;
    const target = kind === 'result' && !manager ? me.id : kind === 'task' ? forId : null;
    if (kind === 'task' && target === null) {
      setMessage('choose the annotator the task is for');
      return;
    }
    setBusy(true);
    setMessage('writing the bundle…');
    try {
      const r = await call(
        getBridge().invoke('bundle:export', {
          kind,
          projectId,
          ...(target !== null ? { forAnnotatorId: target } : {}),
          ...(deidentify || research ? { deidentify: true } : {}),
        }),
      );
      saveBlob(await getBridge().fetchBundle(r.downloadId), r.fileName);
      setMessage(
        `${r.fileName}: ${r.cases} case(s), ${r.revisions} revision(s), ${(r.bytes / 2 ** 20).toFixed(1)} MiB${r.imagesIncluded ? '' : ', without images'}${r.deidentified ? ', de-identified' : ''}`,
      );
    } catch (e) {
      setMessage((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const s = imp.state;
  return (
    <section className="panel exchange" aria-label="Exchange" data-testid="exchange">
      <h2>Other workstations</h2>
      {projectId !== null && (
        <div className="exchange-export">
          <select
            value={kind}
            onChange={(e) => setKind(e.target.value as BundleKindName)}
            data-testid="bundle-kind"
            disabled={!manager}
          >
            {manager && <option value="task">Task for an annotator</option>}
            <option value="result">{manager ? 'Results' : 'My results'}</option>
            {manager && <option value="review">Review (consensus, decisions)</option>}
          </select>
          {kind === 'task' && (
            <select
              value={forId ?? ''}
              onChange={(e) => setForId(e.target.value ? Number(e.target.value) : null)}
              data-testid="bundle-for"
            >
              <option value="">for…</option>
              {annotators.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.name}
                </option>
              ))}
            </select>
          )}
          <label title={research ? DEID_RESEARCH : DEID_NOTE}>
            <input
              type="checkbox"
              checked={deidentify || research}
              disabled={research}
              onChange={(e) => setDeidentify(e.target.checked)}
              data-testid="bundle-deidentify"
            />{' '}
            De-identify
          </label>
          <button
            type="button"
            onClick={() => void exportBundle()}
            disabled={busy}
            data-testid="bundle-export"
          >
            Export bundle
          </button>
        </div>
      )}
      {manager && (
        <div className="exchange-import">
          <button
            type="button"
            onClick={() => picker.current?.click()}
            disabled={s.step === 'busy'}
            data-testid="bundle-import"
          >
            Import bundle…
          </button>
          <span className="muted"> or drop a .concord-bundle on the window</span>
          <input
            ref={picker}
            type="file"
            accept=".concord-bundle"
            hidden
            data-testid="bundle-input"
            onChange={(e) => {
              const f = e.target.files?.[0];
              e.target.value = '';
              if (f) void imp.start(f);
            }}
          />
        </div>
      )}
      {message && (
        <p className="muted" data-testid="bundle-export-message">
          {message}
        </p>
      )}
      {s.step === 'busy' && <p className="muted">{s.what}</p>}
      {s.step === 'error' && (
        <p className="error" data-testid="bundle-error">
          {s.message}
        </p>
      )}
      {s.step === 'done' && (
        <p data-testid="bundle-imported">
          {s.answer.changed
            ? `Imported: ${s.answer.revisionsAdded} revision(s), ${s.answer.casesCreated} new case(s).`
            : 'Already imported: nothing changed.'}
          {s.answer.submissionsTaken > 0 && ` ${s.answer.submissionsTaken} submission(s) of cases arrived.`}
          {s.answer.measurementsTaken > 0 &&
            ` ${s.answer.measurementsTaken} measurement(s) arrived or were deleted.`}
          {s.answer.forks.length > 0 &&
            ` ${s.answer.forks.length} annotation(s) now have two branches: pick the head in their history.`}
        </p>
      )}
      {s.step === 'confirm' && (
        <TrustDialog inspection={s.inspection} onTrust={() => void imp.confirm()} onCancel={imp.dismiss} />
      )}
    </section>
  );
}
