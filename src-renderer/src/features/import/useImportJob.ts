// An import job: runs import:run on paths, or uploads picked files first (web host), following its
// progress events (import:progress of this job only) until it ends; the outcome says what was imported
// and what was skipped. One job at a time; Cancel asks main to stop it. A window that may not import
// (`blockedReason`) gets that reason as the outcome instead.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ImportProgress, ImportRequest, ImportSource, ImportSummary, RefusedFile } from '@contract';
import { getBridge } from '../../api/bridge';
import type { PickedFile } from './droppedFiles';

/** The running job as the panel shows it: its phase, 0..1, and a detail line. */
export interface JobState {
  id: string;
  label: string;
  fraction: number;
  detail: string;
}

/** How the last import ended: its message, the files refused (with the reason) and other notes. */
export interface Outcome {
  ok: boolean;
  message: string;
  skipped: string[];
  refused?: RefusedFile[];
}

export interface ImportJob {
  /** The running job, or null. */
  job: JobState | null;
  outcome: Outcome | null;
  setOutcome(o: Outcome | null): void;
  start(what: { paths: string[] } | { files: PickedFile[] }): Promise<void>;
  cancel(): void;
}

export function useImportJob(
  projectId: number | null,
  blockedReason: string | null,
  onImported: (summary: ImportSummary) => void,
  frames?: ImportRequest['frames'],
): ImportJob {
  const bridge = getBridge();
  const [job, setJob] = useState<JobState | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  // The running job's id, readable from event callbacks without re-subscribing.
  const jobRef = useRef<string | null>(null);

  useEffect(
    () =>
      bridge.on('import:progress', (p: ImportProgress) => {
        if (p.jobId !== jobRef.current) return;
        setJob(
          (j) =>
            j && {
              ...j,
              label: p.phase === 'storing' ? 'Storing' : 'Reading',
              fraction: p.fraction,
              detail: p.detail,
            },
        );
      }),
    [bridge],
  );

  const runImport = useCallback(
    async (source: ImportSource, jobId: string) => {
      const r = await bridge.invoke('import:run', {
        jobId,
        source,
        ...(projectId !== null ? { projectId } : {}),
        ...(frames ? { frames } : {}),
      });
      if (r.ok) {
        const n = r.value.volumes.length;
        const refused = r.value.refused;
        const lines = new Set(refused.map((f) => `${f.file}: ${f.reason}`));
        setOutcome({
          ok: true,
          message:
            `Imported ${n} volume${n === 1 ? '' : 's'}.` +
            (refused.length ? ` ${refused.length} file${refused.length === 1 ? '' : 's'} not imported.` : ''),
          skipped: r.value.skipped.filter((l) => !lines.has(l)),
          refused,
        });
        onImported(r.value);
      } else {
        setOutcome({ ok: false, message: r.error.message, skipped: [] });
      }
    },
    [bridge, projectId, onImported, frames],
  );

  const start = useCallback(
    async (what: { paths: string[] } | { files: PickedFile[] }) => {
      if (jobRef.current) return;
      if (blockedReason) {
        setOutcome({ ok: false, message: blockedReason, skipped: [] });
        return;
      }
      const id = crypto.randomUUID();
      jobRef.current = id;
      setOutcome(null);
      setJob({ id, label: 'Preparing', fraction: 0, detail: '' });
      try {
        if ('paths' in what) {
          await runImport({ kind: 'paths', paths: what.paths }, id);
        } else {
          if (!bridge.uploadFiles) throw new Error('this host cannot receive files');
          setJob({ id, label: 'Uploading', fraction: 0, detail: `${what.files.length} files` });
          const uploadId = await bridge.uploadFiles(what.files, (sent, total) =>
            setJob((j) => j && { ...j, fraction: total > 0 ? sent / total : 1 }),
          );
          setJob({ id, label: 'Reading', fraction: 0, detail: '' });
          await runImport({ kind: 'upload', uploadId }, id);
        }
      } catch (e) {
        setOutcome({ ok: false, message: (e as Error).message, skipped: [] });
      } finally {
        jobRef.current = null;
        setJob(null);
      }
    },
    [bridge, runImport, blockedReason],
  );

  const cancel = useCallback(() => {
    if (job) void bridge.invoke('import:cancel', { jobId: job.id });
  }, [bridge, job]);

  return { job, outcome, setOutcome, start, cancel };
}
