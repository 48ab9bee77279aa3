// A project's cases as a data set for training elsewhere: nnU-Net v2's raw layout or a MONAI datalist, with
// the NIfTI files beside it and a provenance file.
//
//   nnunet: dataset.json (channel_names, labels, numTraining, file_ending), imagesTr/case_001_0000.nii.gz,
//           labelsTr/case_001.nii.gz;
//   monai:  datalist.json ({"labels", "training": [{"image", "label"}]}, paths relative to it),
//           imagesTr/case_001.nii.gz, labelsTr/case_001.nii.gz;
//   both:   provenance.json (target, merge method and parameters per case, revision ids, raters).
//
// Images and labels are written with the volume's own grid (same dims and affine; the writer is
// io/nifti/write.ts). De-identified: cases are case_001, case_002, ... in case order; raters rater_1, ...;
// the files hold no case or patient name, no ID, date or path (the NIfTI description is "Concord"). Label
// values are renumbered 1..K in the order of the project's label values, as nnU-Net requires consecutive
// labels (provenance.json keeps the mapping). A case without the target is refused, listing every such case,
// unless skipMissing (then each is listed as skipped). The data set is written into a temporary folder
// beside `out` and renamed to it at the end: a refusal or failure leaves nothing.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { TrainingTarget } from '../../core/model';
import { InputError, NotFoundError } from '../../core/errors';
import type { ImageVolume } from '../../core/volume/types';
import { appendAudit } from '../../db/audit';
import { listLabels } from '../../db/repositories/labels';
import { findProjectByName } from '../../db/repositories/projects';
import { writeNifti } from '../../io/nifti/write';
import type { Workspace } from '../../workspace/workspace';
import { planTargets } from '../training/targets';
import { loadVolume } from '../workspace/load-volume';
import { caseLabels } from './dataset-targets';

export type DatasetFormat = 'nnunet' | 'monai';

export interface DatasetExportOptions {
  project: string;
  format: DatasetFormat;
  target: TrainingTarget;
  out: string;
  actor: string;
  /** Leave out cases without the target (listed) instead of refusing the export. */
  skipMissing?: boolean;
  onProgress?: (fraction: number, detail: string) => void;
}

export interface DatasetExportResult {
  out: string;
  format: DatasetFormat;
  target: string;
  cases: number;
  labels: Record<string, number>;
  /** Cases left out (skipMissing), by their workspace names: this list is for the user, not in the data set. */
  skipped: { case: string; reason: string }[];
  files: string[];
}

/** Images named by modality the way nnU-Net picks its normalisation ("CT": clip and scale; else z-score). */
function channelName(modalities: Set<string | null>): string {
  if (modalities.size !== 1) return 'image';
  const m = [...modalities][0];
  return m === 'CT' ? 'CT' : m === 'MR' ? 'MRI' : (m ?? 'image');
}

async function emptyOrAbsent(out: string): Promise<void> {
  try {
    const entries = await fs.readdir(out);
    if (entries.length > 0)
      throw new InputError(out, 'the output folder is not empty; choose a new or empty folder');
  } catch (e) {
    if ((e as { code?: string }).code === 'ENOENT') return;
    if ((e as { code?: string }).code === 'ENOTDIR') throw new InputError(out, 'is a file, not a folder');
    throw e;
  }
}

export async function exportDataset(ws: Workspace, o: DatasetExportOptions): Promise<DatasetExportResult> {
  const project = findProjectByName(ws.db, o.project);
  if (!project) throw new NotFoundError(`no project named '${o.project}' in this workspace`);
  if (o.target === 'agreement')
    throw new InputError(
      undefined,
      "a data set's labels are hard masks: export the vote, staple, reference or annotator:<name> (the agreement is a soft training target)",
    );
  await emptyOrAbsent(o.out);
  const plan = planTargets(ws, project.id, o.target);
  if (plan.skipped.length > 0 && !o.skipMissing) {
    const list = plan.skipped.map((s) => `${s.caseName} (${s.reason})`).join(', ');
    throw new InputError(
      undefined,
      `${plan.skipped.length} case(s) have no ${o.target} target: ${list}; add it, or pass --skip-missing to leave them out`,
    );
  }
  // Label values -> 1..K (nnU-Net wants consecutive labels), in the order of the project's values.
  const projectLabels = listLabels(ws.db, project.id);
  const names = new Map<number, string>(projectLabels.map((l) => [l.value, l.name]));
  const toCompact = new Uint8Array(256);
  const labels: Record<string, number> = { background: 0 };
  const mapping: { value: number; projectValue: number; name: string }[] = [];
  const addLabel = (v: number) => {
    if (toCompact[v] !== 0) return;
    const k = mapping.length + 1;
    let name = names.get(v) ?? `Label ${v}`;
    if (name in labels) name = `${name} (${v})`;
    toCompact[v] = k;
    labels[name] = k;
    mapping.push({ value: k, projectValue: v, name });
  };
  for (const l of projectLabels) addLabel(l.value);

  const tmp = path.join(
    path.dirname(path.resolve(o.out)),
    `.${path.basename(o.out)}.${randomBytes(6).toString('hex')}.partial`,
  );
  await fs.mkdir(path.join(tmp, 'imagesTr'), { recursive: true });
  await fs.mkdir(path.join(tmp, 'labelsTr'), { recursive: true });
  const raters = new Map<number, string>(); // annotator id -> rater_<n>
  const rater = (id: number | null) => {
    if (id === null) return 'reference';
    if (!raters.has(id)) raters.set(id, `rater_${raters.size + 1}`);
    return raters.get(id)!;
  };
  const cases: Record<string, unknown>[] = [];
  const training: { image: string; label: string }[] = [];
  const modalities = new Set<string | null>();
  const caseIds: number[] = [];
  try {
    for (const [n, c] of plan.cases.entries()) {
      const name = `case_${String(n + 1).padStart(3, '0')}`;
      o.onProgress?.(n / plan.cases.length, name);
      const volume = await loadVolume(ws, c.volume.id);
      if (volume.frames !== 1) {
        throw new InputError(
          undefined,
          `case ${c.caseName}: its volume has ${volume.frames} frames; data sets take 3D volumes`,
        );
      }
      modalities.add(c.volume.modality ?? null);
      const made = await caseLabels(ws, o.target, c);
      const compact = new Uint8Array(made.labels.length);
      for (let p = 0; p < compact.length; p++) {
        const v = made.labels[p]!;
        if (v !== 0 && toCompact[v] === 0) addLabel(v);
        compact[p] = toCompact[v]!;
      }
      const image = path.join('imagesTr', o.format === 'nnunet' ? `${name}_0000.nii.gz` : `${name}.nii.gz`);
      const label = path.join('labelsTr', `${name}.nii.gz`);
      // The image as stored (with its rescale), described only as "Concord" (writeNifti's descrip).
      const anonymous: ImageVolume = {
        ...volume,
        source: { format: volume.source.format, files: [], description: name },
      };
      await writeNifti(path.join(tmp, image), anonymous);
      await writeNifti(path.join(tmp, label), {
        geometry: volume.geometry,
        scalarType: 'uint8',
        data: compact,
        frames: 1,
        rescale: { slope: 1, intercept: 0 },
        source: { format: 'nifti', files: [], description: name },
      });
      training.push({ image, label });
      caseIds.push(c.caseId);
      cases.push({
        case: name,
        image,
        label,
        method: made.method,
        parameters: made.parameters,
        revisions: made.inputs.map((i) => ({ revisionId: i.revisionId, rater: rater(i.annotatorId) })),
        ...(made.undecidedToBackground ? { undecidedToBackground: made.undecidedToBackground } : {}),
      });
    }
    const target = o.target.startsWith('annotator:') ? 'annotator' : o.target;
    if (o.format === 'nnunet') {
      await fs.writeFile(
        path.join(tmp, 'dataset.json'),
        JSON.stringify(
          {
            channel_names: { '0': channelName(modalities) },
            labels,
            numTraining: training.length,
            file_ending: '.nii.gz',
            description: 'Exported by Concord; provenance.json says how each label map was made',
          },
          null,
          2,
        ) + '\n',
      );
    } else {
      await fs.writeFile(
        path.join(tmp, 'datalist.json'),
        JSON.stringify({ labels, training }, null, 2) + '\n',
      );
    }
    await fs.writeFile(
      path.join(tmp, 'provenance.json'),
      JSON.stringify(
        {
          exportedBy: 'Concord',
          exportedAt: new Date().toISOString(),
          format: o.format,
          target,
          labels: mapping,
          raters: [...raters.values()],
          cases,
          skipped: plan.skipped.length,
        },
        null,
        2,
      ) + '\n',
    );
    await emptyOrAbsent(o.out);
    await fs.rm(o.out, { recursive: true, force: true }); // an empty folder only (checked just above)
    await fs.rename(tmp, o.out);
  } catch (e) {
    await fs.rm(tmp, { recursive: true, force: true });
    throw e;
  }
  o.onProgress?.(1, 'done');
  ws.db.transaction(() =>
    appendAudit(ws.db, {
      actor: o.actor,
      action: 'dataset.export',
      detail: { projectId: project.id, format: o.format, target: o.target, caseIds },
    }),
  )();
  const files = [
    o.format === 'nnunet' ? 'dataset.json' : 'datalist.json',
    'provenance.json',
    ...training.flatMap((t) => [t.image, t.label]),
  ];
  return {
    out: path.resolve(o.out),
    format: o.format,
    target: o.target,
    cases: training.length,
    labels,
    skipped: plan.skipped.map((s) => ({ case: s.caseName, reason: s.reason })),
    files,
  };
}
