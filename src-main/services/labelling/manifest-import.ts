// Batch import of a labelled data set from a JSON manifest (a "datalist"):
//   [ { "case": "P01", "image": "images/p01.nii.gz", "masks": { "Reader 1": "labels/p01_r1.nii.gz", ... } }, ... ]
// An entry may name its "subject" (the person imaged, e.g. "LIDC-IDRI-0001"): a training run keeps the cases
// of one subject on one side of its train/validation split.
// Paths are relative to the manifest's folder (absolute paths are kept). Each case is all or nothing: its
// image and masks are read and checked (masks must lie on the image's grid), their blobs stored, then every
// row of the case (case, volume, profiles, annotations, labels, revisions, audit) commits in one
// transaction. A case that fails is reported with its reason and leaves nothing behind but unreferenced
// blob files; the other cases go on. Annotators without a profile get one without a password.
// A mask may be a DICOM SEG (a file with a DICOM preamble) made on the case's DICOM image: its segments become
// labels with their names and colours (io/seg/seg-mask.ts; FRACTIONAL SEGs at the default threshold, 0.5).
import type { ProjectKind } from '../../core/model';
import fs from 'node:fs/promises';
import path from 'node:path';
import { InputError } from '../../core/errors';
import type { ImportRequest } from '@contract';
import type { Workspace } from '../../workspace/workspace';
import { readAndStoreVolumes, recordVolumes } from '../workspace/import-volumes';
import type { ImportedMask } from '../masks/mask-import';
import { readMaskOnGrid, recordImportedMask } from '../masks/mask-import';
import { storeMaskBlob } from '../masks/mask-store';
import type { StoredMask } from '../masks/mask-store';
import { checkProfileName } from '../identity/profiles';
import { DEFAULT_LABEL, listLabels } from '../../db/repositories/labels';
import { findProjectByName, setCaseSubject } from '../../db/repositories/projects';
import { MAX_SUBJECT, storedSubject } from './case-subject';
import { isDicomFile, readSegMask } from '../../io/seg/seg-mask';

export interface ManifestEntry {
  case: string;
  /** Absolute, resolved against the manifest's folder. */
  image: string;
  masks: { annotator: string; file: string }[];
  /** The person the image is of, as the team names them (e.g. a study subject ID): migration 012. */
  subject?: string;
}

export interface ManifestCaseResult {
  case: string;
  caseId: number;
  volumeId: number;
  /** False when this image was already imported in this case (the existing volume is used). */
  newVolume: boolean;
  masks: (Omit<ImportedMask, 'labelsCreated'> & { file: string })[];
}

export interface ManifestReport {
  projectId: number | null;
  project: string;
  imported: ManifestCaseResult[];
  refused: { case: string; reason: string }[];
}

export type CaseProgress = (n: number, total: number, line: string) => void;

const MAX_MANIFEST_BYTES = 64 * 2 ** 20;

/** Parses a manifest; entries that are malformed are returned as refusals (the others still import). */
export async function readManifest(
  file: string,
): Promise<{ entries: ManifestEntry[]; refused: { case: string; reason: string }[] }> {
  let text: string;
  try {
    const st = await fs.stat(file);
    if (st.size > MAX_MANIFEST_BYTES) throw new InputError(file, 'the manifest is larger than 64 MiB');
    text = await fs.readFile(file, 'utf8');
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(
      file,
      `cannot read the manifest (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`,
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new InputError(file, `the manifest is not JSON (${(e as Error).message})`);
  }
  if (!Array.isArray(raw)) {
    throw new InputError(file, 'the manifest must be a JSON list of { "case", "image", "masks" } entries');
  }
  const base = path.dirname(path.resolve(file));
  const entries: ManifestEntry[] = [];
  const refused: { case: string; reason: string }[] = [];
  const seen = new Set<string>();
  raw.forEach((item: unknown, n) => {
    const label = `entry ${n + 1}`;
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      refused.push({ case: label, reason: 'not an object' });
      return;
    }
    const o = item as Record<string, unknown>;
    const name = typeof o['case'] === 'string' ? o['case'].trim() : '';
    if (!name || name.length > 200) {
      refused.push({ case: label, reason: '"case" must be a name of 1..200 characters' });
      return;
    }
    if (seen.has(name)) {
      refused.push({ case: name, reason: `case '${name}' appears more than once in the manifest` });
      return;
    }
    seen.add(name);
    if (typeof o['image'] !== 'string' || !o['image']) {
      refused.push({ case: name, reason: '"image" must be a path' });
      return;
    }
    const subjectRaw = o['subject'];
    const subject = typeof subjectRaw === 'string' ? subjectRaw.trim() : '';
    if (subjectRaw !== undefined && (!subject || subject.length > MAX_SUBJECT)) {
      refused.push({ case: name, reason: `"subject" must be a name of 1..${MAX_SUBJECT} characters` });
      return;
    }
    const masksRaw = o['masks'] ?? {};
    if (masksRaw === null || typeof masksRaw !== 'object' || Array.isArray(masksRaw)) {
      refused.push({ case: name, reason: '"masks" must be an object { "<annotator>": "<path>" }' });
      return;
    }
    const masks: ManifestEntry['masks'] = [];
    for (const [annotator, p] of Object.entries(masksRaw as Record<string, unknown>)) {
      if (typeof p !== 'string' || !p) {
        refused.push({ case: name, reason: `the mask of '${annotator}' must be a path` });
        return;
      }
      try {
        masks.push({ annotator: checkProfileName(annotator), file: path.resolve(base, p) });
      } catch (e) {
        refused.push({ case: name, reason: `annotator '${annotator}': ${(e as Error).message}` });
        return;
      }
    }
    entries.push({
      case: name,
      image: path.resolve(base, o['image']),
      masks,
      ...(subject ? { subject } : {}),
    });
  });
  return { entries, refused };
}

async function importCase(
  ws: Workspace,
  entry: ManifestEntry,
  projectName: string,
  actor: string,
  projectKind: ProjectKind | undefined,
): Promise<{ projectId: number; result: ManifestCaseResult }> {
  const req: ImportRequest = {
    jobId: `manifest:${entry.case}`,
    source: { kind: 'paths', paths: [entry.image] },
    projectName,
    caseName: entry.case,
    ...(projectKind ? { projectKind } : {}),
  };
  // File I/O first: the image's blob, then each mask checked against the image's grid and stored.
  const stored = await readAndStoreVolumes(ws, req, () => undefined);
  const refused = stored.refused[0];
  if (refused) throw new InputError(refused.file, refused.reason);
  if (stored.prepared.length !== 1) {
    throw new InputError(
      entry.image,
      `holds ${stored.prepared.length} images; a manifest case has exactly one`,
    );
  }
  const image = stored.prepared[0]!.volume;
  const masks: {
    annotator: string;
    file: string;
    counts: Float64Array;
    blob: StoredMask;
    labelNames?: Map<number, { name: string; color?: string }>;
  }[] = [];
  // The project's labels as the case's masks will find them: a DICOM SEG's new segment labels count as taken
  // for the next SEG of the case.
  const project = findProjectByName(ws.db, projectName.trim());
  const projectLabels = project ? listLabels(ws.db, project.id) : [DEFAULT_LABEL];
  for (const m of entry.masks) {
    if (await isDicomFile(m.file)) {
      const seg = await readSegMask(m.file, {
        geometry: image.geometry,
        dicom: image.source.dicom,
        volumeName: `the image ${path.basename(entry.image)}`,
        projectLabels,
      });
      for (const [value, l] of seg.labelNames) projectLabels.push({ ...DEFAULT_LABEL, value, name: l.name });
      const stored = await storeMaskBlob(ws, seg.labels, image.geometry.dims);
      masks.push({ ...m, ...stored, labelNames: seg.labelNames });
      continue;
    }
    const { labels } = await readMaskOnGrid(m.file, image.geometry);
    masks.push({ ...m, ...(await storeMaskBlob(ws, labels, image.geometry.dims)) });
  }
  // Then every row of the case in one transaction.
  const at = new Date().toISOString();
  return ws.db.transaction(() => {
    const before = ws.db.prepare('SELECT max(id) AS id FROM volumes').get() as { id: number | null };
    const summary = recordVolumes(
      ws,
      req,
      { prepared: stored.prepared, skipped: [], refused: [] },
      actor,
      at,
    );
    const volume = summary.volumes[0]!;
    if (entry.subject !== undefined)
      recordSubject(ws, volume.caseId, entry.subject, stored.prepared[0]!.kind);
    const result: ManifestCaseResult = {
      case: entry.case,
      caseId: volume.caseId,
      volumeId: volume.id,
      newVolume: volume.id > (before.id ?? 0),
      masks: masks.map((m) => {
        const { labelsCreated: _created, ...rows } = recordImportedMask(ws.db, {
          volumeId: volume.id,
          projectId: summary.projectId,
          annotatorName: m.annotator,
          blob: m.blob,
          counts: m.counts,
          provenance: { source: m.labelNames ? 'manifest dicom-seg' : 'manifest', file: m.file },
          actor,
          at,
          ...(m.labelNames ? { labelNames: m.labelNames } : {}),
        });
        return { ...rows, file: m.file };
      }),
    };
    return { projectId: summary.projectId, result };
  })();
}

/**
 * The manifest's subject of a case, as given in a clinical project (like its case name) and as a keyed
 * pseudonym in a research one; it replaces one the image brought (its Patient ID's pseudonym).
 */
function recordSubject(ws: Workspace, caseId: number, given: string, kind: ProjectKind): void {
  setCaseSubject(ws.db, caseId, storedSubject(ws, given, kind));
}

export async function importManifest(
  ws: Workspace,
  opts: {
    manifest: string;
    project: string;
    actor: string;
    onCase?: CaseProgress;
    /** The kind of the project when the manifest creates it (default clinical). */
    projectKind?: ProjectKind;
  },
): Promise<ManifestReport> {
  const project = opts.project.trim();
  if (!project) throw new InputError(undefined, 'a manifest import needs a project name');
  const { entries, refused } = await readManifest(opts.manifest);
  const report: ManifestReport = { projectId: null, project, imported: [], refused: [...refused] };
  const total = entries.length + refused.length;
  let n = 0;
  for (const r of refused) opts.onCase?.(++n, total, `${r.case}: refused: ${r.reason}`);
  for (const entry of entries) {
    try {
      const { projectId, result } = await importCase(ws, entry, project, opts.actor, opts.projectKind);
      report.projectId = projectId;
      report.imported.push(result);
      const masks = result.masks.map(
        (m) => `${m.annotatorName} (${m.unchanged ? 'unchanged' : `revision ${m.revisionId}`})`,
      );
      opts.onCase?.(
        ++n,
        total,
        `${entry.case}: ${result.newVolume ? 'imported' : 'already had'} volume ${result.volumeId}${masks.length ? `; masks: ${masks.join(', ')}` : ''}`,
      );
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      report.refused.push({ case: entry.case, reason: e.message });
      opts.onCase?.(++n, total, `${entry.case}: refused: ${e.message}`);
    }
  }
  return report;
}
