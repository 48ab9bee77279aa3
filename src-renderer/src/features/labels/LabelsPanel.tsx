// The project's labels: value, name, colour, visibility and opacity. Reviewers and admins add, rename and
// recolour labels (that changes what masks mean); anyone shows, hides and fades them.
import { useState } from 'react';
import type { LabelInfo, Role } from '@contract';
import type { ProjectLabels } from './useLabels';

const PALETTE = ['#ff0000', '#00c000', '#0080ff', '#ffc000', '#c000ff', '#00e0e0', '#ff6000', '#ff00a0'];

interface Props {
  projectId: number | null;
  role: Role;
  project: ProjectLabels;
  activeLabel: number | null;
  onActivate(value: number): void;
}

export function LabelsPanel({ projectId, role, project, activeLabel, onActivate }: Props) {
  const [error, setError] = useState<string | null>(null);
  const [renaming, setRenaming] = useState<number | null>(null);
  const [draft, setDraft] = useState('');
  const canDefine = role !== 'annotator';
  if (projectId === null) return null;

  const save = (l: LabelInfo, patch: Partial<LabelInfo>): void => {
    const { id: _id, ...rest } = { ...l, ...patch };
    setError(null);
    project.save(rest).catch((e: Error) => setError(e.message));
  };
  const add = (): void => {
    const used = new Set(project.labels.map((l) => l.value));
    let value = 1;
    while (used.has(value) && value < 255) value++;
    setError(null);
    project
      .save({
        projectId,
        value,
        name: `Label ${value}`,
        color: PALETTE[(value - 1) % PALETTE.length]!,
        visible: true,
        opacity: 0.5,
      })
      .then((l) => {
        onActivate(l.value);
        setRenaming(l.value);
        setDraft(l.name);
      })
      .catch((e: Error) => setError(e.message));
  };

  return (
    <section className="panel" aria-label="Labels" data-testid="labels-panel">
      <h2>
        Labels
        {canDefine && (
          <button type="button" className="link" data-testid="label-add" onClick={add}>
            + Add
          </button>
        )}
      </h2>
      {(error ?? project.error) && <p className="error">{error ?? project.error}</p>}
      <ul className="labels">
        {project.labels.map((l) => (
          <li
            key={l.value}
            className={l.value === activeLabel ? 'label active' : 'label'}
            data-testid={`label-${l.value}`}
          >
            <input
              type="color"
              aria-label={`Colour of ${l.name}`}
              value={l.color}
              disabled={!canDefine}
              onChange={(e) => project.preview(l.value, { color: e.target.value })}
              onBlur={() => save(l, {})}
            />
            {renaming === l.value ? (
              <input
                className="label-rename"
                data-testid={`label-name-${l.value}`}
                autoFocus
                value={draft}
                onChange={(e) => setDraft(e.target.value)}
                onBlur={() => {
                  setRenaming(null);
                  if (draft.trim() && draft !== l.name) save(l, { name: draft });
                }}
                onKeyDown={(e) => {
                  if (e.key === 'Enter') (e.target as HTMLInputElement).blur();
                  if (e.key === 'Escape') setRenaming(null);
                }}
              />
            ) : (
              <button
                type="button"
                className="link label-name"
                title={canDefine ? 'Select (double-click to rename)' : 'Select'}
                onClick={() => onActivate(l.value)}
                onDoubleClick={() => {
                  if (!canDefine) return;
                  setRenaming(l.value);
                  setDraft(l.name);
                }}
              >
                <span className="muted">{l.value}</span> {l.name}
              </button>
            )}
            <input
              type="range"
              min={0}
              max={1}
              step={0.05}
              aria-label={`Opacity of ${l.name}`}
              value={l.opacity}
              // Shown while dragging, saved (one audit row) when released.
              onChange={(e) => project.preview(l.value, { opacity: Number(e.target.value) })}
              onPointerUp={() => save(l, {})}
              onKeyUp={() => save(l, {})}
            />
            <input
              type="checkbox"
              data-testid={`label-visible-${l.value}`}
              checked={l.visible}
              aria-label={l.visible ? `Hide ${l.name}` : `Show ${l.name}`}
              title={l.visible ? 'Shown (click to hide)' : 'Hidden (click to show)'}
              onChange={() => save(l, { visible: !l.visible })}
            />
          </li>
        ))}
      </ul>
    </section>
  );
}
