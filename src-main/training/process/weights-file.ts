// A weights file (protocol.ts): WeightsMeta (the architecture, with the model's input scaling) and the
// weights by name, in the tensor container of tensor-file.ts. What a run stores and a model package carries.
import type { NamedWeights } from '../model/unet';
import type { WeightsMeta } from './protocol';
import { encodeTensorFile, readTensorFile } from './tensor-file';

export function readWeights(file: string): { meta: WeightsMeta; weights: NamedWeights[] } {
  const { meta, tensors } = readTensorFile<WeightsMeta>(file);
  return {
    meta,
    weights: tensors.map((t) => ({ name: t.name, shape: t.shape, values: t.values as Float32Array })),
  };
}

export function encodeWeights(meta: WeightsMeta, weights: NamedWeights[]): Buffer {
  return encodeTensorFile(meta, weights);
}
