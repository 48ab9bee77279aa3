// Label rows <-> LabelInfo. A label is a value 1..255 of a project's masks with a name, a '#rrggbb' colour,
// and how it is shown (visible, opacity 0..1).
import type { LabelInfo } from '../../core/model';
import type { Db } from '../open';

/** The label every new project starts with. */
export const DEFAULT_LABEL = { value: 1, name: 'Lesion', color: '#ff0000', visible: true, opacity: 0.5 };

/** Colours for labels created on the fly (mask imports with values the project has no label for). */
const PALETTE = ['#ff0000', '#00c000', '#0080ff', '#ffc000', '#c000ff', '#00e0e0', '#ff6000', '#ff00a0'];

interface LabelRow {
  id: number;
  project_id: number;
  value: number;
  name: string;
  color: string;
  visible: number;
  opacity: number;
}

function toInfo(r: LabelRow): LabelInfo {
  return {
    id: r.id,
    projectId: r.project_id,
    value: r.value,
    name: r.name,
    color: r.color,
    visible: r.visible === 1,
    opacity: r.opacity,
  };
}

export function listLabels(db: Db, projectId: number): LabelInfo[] {
  return (
    db.prepare('SELECT * FROM labels WHERE project_id = ? ORDER BY value').all(projectId) as LabelRow[]
  ).map(toInfo);
}

export function getLabel(db: Db, projectId: number, value: number): LabelInfo | undefined {
  const r = db.prepare('SELECT * FROM labels WHERE project_id = ? AND value = ?').get(projectId, value) as
    LabelRow | undefined;
  return r && toInfo(r);
}

/** Inserts or updates the label (project, value); call inside a transaction with its audit row. */
export function upsertLabel(db: Db, l: Omit<LabelInfo, 'id'>): LabelInfo {
  db.prepare(
    `INSERT INTO labels (project_id, value, name, color, visible, opacity) VALUES (?, ?, ?, ?, ?, ?)
     ON CONFLICT (project_id, value) DO UPDATE SET
       name = excluded.name, color = excluded.color, visible = excluded.visible, opacity = excluded.opacity`,
  ).run(l.projectId, l.value, l.name, l.color, l.visible ? 1 : 0, l.opacity);
  return getLabel(db, l.projectId, l.value)!;
}

export function insertDefaultLabels(db: Db, projectId: number): void {
  upsertLabel(db, { projectId, ...DEFAULT_LABEL });
}

/**
 * Makes sure every value in `values` (1..255) has a label in the project, creating "Label <v>" with a
 * palette colour where missing (or the name and colour `named` gives, e.g. a DICOM SEG's segment). Returns
 * the labels created; call inside a transaction.
 */
export function ensureLabels(
  db: Db,
  projectId: number,
  values: Iterable<number>,
  named?: ReadonlyMap<number, { name: string; color?: string }>,
): LabelInfo[] {
  const created: LabelInfo[] = [];
  for (const value of values) {
    if (value === 0 || getLabel(db, projectId, value)) continue;
    const given = named?.get(value);
    created.push(
      upsertLabel(db, {
        projectId,
        value,
        name: given?.name ?? `Label ${value}`,
        color: given?.color ?? PALETTE[(value - 1) % PALETTE.length]!,
        visible: true,
        opacity: 0.5,
      }),
    );
  }
  return created;
}
