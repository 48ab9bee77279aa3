// Project labels: value 1..255, name, '#rrggbb' colour, visibility and opacity. Adding a label or changing
// its name or colour changes what masks mean: reviewers and admins only. Visibility and opacity are display
// settings any signed-in profile may change. Every save is audited.
import type { LabelInfo } from '../../core/model';
import { InputError, NotFoundError } from '../../core/errors';
import { appendAudit } from '../../db/audit';
import type { Db } from '../../db/open';
import { getLabel, listLabels, upsertLabel } from '../../db/repositories/labels';
import { getProject } from '../../db/repositories/projects';
import type { Profile } from '../identity/access';
import { requireRole } from '../identity/access';

export function projectLabels(db: Db, projectId: number): LabelInfo[] {
  if (!getProject(db, projectId)) throw new NotFoundError(`project ${projectId} does not exist`);
  return listLabels(db, projectId);
}

export function checkLabel(l: Omit<LabelInfo, 'id'>): Omit<LabelInfo, 'id'> {
  if (!Number.isInteger(l.value) || l.value < 1 || l.value > 255) {
    throw new InputError(undefined, 'a label value must be an integer 1..255 (0 is background)');
  }
  const name = l.name.trim();
  if (!name || name.length > 100)
    throw new InputError(undefined, 'a label needs a name of 1..100 characters');
  if (!/^#[0-9a-fA-F]{6}$/.test(l.color))
    throw new InputError(undefined, `colour '${l.color}' is not #rrggbb`);
  if (!Number.isFinite(l.opacity) || l.opacity < 0 || l.opacity > 1) {
    throw new InputError(undefined, 'opacity must be between 0 and 1');
  }
  return { ...l, name, color: l.color.toLowerCase() };
}

export function saveLabel(db: Db, profile: Profile, raw: Omit<LabelInfo, 'id'>): LabelInfo {
  const l = checkLabel(raw);
  if (!getProject(db, l.projectId)) throw new NotFoundError(`project ${l.projectId} does not exist`);
  const before = getLabel(db, l.projectId, l.value);
  if (!before || before.name !== l.name || before.color !== l.color) {
    requireRole(
      profile,
      ['reviewer', 'admin'],
      before ? 'renaming or recolouring a label' : 'adding a label',
    );
  }
  return db.transaction(() => {
    const saved = upsertLabel(db, l);
    appendAudit(db, {
      actor: profile.name,
      action: 'label.save',
      detail: { projectId: l.projectId, value: l.value, before: before ?? null, after: saved },
    });
    return saved;
  })();
}
