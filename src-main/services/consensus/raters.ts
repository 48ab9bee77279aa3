// The raters of a comparison or merge: annotations of one volume at their head revisions, decoded to label
// masks (Uint8Array, i + j*nx + k*nx*ny) on the volume's grid. No access check here: the handlers check the
// profile first (access.ts); the CLI acts as the workspace's owner.
import type { RaterRef, RaterSelection, VolumeMeta } from '../../core/model';
import { InputError } from '../../core/errors';
import { gridOf, type MaskGrid } from '../../core/metrics/grid';
import { workingAnnotationIds } from '../../db/repositories/adjudications';
import { getAnnotation, listAnnotationsOfVolume } from '../../db/repositories/annotations';
import type { AnnotationRow } from '../../db/repositories/annotations';
import { getRevision } from '../../db/repositories/revisions';
import type { RevisionRow } from '../../db/repositories/revisions';
import type { MaskStore } from '../masks/mask-store';
import { requireVolume } from './access';

export interface SelectedRaters {
  volume: VolumeMeta;
  grid: MaskGrid;
  raters: RaterRef[];
  revisions: RevisionRow[];
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
    const working = workingAnnotationIds(db);
    const all = listAnnotationsOfVolume(db, volume.id).filter((a) => a.headRevisionId !== null);
    annotations = [
      ...all.filter((a) => a.kind === 'manual'),
      ...(sel.includeDerived ? all.filter((a) => a.kind === 'derived' && !working.has(a.id)) : []),
    ];
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
  return { volume, grid: gridOf({ dims: volume.dims, affineLPS: volume.affineLPS }), raters, revisions };
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
