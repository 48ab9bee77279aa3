// Projects, their cases and each case's volumes, as one tree. Clicking a volume opens it in the viewer.
import { useEffect, useState } from 'react';
import type { CaseInfo, ProjectInfo, VolumeMeta } from '../../../../src-preload/contract';
import { call, getBridge } from '../../api/bridge';

interface Props {
  /** Changes whenever the workspace content changed (after an import), to reload the lists. */
  refreshKey: number;
  projectId: number | null;
  selectedVolumeId: number | null;
  onSelectProject(projectId: number): void;
  onOpenVolume(volume: VolumeMeta): void;
}

interface CaseWithVolumes extends CaseInfo {
  volumes: VolumeMeta[];
}

export function LibraryPanel({
  refreshKey,
  projectId,
  selectedVolumeId,
  onSelectProject,
  onOpenVolume,
}: Props) {
  const [projects, setProjects] = useState<ProjectInfo[]>([]);
  const [cases, setCases] = useState<CaseWithVolumes[]>([]);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    call(getBridge().invoke('project:list', undefined))
      .then((p) => live && setProjects(p))
      .catch((e: Error) => live && setError(e.message));
    return () => {
      live = false;
    };
  }, [refreshKey]);

  useEffect(() => {
    if (projectId === null) return;
    let live = true;
    const bridge = getBridge();
    (async () => {
      const list = await call(bridge.invoke('case:list', { projectId }));
      const withVolumes = await Promise.all(
        list.map(async (c) => ({
          ...c,
          volumes: await call(bridge.invoke('volume:list', { caseId: c.id })),
        })),
      );
      if (live) setCases(withVolumes);
    })().catch((e: Error) => live && setError(e.message));
    return () => {
      live = false;
    };
  }, [projectId, refreshKey]);

  return (
    <nav className="library" aria-label="Projects and cases">
      <label className="field">
        <span>Project</span>
        <select
          data-testid="project-select"
          value={projectId ?? ''}
          onChange={(e) => onSelectProject(Number(e.target.value))}
        >
          {projectId === null && <option value="">(none)</option>}
          {projects.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name} ({p.caseCount})
            </option>
          ))}
        </select>
      </label>
      {error && <p className="error">{error}</p>}
      {projects.length === 0 && <p className="muted">No project yet. Import images to start.</p>}
      <ul className="cases" data-testid="case-list">
        {cases.map((c) => (
          <li key={c.id} data-testid="case-item">
            <div className="case-name" title={c.name}>
              {c.name}
            </div>
            <ul className="volumes">
              {c.volumes.map((v) => (
                <li key={v.id}>
                  <button
                    type="button"
                    data-testid={`volume-item-${v.id}`}
                    className={v.id === selectedVolumeId ? 'volume selected' : 'volume'}
                    onClick={() => onOpenVolume(v)}
                    title={`${v.dims.join('×')} ${v.scalarType}, ${v.spacing.map((s) => s.toFixed(2)).join('×')} mm`}
                  >
                    <span className="volume-name">{v.name}</span>
                    <span className="volume-dims">
                      {v.modality ?? v.sourceFormat.toUpperCase()} · {v.dims.join('×')}
                    </span>
                  </button>
                </li>
              ))}
            </ul>
          </li>
        ))}
      </ul>
    </nav>
  );
}
