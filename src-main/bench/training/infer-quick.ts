// The quick draft's parts of `concord bench infer`: a real CT as the benchmark's volume (`--volume`), and
// the Dice comparison on the LIDC crops (`--quick-dice`, quick-dice.ts).
import path from 'node:path';
import { InputError } from '../../core/errors';
import { readVolumes } from '../../io/read-volumes';
import { appRoot } from '../../host/resources';
import { optionString, positiveInt, type ParsedArgs } from '../../host/cli/args';
import { printJson } from '../../host/cli/output';
import type { BackendReport } from '../../training/backends/backend-report';
import type { Normalisation } from '../../core/model';
import { normaliseToBytes } from '../../training/process/normalise';
import { quickDiceComparison } from './quick-dice';

/** Slice index m of a volume of nz slices for output slice k, going back and forth (0..nz-1, nz-2..0, ...),
 *  so a short series stacks to any length with neighbours that stay neighbours. */
export function pingPong(k: number, nz: number): number {
  if (nz === 1) return 0;
  const period = 2 * (nz - 1);
  const t = k % period;
  return t < nz ? t : period - t;
}

/** The first volume of `file` (NIfTI, DICOM folder, ...), square slices, normalised with `norm` as an
 *  inference job does (bytes / 255) and stacked to `slices` slices. */
export async function loadRealCt(
  file: string,
  slices: number,
  norm: Normalisation,
): Promise<{ size: number; data: Float32Array; description: string }> {
  const { volumes } = await readVolumes([file]);
  const v = volumes[0];
  if (!v) throw new InputError(file, 'holds no volume');
  const [nx, ny, nz] = v.geometry.dims;
  if (nx !== ny) throw new InputError(file, `slices are ${nx}x${ny}; the benchmark takes square slices`);
  if (v.frames !== 1) throw new InputError(file, `${v.frames} frames; the benchmark takes one`);
  const n = nx * ny;
  const bytes = normaliseToBytes({ data: v.data, rescale: v.rescale }, norm);
  const values = Float32Array.from(bytes, (b) => b / 255);
  const data = new Float32Array(n * slices);
  for (let k = 0; k < slices; k++)
    data.set(values.subarray(pingPong(k, nz) * n, pingPong(k, nz) * n + n), k * n);
  return {
    size: nx,
    data,
    description: `${nx}x${ny}x${nz}${slices !== nz ? `, its slices repeated back and forth to ${slices}` : ''}`,
  };
}

export async function runQuickDice(
  args: ParsedArgs,
  o: { json: boolean; scale: number; backend: BackendReport; log: (line: string) => void },
): Promise<number> {
  const dataDir = path.resolve(
    optionString(args, 'data') ??
      path.join(appRoot(), '..', 'shared', 'data', 'lidc_idri_slices_4raters_png'),
  );
  const budgetText = optionString(args, 'budget-seconds');
  const budgetSeconds = budgetText === undefined ? 600 : positiveInt(budgetText, '--budget-seconds');
  const trainSlices = positiveInt(optionString(args, 'train-slices') ?? '100000', '--train-slices');
  const { loadLidcSlices } = await import('../lidc/lidc-slices');
  const samples = await loadLidcSlices(dataDir);
  o.log(`${samples.length} LIDC slices from ${dataDir}`);
  const r = await quickDiceComparison({
    samples,
    seed: 1,
    epochs: 1000,
    trainSlices,
    budgetSeconds,
    patch: 64,
    batchSize: 16,
    scale: o.scale,
    log: o.log,
  });
  const cost = Math.round((r.full.pooledDice - r.quick.pooledDice) * 1000) / 1000;
  if (o.json) printJson({ benchmark: 'infer-quick-dice', backend: o.backend.active, ...r, diceCost: cost });
  else
    process.stdout.write(
      `LIDC hold-out (${r.validationPatients.length} patients, ${r.volumes} nodules), model trained ${r.trainingSeconds.toFixed(0)} s ` +
        `(${r.trainImages} images): full Dice ${r.full.pooledDice.toFixed(3)}, quick (scale ${r.scale}) ` +
        `${r.quick.pooledDice.toFixed(3)}, cost ${cost.toFixed(3)}\n`,
    );
  return 0;
}
