// Active learning: the project's unlabelled cases ranked by the model's uncertainty, most uncertain first.
// Uncertainty = mean over every voxel of the case's volume of the binary entropy of the model's foreground
// probability, in bits (0: certain everywhere; 1: p = 0.5 everywhere), computed in the trainer process.
// Unlabelled = no annotation of the case is marked done and it has no signed-off reference. The figures are
// stored per (model, volume) so the worklist can sort by them.
import type { UncertaintyRow } from '../../core/model';
import { listAnnotationsOfVolume } from '../../db/repositories/annotations';
import { recordUncertainty } from '../../db/repositories/models';
import { listCases } from '../../db/repositories/projects';
import { getRevision } from '../../db/repositories/revisions';
import { listVolumes } from '../../db/repositories/volumes';
import type { Workspace } from '../../workspace/workspace';
import { inferVolumes, requireModel, type InferOptions } from './inference';
import { REFERENCE_METHOD } from './targets';
import type { TrainerLauncher } from './trainer-launcher';

export function unlabelledVolumes(
  ws: Workspace,
  projectId: number,
): { caseId: number; caseName: string; volumeId: number }[] {
  const out: { caseId: number; caseName: string; volumeId: number }[] = [];
  for (const c of listCases(ws.db, projectId)) {
    const volumes = listVolumes(ws.db, c.id);
    const labelled = volumes.some((v) =>
      listAnnotationsOfVolume(ws.db, v.id).some(
        (a) =>
          (a.kind === 'manual' && a.status === 'done') ||
          (a.kind === 'derived' &&
            a.headRevisionId !== null &&
            getRevision(ws.db, a.headRevisionId)?.provenance['method'] === REFERENCE_METHOD),
      ),
    );
    if (!labelled && volumes[0]) out.push({ caseId: c.id, caseName: c.name, volumeId: volumes[0].id });
  }
  return out;
}

export async function rankByUncertainty(
  ws: Workspace,
  launch: TrainerLauncher,
  projectId: number,
  modelId: number,
  o: InferOptions = {},
): Promise<UncertaintyRow[]> {
  const model = requireModel(ws, modelId);
  const cases = unlabelledVolumes(ws, projectId);
  if (cases.length === 0) return [];
  const { outcomes } = await inferVolumes(
    ws,
    launch,
    model,
    cases.map((c) => ({ kind: 'stored', volumeId: c.volumeId })),
    o,
  );
  const at = new Date().toISOString();
  ws.db.transaction(() => {
    cases.forEach((c, i) => recordUncertainty(ws.db, modelId, c.volumeId, outcomes[i]!.meanEntropyBits, at));
  })();
  return cases
    .map((c, i) => ({
      ...c,
      meanEntropyBits: outcomes[i]!.meanEntropyBits,
      ...(outcomes[i]!.perLabel ? { perLabel: outcomes[i]!.perLabel } : {}),
    }))
    .sort((a, b) => b.meanEntropyBits - a.meanEntropyBits || a.caseId - b.caseId);
}

/** The stored ranking of a model for the project's still unlabelled cases, most uncertain first. */
export function storedRanking(ws: Workspace, projectId: number, modelId: number): UncertaintyRow[] {
  requireModel(ws, modelId);
  const get = ws.db.prepare(
    'SELECT mean_entropy_bits AS b FROM volume_uncertainty WHERE model_id = ? AND volume_id = ?',
  );
  return unlabelledVolumes(ws, projectId)
    .flatMap((c) => {
      const r = get.get(modelId, c.volumeId) as { b: number } | undefined;
      return r ? [{ ...c, meanEntropyBits: r.b }] : [];
    })
    .sort((a, b) => b.meanEntropyBits - a.meanEntropyBits || a.caseId - b.caseId);
}
