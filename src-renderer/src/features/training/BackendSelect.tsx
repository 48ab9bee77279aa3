// The backend a run asks for. 'auto' takes the first that starts (tensorflow, webgpu, wasm, cpu); the run
// then records which one ran and why the others did not, shown with the run (RunSummary).
import type { TrainingBackendRequest } from '../../../../src-preload/contract';

const CHOICES: { value: TrainingBackendRequest; text: string }[] = [
  { value: 'auto', text: 'Automatic (the fastest that starts)' },
  { value: 'tensorflow', text: 'TensorFlow native (tfjs-node / tfjs-node-gpu, if installed)' },
  { value: 'webgpu', text: 'WebGPU (Dawn, a real GPU)' },
  { value: 'wasm', text: 'WebAssembly SIMD (all CPU cores)' },
  { value: 'cpu', text: 'JavaScript CPU (with Concord’s kernels)' },
];

interface Props {
  value: TrainingBackendRequest;
  onChange(v: TrainingBackendRequest): void;
}

export function BackendSelect({ value, onChange }: Props) {
  return (
    <label title="The run records the backend that ran and why the others did not">
      Backend
      <select
        data-testid="train-backend"
        value={value}
        onChange={(e) => onChange(e.target.value as TrainingBackendRequest)}
      >
        {CHOICES.map((c) => (
          <option key={c.value} value={c.value}>
            {c.text}
          </option>
        ))}
      </select>
    </label>
  );
}
