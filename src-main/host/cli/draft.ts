// `concord draft --workspace <dir> --method watershed|otsu|window|unet <volume-ids...> [--seeds "i,j,k;…"]
//    [--background "i,j,k;…"] [--window lo,hi] [--margin-mm <mm>] [--sigma-mm <mm>] [--label <v>] [--model <id>]
//    [--against <revision-id>] [--quick] [--backend …] [--json]`
// Stores a draft of each stored volume, by a simple model (core/simple-models, in a trainer process) or by
// a registry U-Net (--method unet --model <id>, as `infer --draft`; --quick: the quick draft, the model only
// inside the body's box). Each draft's Dice (foregrounds) against
// the volume's signed-off reference mask, or the revision --against names, is printed beside it, so the
// methods can be compared on the same cases. Seeds are voxel indices (i fastest).
import { InputError } from '../../core/errors';
import {
  SIMPLE_METHODS,
  type SimpleDraftParams,
  type SimpleMethod,
} from '../../core/simple-models/simple-draft';
import { appendAudit } from '../../db/audit';
import { currentReferenceRevision } from '../../db/repositories/adjudications';
import { localActor } from '../../services/create-services';
import type { DraftResult } from '../../core/model';
import { revisionDice, revisionLabelDice } from '../../services/training/drafts';
import { draftVolumes } from '../../services/training/inference';
import { simpleDraftVolume } from '../../services/training/simple-drafts';
import { forkLauncher } from '../../services/training/trainer-launcher';
import { isBackendRequest, type BackendRequest } from '../../training/backends/backend-report';
import { openWorkspace } from '../../workspace/workspace';
import { optionString, parseArgs, positiveInt, requireOption } from './args';
import { printJson, progressLine } from './output';

const USAGE =
  'usage: concord draft --workspace <dir> --method watershed|otsu|window|unet <volume-ids...> [--seeds "i,j,k;..."] [--background "i,j,k;..."] [--window lo,hi] [--margin-mm <mm>] [--sigma-mm <mm>] [--label <v>] [--model <id>] [--quick] [--against <revision-id>] [--json]';

type Voxel = [number, number, number];

function voxels(text: string | undefined, option: string): Voxel[] {
  if (text === undefined) return [];
  return text
    .split(';')
    .filter((t) => t.trim())
    .map((t) => {
      const parts = t.split(',').map((x) => x.trim());
      if (parts.length !== 3 || !parts.every((x) => /^\d+$/.test(x)))
        throw new InputError(undefined, `--${option} takes voxels as i,j,k;i,j,k (got '${t}')`);
      return parts.map(Number) as Voxel;
    });
}

function number(text: string, what: string): number {
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v))
    throw new InputError(undefined, `${what} must be a number (got '${text}')`);
  return v;
}

export async function runDraft(argv: string[]): Promise<number> {
  const args = parseArgs(argv, {
    values: [
      'workspace',
      'method',
      'seeds',
      'background',
      'window',
      'margin-mm',
      'sigma-mm',
      'label',
      'model',
      'against',
      'backend',
      'threads',
    ],
    flags: ['json', 'quick'],
  });
  const method = requireOption(args, 'method', 'draft');
  if (method !== 'unet' && !(SIMPLE_METHODS as readonly string[]).includes(method))
    throw new InputError(undefined, `--method must be watershed, otsu, window or unet (got '${method}')`);
  if (args.positionals.length === 0) throw new InputError(undefined, USAGE);
  const volumeIds = args.positionals.map((p) => positiveInt(p, 'a volume id'));
  const againstText = optionString(args, 'against');
  const against = againstText === undefined ? undefined : positiveInt(againstText, '--against');
  let params: SimpleDraftParams | null = null;
  let modelId: number | null = null;
  const backendText = optionString(args, 'backend') ?? 'auto';
  let backend: BackendRequest = 'auto';
  if (method === 'unet') {
    for (const o of ['seeds', 'background', 'window', 'margin-mm', 'sigma-mm', 'label'])
      if (args.options.has(o)) throw new InputError(undefined, `--${o} is for the simple methods, not unet`);
    modelId = positiveInt(requireOption(args, 'model', 'draft --method unet'), '--model');
    if (!isBackendRequest(backendText))
      throw new InputError(
        undefined,
        `--backend must be auto, tensorflow, webgpu, wasm or cpu (got '${backendText}')`,
      );
    backend = backendText;
  } else {
    for (const o of ['model', 'backend', 'threads', 'quick'])
      if (args.options.has(o)) throw new InputError(undefined, `--${o} is for --method unet`);
    const windowText = optionString(args, 'window');
    const w = windowText?.split(',');
    if (windowText !== undefined && w?.length !== 2)
      throw new InputError(undefined, `--window takes lo,hi in HU (got '${windowText}')`);
    const margin = optionString(args, 'margin-mm');
    const sigma = optionString(args, 'sigma-mm');
    const label = optionString(args, 'label');
    params = {
      method: method as SimpleMethod,
      seeds: voxels(optionString(args, 'seeds'), 'seeds'),
      backgroundSeeds: voxels(optionString(args, 'background'), 'background'),
      ...(w ? { window: { lo: number(w[0]!, '--window lo'), hi: number(w[1]!, '--window hi') } } : {}),
      ...(margin !== undefined ? { marginMm: number(margin, '--margin-mm') } : {}),
      ...(sigma !== undefined ? { sigmaMm: number(sigma, '--sigma-mm') } : {}),
      ...(label !== undefined ? { label: positiveInt(label, '--label') } : {}),
    };
    if (params.label !== undefined && params.label > 255)
      throw new InputError(undefined, '--label must be 1..255');
  }
  if (against !== undefined && volumeIds.length > 1)
    throw new InputError(undefined, '--against names one revision: give one volume');
  const ws = openWorkspace(requireOption(args, 'workspace', 'draft'));
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.on('SIGINT', onSigint);
  try {
    const actor = localActor();
    const results: Record<string, unknown>[] = [];
    const bar = progressLine('draft');
    for (let n = 0; n < volumeIds.length; n++) {
      const volumeId = volumeIds[n]!;
      let r: {
        annotationId: number;
        revisionId: number;
        foregroundVoxels: number;
        threshold?: number | null;
        perLabel?: DraftResult['perLabel'];
      };
      if (params) {
        r = await simpleDraftVolume(ws, forkLauncher(), volumeId, params, actor, {
          signal: controller.signal,
          onProgress: (f, stage) => bar((n + f) / volumeIds.length, `volume ${volumeId}: ${stage}`),
        });
      } else {
        const threadsText = optionString(args, 'threads');
        const drafts = await draftVolumes(ws, forkLauncher(), modelId!, [volumeId], actor, {
          signal: controller.signal,
          backend,
          quick: args.options.has('quick'),
          ...(threadsText ? { threads: positiveInt(threadsText, '--threads') } : {}),
          onProgress: (p) => bar((n + (p.slice + 1) / p.slices) / volumeIds.length, `volume ${volumeId}`),
        });
        r = drafts[0]!;
      }
      const reference = against ?? currentReferenceRevision(ws.db, volumeId);
      const dice = reference === null ? null : await revisionDice(ws, volumeId, r.revisionId, reference);
      // A model of several labels: its uncertainty and, against the reference, its Dice label by label.
      const values = r.perLabel?.map((u) => u.value);
      const labelDice =
        values && reference !== null
          ? await revisionLabelDice(ws, volumeId, r.revisionId, reference, values)
          : null;
      results.push({
        volumeId,
        method,
        ...(modelId !== null ? { modelId, quick: args.options.has('quick') } : {}),
        draftAnnotationId: r.annotationId,
        draftRevisionId: r.revisionId,
        foregroundVoxels: r.foregroundVoxels,
        ...(r.threshold !== undefined && r.threshold !== null ? { threshold: r.threshold } : {}),
        diceAgainst: reference,
        dice,
        ...(r.perLabel ? { perLabel: r.perLabel, labelDice } : {}),
      });
    }
    ws.db.transaction(() =>
      appendAudit(ws.db, { actor, action: 'draft.make', detail: { method, modelId, volumeIds, params } }),
    )();
    if (args.options.has('json')) printJson({ method, results });
    else
      for (const r of results)
        process.stdout.write(
          `volume ${String(r['volumeId'])}: ${method} draft, ${String(r['foregroundVoxels'])} voxels, annotation ${String(r['draftAnnotationId'])}` +
            (r['dice'] === null
              ? ' (no reference to compare with)\n'
              : `, Dice ${(r['dice'] as number).toFixed(3)} against revision ${String(r['diceAgainst'])}\n`),
        );
    return 0;
  } finally {
    process.off('SIGINT', onSigint);
    ws.close();
  }
}
