// `concord infer --workspace <dir> --model <id> <volume-ids-or-files...> [--out <file.nii.gz> |
//    --out-dir <dir>] [--draft] [--quick] [--backend ...] [--json]`
// Runs a registry model (in a forked trainer process, slice by slice) on stored volumes (numeric ids) or
// image files (NIfTI, DICOM folder, PNG). Each mask is written as uint8 NIfTI on its input's grid
// (--out for one input; --out-dir: <input name>-model<id>.nii.gz each); --draft also stores the masks of
// stored volumes as AI draft annotations. Threshold and test-time flips are the model's own (the flips when
// they scored higher at its validation); --tta / --no-tta force the flips on or off, --threshold t (0 < t < 1,
// one label) the threshold. --quick runs the quick draft (the model only inside the body's box, without the
// flips unless --tta; with a model trained with `train --preset quick`, a 300-slice CT in seconds).
import fs from 'node:fs';
import path from 'node:path';
import { InputError } from '../../core/errors';
import type { ImageVolume } from '../../core/volume/types';
import { appendAudit } from '../../db/audit';
import { readVolumes } from '../../io/read-volumes';
import { writeNifti } from '../../io/nifti/write';
import { loadVolume } from '../../services/workspace/load-volume';
import {
  draftFlips,
  inferVolumes,
  requireModel,
  saveDrafts,
  type VolumeSource,
} from '../../services/training/inference';
import { forkLauncher } from '../../services/training/trainer-launcher';
import { isBackendRequest } from '../../training/backends/backend-report';
import { openWorkspace } from '../../workspace/workspace';
import { localActor } from '../../services/create-services';
import { optionString, parseArgs, positiveInt, requireOption } from './args';
import { printJson, progressLine } from './output';

const USAGE =
  'usage: concord infer --workspace <dir> --model <id> <volume-ids-or-files...> [--out <file.nii.gz> | --out-dir <dir>] [--draft] [--quick] [--tta | --no-tta] [--threshold t] [--backend name] [--json]';

function safe(s: string): string {
  return s.replace(/\.nii(\.gz)?$/i, '').replace(/[^A-Za-z0-9._-]+/g, '-') || 'volume';
}

/** " (label 1: n, label 2: m)" for a model of several labels. */
function labelCounts(r: Record<string, unknown>): string {
  const per = r['perLabel'] as { value: number; voxels: number }[] | undefined;
  return per ? ` (${per.map((u) => `label ${u.value}: ${u.voxels}`).join(', ')})` : '';
}

export async function runInfer(argv: string[]): Promise<number> {
  const args = parseArgs(argv, {
    values: ['workspace', 'model', 'out', 'out-dir', 'backend', 'threads', 'threshold'],
    flags: ['json', 'draft', 'quick', 'tta', 'no-tta'],
  });
  if (args.options.has('tta') && args.options.has('no-tta'))
    throw new InputError(undefined, 'give --tta or --no-tta, not both');
  const tta = args.options.has('tta') ? true : args.options.has('no-tta') ? false : undefined;
  if (args.positionals.length === 0) throw new InputError(undefined, USAGE);
  const out = optionString(args, 'out');
  const outDir = optionString(args, 'out-dir');
  const draft = args.options.has('draft');
  if (out && outDir) throw new InputError(undefined, 'give --out or --out-dir, not both');
  if (out && args.positionals.length !== 1)
    throw new InputError(undefined, '--out takes one input; use --out-dir for several');
  if (out && !/\.nii(\.gz)?$/i.test(out)) throw new InputError(out, '--out must end in .nii or .nii.gz');
  if (!out && !outDir && !draft)
    throw new InputError(undefined, `say where the masks go: --out, --out-dir or --draft\n${USAGE}`);
  const backend = optionString(args, 'backend') ?? 'auto';
  if (!isBackendRequest(backend))
    throw new InputError(
      undefined,
      `--backend must be auto, tensorflow, webgpu, wasm or cpu (got '${backend}')`,
    );
  // The folder the masks go to is created when missing (after inference, so a refused run leaves nothing);
  // a path that exists but is not a folder is refused now, before minutes of inference.
  const targetDir = out ? path.dirname(path.resolve(out)) : outDir ? path.resolve(outDir) : null;
  if (targetDir && fs.existsSync(targetDir) && !fs.statSync(targetDir).isDirectory())
    throw new InputError(targetDir, 'is not a folder; the masks cannot be written there');
  const thresholdText = optionString(args, 'threshold');
  const threshold = thresholdText === undefined ? undefined : Number(thresholdText);
  if (threshold !== undefined && !(threshold > 0 && threshold < 1))
    throw new InputError(
      undefined,
      `--threshold must be a probability between 0 and 1 (got '${thresholdText}')`,
    );
  const threadsText = optionString(args, 'threads');
  const threads = threadsText === undefined ? undefined : positiveInt(threadsText, '--threads');
  const ws = openWorkspace(requireOption(args, 'workspace', 'infer'));
  try {
    const model = requireModel(ws, positiveInt(requireOption(args, 'model', 'infer'), '--model'));
    if (threshold !== undefined && model.config.labels > 1)
      throw new InputError(undefined, '--threshold applies to models of one label (several take the argmax)');
    // Inputs: a stored volume by id, or every volume read from a file or folder.
    const inputs: {
      name: string;
      source: VolumeSource;
      volume: () => Promise<ImageVolume>;
      volumeId: number | null;
    }[] = [];
    for (const p of args.positionals) {
      if (/^\d+$/.test(p)) {
        const volumeId = Number(p);
        const v = await loadVolume(ws, volumeId);
        inputs.push({
          name: `volume-${volumeId}`,
          source: { kind: 'stored', volumeId },
          volume: async () => v,
          volumeId,
        });
      } else {
        if (draft) throw new InputError(p, '--draft applies to stored volumes (give their ids)');
        const { volumes } = await readVolumes([path.resolve(p)]);
        volumes.forEach((v, i) =>
          inputs.push({
            name: volumes.length > 1 ? `${safe(path.basename(p))}-${i + 1}` : safe(path.basename(p)),
            source: { kind: 'memory', volume: v, name: p },
            volume: async () => v,
            volumeId: null,
          }),
        );
      }
    }
    if (out && inputs.length !== 1)
      throw new InputError(undefined, `--out takes one volume; the inputs hold ${inputs.length}`);
    const bar = progressLine('inference');
    const onProgress = (p: { item: number; items: number; slice: number; slices: number }) =>
      bar(
        (p.item + (p.slice + 1) / p.slices) / p.items,
        `volume ${p.item + 1}/${p.items}, slice ${p.slice + 1}/${p.slices}`,
      );
    const quick = args.options.has('quick');
    const flips = draftFlips(model, { quick, ...(tta !== undefined ? { tta } : {}) });
    const opts = {
      backend,
      onProgress,
      quick,
      ...(threads ? { threads } : {}),
      ...(tta !== undefined ? { tta } : {}),
      ...(threshold !== undefined ? { threshold } : {}),
    };
    const controller = new AbortController();
    const onSigint = () => controller.abort();
    process.on('SIGINT', onSigint);
    const results: Record<string, unknown>[] = [];
    try {
      const { labels, outcomes } = await inferVolumes(
        ws,
        forkLauncher(),
        model,
        inputs.map((i) => i.source),
        { ...opts, signal: controller.signal },
      );
      if (targetDir) fs.mkdirSync(targetDir, { recursive: true });
      for (let i = 0; i < inputs.length; i++) {
        const input = inputs[i]!;
        const r: Record<string, unknown> = {
          input: args.positionals.length === inputs.length ? args.positionals[i] : input.name,
          volumeId: input.volumeId,
          foregroundVoxels: outcomes[i]!.foregroundVoxels,
          meanEntropyBits: outcomes[i]!.meanEntropyBits,
          // A model of several labels: per label value, its voxels and how unsure the model was of them.
          ...(outcomes[i]!.perLabel ? { perLabel: outcomes[i]!.perLabel } : {}),
        };
        const file = out
          ? path.resolve(out)
          : outDir
            ? path.resolve(outDir, `${input.name}-model${model.id}.nii.gz`)
            : null;
        if (file) {
          const v = await input.volume();
          await writeNifti(file, {
            geometry: v.geometry,
            scalarType: 'uint8',
            data: labels[i]!,
            frames: 1,
            rescale: { slope: 1, intercept: 0 },
            source: { format: 'nifti', files: [], description: `model ${model.id} on ${input.name}` },
          });
          r['file'] = file;
        }
        results.push(r);
      }
      if (draft) {
        // --draft takes stored volumes only, so inputs and results line up one to one.
        const drafts = await saveDrafts(
          ws,
          model,
          inputs.map((i) => i.volumeId!),
          labels,
          outcomes,
          localActor(),
          {
            quick,
            tta: flips,
            ...(threshold !== undefined ? { threshold } : {}),
          },
        );
        for (const d of drafts) {
          const r = results.find((x) => x['volumeId'] === d.volumeId);
          if (r) Object.assign(r, { draftAnnotationId: d.annotationId, draftRevisionId: d.revisionId });
        }
      }
    } finally {
      process.off('SIGINT', onSigint);
    }
    ws.db.transaction(() =>
      appendAudit(ws.db, {
        actor: localActor(),
        action: 'model.infer',
        detail: { modelId: model.id, inputs: args.positionals },
      }),
    )();
    if (args.options.has('json'))
      printJson({
        modelId: model.id,
        modelVersion: model.weightsSha256,
        quick,
        threshold: threshold ?? model.inference.threshold,
        tta: flips,
        labels: model.labels,
        results,
      });
    else
      for (const r of results)
        process.stdout.write(
          `${String(r['input'])}: ${String(r['foregroundVoxels'])} voxels${labelCounts(r)}${r['file'] ? ` -> ${String(r['file'])}` : ''}\n`,
        );
    return 0;
  } finally {
    ws.close();
  }
}
