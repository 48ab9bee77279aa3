// Who may use the consensus channels: a signed-in reviewer or admin, on a case opened for review. Comparing,
// merging and adjudicating show every rater's voxels and figures side by side, so blinding must have ended
// for the case (case:openReview) before anyone, admins included, gets them; annotators never do.
import type { VolumeMeta } from '../../core/model';
import { ForbiddenError, NotFoundError } from '../../core/errors';
import type { Db } from '../../db/open';
import { getCase, isReviewOpen } from '../../db/repositories/reviews';
import { getVolume } from '../../db/repositories/volumes';
import type { CallContext } from '../context';
import { requireProfile, requireRole, type Profile } from '../identity/access';

export function requireVolume(db: Db, volumeId: number): VolumeMeta {
  const volume = getVolume(db, volumeId);
  if (!volume) throw new NotFoundError(`volume ${volumeId} does not exist`);
  return volume;
}

/** The signed-in reviewer/admin, once the volume's case is open for review; else ForbiddenError. */
export function requireReviewer(db: Db, ctx: CallContext, volumeId: number, what: string): Profile {
  const profile = requireProfile(db, ctx, what);
  requireRole(profile, ['reviewer', 'admin'], what);
  const volume = requireVolume(db, volumeId);
  if (!isReviewOpen(db, volume.caseId)) {
    const name = getCase(db, volume.caseId)?.name ?? String(volume.caseId);
    throw new ForbiddenError(
      `${what} needs case ${name} opened for review first (its annotations are still blinded)`,
    );
  }
  return profile;
}
