// The starter model: a U-Net trained on public data (the LIDC-IDRI nodule crops, CC BY 3.0) that Concord
// ships as a model package in its resources (resources/starter-model/README.md says how it was made), and
// that every workspace's registry holds, so that a team's first run can start from it (transfer learning,
// `baseModelId`) and its first AI drafts come before any training. Its card (what it was trained on, the
// licence and attribution, the recipe, its held-out Dice) is the package's trainingData.starter.
//
// ensureStarterModel is safe to call on every open: a workspace whose registry already holds a starter with
// the same id and weights is left as it is; otherwise the package is verified (model-package.ts) and its
// model stored with no project (the workstation's models are listed for every project), origin 'imported',
// and an audit row 'model.starter', in one transaction.
import fs from 'node:fs';
import type { ModelInfo } from '../../core/model';
import { starterCardOf } from '../../core/training/starter-card';
import { appendAudit } from '../../db/audit';
import { getModel, listModels } from '../../db/repositories/models';
import type { Workspace } from '../../workspace/workspace';
import { insertImportedModel, verifyPackage } from './model-package';

/** The workspace's starter models (normally one). */
export function starterModels(ws: Workspace): ModelInfo[] {
  return listModels(ws.db).filter((m) => starterCardOf(m.trainingData) !== null);
}

export interface StarterOutcome {
  model: ModelInfo;
  /** False when the registry already held it (nothing was written). */
  added: boolean;
}

/**
 * Puts the starter package's model in the workspace's registry unless it is there already. Null when this
 * installation has no starter package; throws InputError when the package does not verify or is not a
 * starter (a damaged installation: nothing is written).
 */
export async function ensureStarterModel(
  ws: Workspace,
  pkg: string,
  actor: string,
): Promise<StarterOutcome | null> {
  if (!fs.existsSync(pkg)) return null;
  const { manifest, weights } = verifyPackage(pkg);
  const card = starterCardOf(manifest.trainingData);
  if (!card) throw new Error(`${pkg}: the package's model has no starter card`);
  const have = starterModels(ws).find(
    (m) => starterCardOf(m.trainingData)!.id === card.id && m.weightsSha256 === manifest.weights.sha256,
  );
  if (have) return { model: have, added: false };
  const stored = await ws.blobs.put(weights);
  const at = new Date().toISOString();
  const { id, added } = ws.db.transaction(() => {
    // Checked again inside the transaction: two processes opening a new workspace at once add it once.
    const again = starterModels(ws).find(
      (m) => starterCardOf(m.trainingData)!.id === card.id && m.weightsSha256 === stored.sha256,
    );
    if (again) return { id: again.id, added: false };
    const modelId = insertImportedModel(ws.db, manifest, stored, {
      projectId: null,
      trainingData: manifest.trainingData,
      at,
    });
    appendAudit(
      ws.db,
      { actor, action: 'model.starter', detail: { modelId, starter: card.id, sha256: stored.sha256 } },
      at,
    );
    return { id: modelId, added: true };
  })();
  return { model: getModel(ws.db, id)!, added };
}
