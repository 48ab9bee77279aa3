// Projects, their cases and each case's volumes, as one tree. Clicking a volume opens it in the viewer. The
// lists are queries ('projects', 'cases'): an import invalidates them. Volumes whose names repeat in a case
// are told apart by series number, slice plane, slice count and date (core/volume/series-label.ts).
// Each case shows its subject (the person imaged) when it has one. Reviewers and admins manage projects
// (ProjectsDialog), set cases' subjects and move cases; admins remove them (CaseActions).
import { useMemo, useState } from 'react';
import type { CaseInfo, Role, VolumeMeta } from '@contract';
import { seriesLabels } from '@core/volume/series-label';
import { call, getBridge } from '../../api/bridge';
import { useQuery } from '../../api/useQuery';
import { CaseActions } from '../projects/CaseActions';
import { ProjectsDialog } from '../projects/ProjectsDialog';
import { subjectText } from '../projects/subjectText';

interface Props {
  /** The signed-in profile's role, or null when signed out. */
  role: Role | null;
  projectId: number | null;
  selectedVolumeId: number | null;
  onSelectProject(projectId: number): void;
  onOpenVolume(volume: VolumeMeta): void;
}

interface CaseWithVolumes extends CaseInfo {
  volumes: VolumeMeta[];
}

const NO_CASES: CaseWithVolumes[] = [];

async function casesWithVolumes(projectId: number): Promise<CaseWithVolumes[]> {
  const bridge = getBridge();
  const list = await call(bridge.invoke('case:list', { projectId }));
  return Promise.all(
    list.map(async (c) => ({
      ...c,
      volumes: await call(bridge.invoke('volume:list', { caseId: c.id })),
    })),
  );
}

/** What each kind of project does with identifiers (services/workspace/deidentify.ts). */
const KIND_NOTE = {
  clinical: 'Clinical project: source DICOM UIDs kept, so a SEG sent back to the PACS finds its series.',
  research:
    'Research project: DICOM UIDs replaced, dates removed or shifted, no free text (PS3.15 Basic Profile).',
} as const;

export function LibraryPanel({ role, projectId, selectedVolumeId, onSelectProject, onOpenVolume }: Props) {
  const [managing, setManaging] = useState(false);
  const projectsQuery = useQuery({
    name: 'projects',
    params: null,
    fetch: () => call(getBridge().invoke('project:list', undefined)),
  });
  const casesQuery = useQuery(
    projectId === null
      ? null
      : { name: 'cases', params: { projectId }, fetch: () => casesWithVolumes(projectId) },
  );
  const projects = projectsQuery.data ?? [];
  const cases = casesQuery.data ?? NO_CASES;
  const error = projectsQuery.error ?? casesQuery.error;
  const labels = useMemo(
    () =>
      new Map(
        cases.flatMap((c) => {
          const names = seriesLabels(c.volumes);
          return c.volumes.map((v, i) => [v.id, names[i]!] as const);
        }),
      ),
    [cases],
  );
  const selectedProject = projects.find((p) => p.id === projectId);

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
              {p.name} ({p.caseCount}){p.kind === 'research' ? ' · research' : ''}
              {p.archivedAt ? ' — archived' : ''}
            </option>
          ))}
        </select>
      </label>
      {role !== null && role !== 'annotator' && (
        <button
          type="button"
          className="link"
          data-testid="manage-projects"
          onClick={() => setManaging(true)}
        >
          Projects…
        </button>
      )}
      {managing && (
        <ProjectsDialog onClose={() => setManaging(false)} onCreated={(p) => onSelectProject(p.id)} />
      )}
      {selectedProject && (
        <p className="muted" data-testid="project-kind">
          {KIND_NOTE[selectedProject.kind]}
        </p>
      )}
      {error && <p className="error">{error}</p>}
      {projects.length === 0 && <p className="muted">No project yet. Import images to start.</p>}
      <ul className="cases" data-testid="case-list">
        {cases.map((c) => (
          <li key={c.id} data-testid="case-item">
            <div className="case-name" title={c.name}>
              {c.name}
              {role !== null && <CaseActions c={c} role={role} projects={projects} />}
            </div>
            {c.subject !== null && (
              <div
                className="case-subject muted"
                data-testid={`subject-of-${c.name}`}
                title="The person imaged: a training run split by subject keeps their cases on one side"
              >
                {subjectText(c.subject)}
              </div>
            )}
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
                    <span className="volume-name" data-testid="volume-label">
                      {labels.get(v.id) ?? v.name}
                    </span>
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
