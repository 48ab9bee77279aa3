// The PACS browser's state: the configured servers (pacs:list), a study search (pacs:find) and one fetch
// at a time (pacs:get) with its progress (pacs:progress of this job only); Cancel asks main to stop it
// (import:cancel: a fetch is a job of this window like an import).
import { useCallback, useEffect, useRef, useState } from 'react';
import type { PacsFindRequest, PacsGetSummary, PacsProgress, PacsServerInfo, PacsStudy } from '@contract';
import { getBridge } from '../../api/bridge';

export interface PacsFetchJob {
  id: string;
  study: string;
  phase: PacsProgress['phase'];
  fraction: number;
  detail: string;
}

export interface PacsState {
  servers: PacsServerInfo[] | null;
  studies: PacsStudy[] | null;
  searching: boolean;
  job: PacsFetchJob | null;
  /** The last search's or fetch's message (an error, or what was imported). */
  message: { ok: boolean; text: string } | null;
  search(q: PacsFindRequest): Promise<void>;
  fetchStudy(server: string, study: string): Promise<void>;
  cancel(): void;
}

export function usePacsFetch(
  projectId: number | null,
  onImported: (summary: PacsGetSummary) => void,
): PacsState {
  const bridge = getBridge();
  const [servers, setServers] = useState<PacsServerInfo[] | null>(null);
  const [studies, setStudies] = useState<PacsStudy[] | null>(null);
  const [searching, setSearching] = useState(false);
  const [job, setJob] = useState<PacsFetchJob | null>(null);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const jobRef = useRef<string | null>(null);

  useEffect(() => {
    let live = true;
    void bridge.invoke('pacs:list', undefined).then((r) => {
      if (!live) return;
      if (r.ok) setServers(r.value);
      else setMessage({ ok: false, text: r.error.message });
    });
    return () => {
      live = false;
    };
  }, [bridge]);

  useEffect(
    () =>
      bridge.on('pacs:progress', (p: PacsProgress) => {
        if (p.jobId !== jobRef.current) return;
        setJob((j) => j && { ...j, phase: p.phase, fraction: p.fraction, detail: p.detail });
      }),
    [bridge],
  );

  const search = useCallback(
    async (q: PacsFindRequest) => {
      setSearching(true);
      setMessage(null);
      try {
        const r = await bridge.invoke('pacs:find', q);
        if (r.ok) setStudies(r.value);
        else {
          setStudies(null);
          setMessage({ ok: false, text: r.error.message });
        }
      } finally {
        setSearching(false);
      }
    },
    [bridge],
  );

  const fetchStudy = useCallback(
    async (server: string, study: string) => {
      if (jobRef.current) return;
      const id = crypto.randomUUID();
      jobRef.current = id;
      setMessage(null);
      setJob({ id, study, phase: 'listing', fraction: 0, detail: '' });
      try {
        const r = await bridge.invoke('pacs:get', {
          jobId: id,
          server,
          studyInstanceUID: study,
          ...(projectId !== null ? { projectId } : {}),
        });
        if (r.ok) {
          const n = r.value.volumes.length;
          const resumed = r.value.resumed > 0 ? ` (${r.value.resumed} instances resumed)` : '';
          setMessage({
            ok: true,
            text: `Imported ${n} volume${n === 1 ? '' : 's'} from ${server}${resumed}.`,
          });
          onImported(r.value);
        } else setMessage({ ok: false, text: r.error.message });
      } finally {
        jobRef.current = null;
        setJob(null);
      }
    },
    [bridge, projectId, onImported],
  );

  const cancel = useCallback(() => {
    if (job) void bridge.invoke('import:cancel', { jobId: job.id });
  }, [bridge, job]);

  return { servers, studies, searching, job, message, search, fetchStudy, cancel };
}
