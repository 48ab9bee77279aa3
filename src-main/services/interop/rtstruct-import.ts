// RTSTRUCT in: the closed planar contours of a structure set drawn on a CT series that is in the workspace,
// rasterised onto that volume's grid (core/mask/rasterise-contours.ts: a voxel is inside when its centre is
// inside the polygon, even-odd rule) as one label per ROI, stored as the annotator's new revision through
// the same rows as any mask import (masks/mask-import.ts).
//
// Labels: an ROI takes the project's label of the same name (case-insensitive); otherwise a new label with
// the ROI's name and display colour, at the lowest free value. Refusals (one line, nothing stored): not an
// RTSTRUCT; it references a series that is not the volume's (or is not in the workspace at all); a
// contour off the volume's slices; overlapping ROIs (pick some with `rois`).
import path from 'node:path';
import { InputError, NotFoundError } from '../../core/errors';
import { replacementUid } from '../../core/deid/confidentiality-profile';
import { rasteriseContours } from '../../core/mask/rasterise-contours';
import type { LabelInfo } from '../../core/model';
import { appendAudit } from '../../db/audit';
import { listLabels, upsertLabel } from '../../db/repositories/labels';
import { getProject } from '../../db/repositories/projects';
import { getCase } from '../../db/repositories/reviews';
import { getVolume, getVolumeSource } from '../../db/repositories/volumes';
import { readRtStruct } from '../../io/rtstruct/read';
import type { RtRoi } from '../../io/rtstruct/read';
import type { Workspace } from '../../workspace/workspace';
import { recordImportedMask } from '../masks/mask-import';
import type { ImportedMask } from '../masks/mask-import';
import { storeMaskBlob } from '../masks/mask-store';
import { deidHash, sourceUidForms } from '../workspace/deidentify';
import { ConflictError } from '../../core/errors';

export interface RtRoiOutcome {
  name: string;
  label: number;
  contours: number;
  /** Contours that were not CLOSED_PLANAR (points, open lines): they enclose nothing. */
  skippedContours: number;
  voxels: number;
}

export interface ImportedRtStruct extends ImportedMask {
  sopInstanceUID: string;
  rois: RtRoiOutcome[];
}

function dicomOf(source: unknown): { seriesInstanceUID?: string; frameOfReferenceUID?: string } {
  return (
    (source as { dicom?: { seriesInstanceUID?: string; frameOfReferenceUID?: string } } | null)?.dicom ?? {}
  );
}

/**
 * Refuses an RTSTRUCT that was not drawn on this volume, saying where its series is (if anywhere). The
 * referenced series decides; a structure set that names none is taken when its Frame of Reference is the
 * volume's (same patient position, same scanner frame).
 */
function checkReferencedSeries(
  ws: Workspace,
  file: string,
  volumeId: number,
  rs: { referencedSeries: string[]; frameOfReferenceUID: string | null },
): void {
  const own = dicomOf(getVolumeSource(ws.db, volumeId)?.source);
  // A research project stores the keyed replacements of the source's UIDs; the RTSTRUCT names the originals.
  const forms = sourceUidForms(ws);
  const names = (stored: string | undefined) => (uid: string | null) =>
    uid !== null && stored !== undefined && forms(uid).includes(stored);
  const referenced = rs.referencedSeries;
  if (referenced.length === 0) {
    if (names(own.frameOfReferenceUID)(rs.frameOfReferenceUID)) return;
    throw new InputError(
      file,
      `the RTSTRUCT names no image series, and its Frame of Reference (${rs.frameOfReferenceUID ?? 'none'}) is not volume ${volumeId}'s`,
    );
  }
  if (referenced.some(names(own.seriesInstanceUID))) {
    if (
      rs.frameOfReferenceUID &&
      own.frameOfReferenceUID &&
      !names(own.frameOfReferenceUID)(rs.frameOfReferenceUID)
    )
      throw new InputError(
        file,
        `the RTSTRUCT names volume ${volumeId}'s series but another Frame of Reference (${rs.frameOfReferenceUID})`,
      );
    return;
  }
  const candidates = referenced.flatMap(forms);
  const rows = ws.db
    .prepare(
      `SELECT id FROM volumes WHERE json_extract(source_json, '$.dicom.seriesInstanceUID') IN (${candidates
        .map(() => '?')
        .join(',')}) ORDER BY id`,
    )
    .all(...candidates) as { id: number }[];
  const series = referenced.join(', ');
  if (rows.length > 0)
    throw new InputError(
      file,
      `the RTSTRUCT was drawn on series ${series}, which is volume ${rows.map((r) => r.id).join(', ')}, not volume ${volumeId}`,
    );
  throw new InputError(
    file,
    `the RTSTRUCT was drawn on series ${series}, which is not in this workspace: import that image series first`,
  );
}

/** Label value per ROI: the project's label of the same name, else the lowest free value (created). */
function labelPlan(existing: LabelInfo[], rois: RtRoi[]): { label: number; create: boolean }[] {
  const used = new Set(existing.map((l) => l.value));
  return rois.map((roi) => {
    const same = existing.find((l) => l.name.toLowerCase() === roi.name.toLowerCase());
    if (same) return { label: same.value, create: false };
    let v = 1;
    while (used.has(v)) v++;
    if (v > 255)
      throw new InputError(undefined, `no free label value for ROI '${roi.name}' (1..255 are taken)`);
    used.add(v);
    return { label: v, create: true };
  });
}

export async function importRtStruct(
  ws: Workspace,
  opts: { file: string; volumeId: number; annotator: string; actor: string; rois?: string[] },
): Promise<ImportedRtStruct> {
  const volume = getVolume(ws.db, opts.volumeId);
  if (!volume) throw new NotFoundError(`volume ${opts.volumeId} does not exist`);
  const rs = await readRtStruct(opts.file);
  checkReferencedSeries(ws, opts.file, volume.id, rs);
  let rois = rs.rois;
  if (opts.rois) {
    const unknown = opts.rois.filter((n) => !rs.rois.some((r) => r.name === n));
    if (unknown.length > 0) {
      throw new InputError(
        opts.file,
        `no ROI named ${unknown.map((n) => `'${n}'`).join(', ')} (it has ${rs.rois.map((r) => `'${r.name}'`).join(', ')})`,
      );
    }
    rois = rs.rois.filter((r) => opts.rois!.includes(r.name));
  }
  const projectId = getCase(ws.db, volume.caseId)!.projectId;
  const existing = listLabels(ws.db, projectId);
  const plan = labelPlan(existing, rois);
  const raster = rasteriseContours(
    { dims: volume.dims, affineLPS: volume.affineLPS },
    rois.map((r, n) => ({ label: plan[n]!.label, name: r.name, contours: r.contours.map((c) => c.points) })),
  );
  if (!raster.ok) throw new InputError(opts.file, raster.reason);
  if ([...raster.voxels.values()].every((v) => v === 0))
    throw new InputError(opts.file, 'the ROIs enclose no voxel centre of the volume');
  const { blob, counts } = await storeMaskBlob(ws, raster.labels, volume.dims);
  const outcomes: RtRoiOutcome[] = rois.map((r, n) => ({
    name: r.name,
    label: plan[n]!.label,
    contours: r.contours.length,
    skippedContours: r.skippedContours,
    voxels: raster.voxels.get(plan[n]!.label) ?? 0,
  }));
  const research = getProject(ws.db, projectId)?.kind === 'research';
  const at = new Date().toISOString();
  const rows = ws.db.transaction(() => {
    // Labels named after the ROIs, created here so that the mask import does not name them "Label <v>".
    for (const [n, p] of plan.entries()) {
      if (!p.create) continue;
      if (listLabels(ws.db, projectId).some((l) => l.value === p.label))
        throw new ConflictError(`label ${p.label} was created meanwhile; import the RTSTRUCT again`);
      const roi = rois[n]!;
      const after = upsertLabel(ws.db, {
        projectId,
        value: p.label,
        name: roi.name,
        color: roi.color ?? '#ffff00',
        visible: true,
        opacity: 0.5,
      });
      appendAudit(
        ws.db,
        {
          actor: opts.actor,
          action: 'label.save',
          detail: { projectId, value: p.label, before: null, after },
        },
        at,
      );
    }
    return recordImportedMask(ws.db, {
      volumeId: volume.id,
      projectId,
      annotatorName: opts.annotator,
      blob,
      counts,
      // A research project keeps no file name and no original UID (the structure set's own replaced).
      provenance: {
        source: 'rtstruct',
        ...(research ? {} : { file: path.basename(opts.file) }),
        sopInstanceUID: research ? replacementUid(deidHash(ws), rs.sopInstanceUID) : rs.sopInstanceUID,
        rule: 'voxel centre inside the contours, even-odd',
        rois: outcomes.map(({ name, label }) => ({ name, label })),
      },
      actor: opts.actor,
      at,
    });
  })();
  return {
    ...rows,
    labelsCreated: plan.filter((p) => p.create).map((p) => p.label),
    sopInstanceUID: rs.sopInstanceUID,
    rois: outcomes,
  };
}
