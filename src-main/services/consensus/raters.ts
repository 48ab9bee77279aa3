// The raters of a comparison, merge, agreement map or adjudication: an explicit set of annotations of one
// volume at their head revisions, decoded to label masks (Uint8Array, i + j*nx + k*nx*ny) on the volume's
// grid. The reviewer ticks the set (annotationIds); without one, the default set is the submitted manual
// annotations (their annotator's submission of the case stands: team/submissions.ts) that have a saved
// mask — an unfinished scratch stroke of an annotator still at work is no rater. Derived annotations
// (consensus, references) and AI drafts are in no default set; includeDerived adds the consensus ones.
// Every result and stored merge names the set and how it was chosen (raterSetOf). No access check here: the
// handlers check the profile first (access.ts); the CLI acts as the workspace's owner.
import type { RaterCandidate, RaterRef, RaterSelection, VolumeMeta } from '../../core/model';
import { InputError } from '../../core/errors';
import { gridOf, type MaskGrid } from '../../core/metrics/grid';
import { workingAnnotationIds } from '../../db/repositories/adjudications';
import { getAnnotation, listAnnotationsOfVolume } from '../../db/repositories/annotations';
import type { AnnotationRow } from '../../db/repositories/annotations';
import { getRevision, listRevisions } from '../../db/repositories/revisions';
import { isSubmitted } from '../../db/repositories/team';
import type { Db } from '../../db/open';
import type { RevisionRow } from '../../db/repositories/revisions';
import type { MaskStore } from '../masks/mask-store';
import { requireVolume } from './access';

export interface SelectedRaters {
  volume: VolumeMeta;
  grid: MaskGrid;
  raters: RaterRef[];
  revisions: RevisionRow[];
  /** 'chosen': the caller named the annotations; 'default': the submitted manual annotations. */
  chosen: 'chosen' | 'default';
}

/** The rater set as provenance records it: how it was chosen, and each rater's annotation and revision. */
export function raterSetOf(sel: SelectedRaters): Record<string, unknown> {
  return {
    chosen: sel.chosen,
    raters: sel.raters.map(({ annotationId, revisionId, name, kind }) => ({
      annotationId,
      revisionId,
      name,
      kind,
    })),
  };
}

/** What kind of derivation a derived annotation is, from its first revision's provenance. */
function derivationOf(db: Db, a: AnnotationRow, working: Set<number>): RaterCandidate['derivation'] {
  if (a.kind === 'manual') return null;
  if (working.has(a.id)) return 'working';
  const first = listRevisions(db, a.id)[0];
  const method = first?.provenance['method'];
  const params = first?.provenance['parameters'] as Record<string, unknown> | undefined;
  if (params?.['kind'] === 'ai-draft') return 'draft';
  if (method === 'reference') return 'reference';
  return 'consensus';
}

/** Every annotation of a volume that could be a rater, and whether the default set holds it. */
export function raterCandidates(db: Db, volumeId: number): RaterCandidate[] {
  const volume = requireVolume(db, volumeId);
  const working = workingAnnotationIds(db);
  return listAnnotationsOfVolume(db, volume.id).map((a) => {
    const submitted = a.kind === 'manual' && isSubmitted(db, a.caseId, a.annotatorId!);
    return {
      annotationId: a.id,
      name: a.authorName,
      kind: a.kind,
      derivation: derivationOf(db, a, working),
      headRevisionId: a.headRevisionId,
      submitted,
      byDefault: submitted && a.headRevisionId !== null,
    };
  });
}

/** Resolves the selection to annotations and head revisions (nothing decoded yet). */
export function selectRaters(
  store: MaskStore,
  sel: RaterSelection,
  minimum: number,
  what: string,
): SelectedRaters {
  const db = store.ws.db;
  const volume = requireVolume(db, sel.volumeId);
  let annotations: AnnotationRow[];
  if (sel.annotationIds && sel.annotationIds.length > 0) {
    const seen = new Set<number>();
    annotations = sel.annotationIds.map((id) => {
      if (seen.has(id)) throw new InputError(undefined, `annotation ${id} is listed twice`);
      seen.add(id);
      const a = getAnnotation(db, id);
      if (!a || a.volumeId !== volume.id) {
        throw new InputError(undefined, `annotation ${id} is not an annotation of volume ${volume.id}`);
      }
      if (a.headRevisionId === null)
        throw new InputError(undefined, `annotation ${id} (${a.authorName}) has no revision yet`);
      return a;
    });
  } else {
    const candidates = raterCandidates(db, volume.id);
    const ids = new Set(
      candidates
        .filter(
          (c) =>
            c.byDefault ||
            (sel.includeDerived === true && c.derivation === 'consensus' && c.headRevisionId !== null),
        )
        .map((c) => c.annotationId),
    );
    annotations = listAnnotationsOfVolume(db, volume.id).filter((a) => ids.has(a.id));
    if (annotations.length < minimum) {
      const unsubmitted = candidates.filter(
        (c) => c.kind === 'manual' && !c.submitted && c.headRevisionId !== null,
      );
      throw new InputError(
        undefined,
        `${what} needs at least ${minimum} raters; volume ${volume.id} (case ${volume.caseId}) has ${annotations.length} submitted annotation(s) with a saved mask` +
          (unsubmitted.length > 0 ? ` (${unsubmitted.length} not submitted: tick them to use them)` : ''),
      );
    }
  }
  if (annotations.length < minimum) {
    throw new InputError(
      undefined,
      `${what} needs at least ${minimum} raters with a saved mask; volume ${volume.id} (case ${volume.caseId}) has ${annotations.length}`,
    );
  }
  const revisions = annotations.map((a) => getRevision(db, a.headRevisionId!)!);
  const raters: RaterRef[] = annotations.map((a, index) => ({
    index,
    annotationId: a.id,
    revisionId: a.headRevisionId!,
    name: a.authorName,
    kind: a.kind,
  }));
  return {
    volume,
    grid: gridOf({ dims: volume.dims, affineLPS: volume.affineLPS }),
    raters,
    revisions,
    chosen: sel.annotationIds && sel.annotationIds.length > 0 ? 'chosen' : 'default',
  };
}

/** Refuses a label no selected rater has (from the revisions' stored voxel counts; nothing is decoded). */
export function requireLabelPresent(sel: SelectedRaters, label: number): void {
  if (sel.revisions.some((r) => (r.labelVoxels[String(label)] ?? 0) > 0)) return;
  const present = [...new Set(sel.revisions.flatMap((r) => Object.keys(r.labelVoxels)))]
    .map(Number)
    .sort((a, b) => a - b);
  throw new InputError(
    undefined,
    `label ${label} is in none of the raters' masks (labels present: ${present.length ? present.join(', ') : 'none'})`,
  );
}

/** Decodes the selected revisions' masks, reporting progress per rater. */
export async function loadMasks(
  store: MaskStore,
  sel: SelectedRaters,
  onProgress?: (fraction: number, stage: string) => void,
): Promise<Uint8Array[]> {
  const masks: Uint8Array[] = [];
  for (const [n, revision] of sel.revisions.entries()) {
    masks.push(await store.decodeRevision(revision, sel.volume.dims));
    onProgress?.((n + 1) / sel.revisions.length, 'reading');
  }
  return masks;
}
