// Reviewer/admin: the workspace's projects — create one (name, modality, clinical or research, labels; the
// kind never changes: a research project de-identifies at import), rename it, change its
// modality, archive or restore it. An archived project keeps everything and leaves the import targets.
import { useState } from 'react';
import type { ProjectInfo, ProjectKind } from '@contract';
import { call, getBridge } from '../../api/bridge';
import { invalidateQueries } from '../../api/queries';
import { useQuery } from '../../api/useQuery';
import { parseLabelLines } from './labelLines';

export function ProjectsDialog({ onClose, onCreated }: { onClose(): void; onCreated(p: ProjectInfo): void }) {
  const projects = useQuery({
    name: 'projects',
    params: null,
    fetch: () => call(getBridge().invoke('project:list', undefined)),
  });
  const [name, setName] = useState('');
  const [modality, setModality] = useState('');
  const [kind, setKind] = useState<ProjectKind>('clinical');
  const [labels, setLabels] = useState('1 Lesion #ff0000');
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [renaming, setRenaming] = useState<{ id: number; name: string; modality: string } | null>(null);

  const act = async (what: () => Promise<string>) => {
    try {
      setMessage({ ok: true, text: await what() });
      invalidateQueries('projects', 'cases', 'audit');
    } catch (e) {
      setMessage({ ok: false, text: (e as Error).message });
    }
  };
  const create = () =>
    act(async () => {
      const parsed = parseLabelLines(labels);
      if ('error' in parsed) throw new Error(parsed.error);
      const p = await call(
        getBridge().invoke('project:create', {
          name: name.trim(),
          modality: modality.trim() || null,
          kind,
          labels: parsed.labels,
        }),
      );
      setName('');
      onCreated(p);
      return `Created ${p.name}.`;
    });
  const update = (req: { projectId: number; name?: string; modality?: string | null; archived?: boolean }) =>
    act(async () => {
      const p = await call(getBridge().invoke('project:update', req));
      setRenaming(null);
      return `${p.name} ${p.archivedAt ? 'archived' : 'saved'}.`;
    });

  return (
    <div className="dialog-backdrop" onClick={onClose} onKeyDown={(e) => e.key === 'Escape' && onClose()}>
      <div
        className="dialog"
        role="dialog"
        aria-label="Projects"
        data-testid="projects-dialog"
        onClick={(e) => e.stopPropagation()}
      >
        <h2>Projects</h2>
        <table>
          <tbody>
            {(projects.data ?? []).map((p) => (
              <tr
                key={p.id}
                data-testid={`project-row-${p.name}`}
                data-archived={p.archivedAt ? 'true' : 'false'}
              >
                {renaming?.id === p.id ? (
                  <td colSpan={3}>
                    <input
                      data-testid="project-rename"
                      value={renaming.name}
                      onChange={(e) => setRenaming({ ...renaming, name: e.target.value })}
                    />
                    <input
                      placeholder="Modality"
                      value={renaming.modality}
                      onChange={(e) => setRenaming({ ...renaming, modality: e.target.value })}
                    />
                    <button
                      type="button"
                      data-testid="project-rename-save"
                      onClick={() =>
                        void update({
                          projectId: p.id,
                          name: renaming.name,
                          modality: renaming.modality.trim() || null,
                        })
                      }
                    >
                      Save
                    </button>
                  </td>
                ) : (
                  <>
                    <td>
                      {p.name} {p.archivedAt && <span className="muted">(archived)</span>}
                    </td>
                    <td className="muted">
                      {p.modality ?? '—'} · {p.kind} · {p.caseCount} case(s)
                    </td>
                    <td className="actions">
                      <button
                        type="button"
                        className="link"
                        data-testid="project-rename-start"
                        onClick={() => setRenaming({ id: p.id, name: p.name, modality: p.modality ?? '' })}
                      >
                        Rename…
                      </button>
                      <button
                        type="button"
                        className="link"
                        data-testid="project-archive"
                        onClick={() => void update({ projectId: p.id, archived: !p.archivedAt })}
                      >
                        {p.archivedAt ? 'Restore' : 'Archive'}
                      </button>
                    </td>
                  </>
                )}
              </tr>
            ))}
          </tbody>
        </table>
        <form
          className="project-create"
          onSubmit={(e) => {
            e.preventDefault();
            void create();
          }}
        >
          <h3>New project</h3>
          <input
            data-testid="new-project-name"
            placeholder="Name"
            value={name}
            onChange={(e) => setName(e.target.value)}
          />
          <input
            data-testid="new-project-modality"
            placeholder="Modality (CT, MR, …)"
            value={modality}
            onChange={(e) => setModality(e.target.value)}
          />
          <select
            data-testid="new-project-kind"
            value={kind}
            onChange={(e) => setKind(e.target.value as ProjectKind)}
            title="Research: DICOM UIDs replaced, dates removed, no free text at import (cannot change later)"
          >
            <option value="clinical">Clinical (keeps DICOM UIDs)</option>
            <option value="research">Research (de-identified at import)</option>
          </select>
          <label className="field">
            <span>Labels, one a line: value name #rrggbb</span>
            <textarea
              data-testid="new-project-labels"
              rows={3}
              value={labels}
              onChange={(e) => setLabels(e.target.value)}
            />
          </label>
          <button type="submit" data-testid="new-project-create" disabled={!name.trim()}>
            Create
          </button>
        </form>
        {message && (
          <p className={message.ok ? 'muted' : 'error'} data-testid="projects-message" role="status">
            {message.text}
          </p>
        )}
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
    </div>
  );
}
