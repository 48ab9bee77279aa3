// Who may receive a published event. Blinding applies to pushed events as it does to reads: an annotator's
// window hears of an annotation's new revision (its id and author) only when it may see that annotation
// (its own, or any once the case is open for review); reviewers and admins hear of all; a signed-out
// window hears of none. Decided per recipient at the moment of sending, from the stored profile (a role
// changed or a profile removed since sign-in counts) and the stored review state. Training events go to
// every signed-in window.
import type { EventChannel, Events } from '@contract';
import type { Db } from '../../db/open';
import { getAnnotation } from '../../db/repositories/annotations';
import { getAnnotator } from '../../db/repositories/annotators';
import type { SessionState } from '../context';
import { canSee } from './blinding';

export function mayReceive<E extends EventChannel>(
  db: Db,
  session: SessionState,
  event: E,
  payload: Events[E],
): boolean {
  switch (event) {
    case 'annotation:changed': {
      const s = session.annotator;
      const profile = s ? getAnnotator(db, s.id) : undefined;
      if (!profile) return false;
      const annotation = getAnnotation(db, (payload as Events['annotation:changed']).annotationId);
      return annotation !== undefined && canSee(db, profile, annotation);
    }
    // Adjudication is reviewers' and admins' work: other reviewers' windows follow it, annotators never hear
    // of it (it names the case's working reference mask).
    case 'adjudication:changed': {
      const s = session.annotator;
      const profile = s ? getAnnotator(db, s.id) : undefined;
      return profile !== undefined && profile.role !== 'annotator';
    }
    // Training runs are listed to every signed-in profile (training/handlers.ts): their progress and status
    // follow the same rule, so every signed-in window's Training drawer moves live.
    case 'training:progress':
    case 'training:status': {
      const s = session.annotator;
      return s !== null && getAnnotator(db, s.id) !== undefined;
    }
    // Import progress names files and belongs to the window that started the import (sent with emit).
    case 'import:progress':
    case 'pacs:progress':
      return false;
    default:
      return false;
  }
}
