// The backend a run asks for, with what this machine offers (training:backends: probed once by the host in
// a trainer process): each backend that starts here, and for the others why not. 'auto' takes the first
// that starts; the run records which one ran and why the others did not (RunSummary).
import { useEffect, useState } from 'react';
import type { BackendAvailability, TrainingBackendRequest } from '@contract';
import { call, getBridge } from '../../api/bridge';

const NAMES: Record<BackendAvailability['backend'], string> = {
  tensorflow: 'TensorFlow native (tfjs-node / tfjs-node-gpu)',
  webgpu: 'WebGPU (Dawn, a real GPU)',
  wasm: 'WebAssembly SIMD (all CPU cores)',
  cpu: 'JavaScript CPU (with Concord’s kernels)',
};

/** The host probes once; every form of this window shares the answer. */
let probe: Promise<BackendAvailability[]> | null = null;

interface Props {
  value: TrainingBackendRequest;
  onChange(v: TrainingBackendRequest): void;
}

export function BackendSelect({ value, onChange }: Props) {
  const [rows, setRows] = useState<BackendAvailability[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let alive = true;
    probe ??= call(getBridge().invoke('training:backends', undefined));
    probe
      .then((r) => alive && setRows(r))
      .catch((e: Error) => {
        probe = null; // ask again next time
        if (alive) setError(e.message);
      });
    return () => {
      alive = false;
    };
  }, []);
  const auto = rows?.find((r) => r.available && r.reason === null) ?? rows?.find((r) => r.available);
  return (
    <div className="backend-select">
      <label title="The run records the backend that ran and why the others did not">
        Backend
        <select
          data-testid="train-backend"
          value={value}
          onChange={(e) => onChange(e.target.value as TrainingBackendRequest)}
        >
          <option value="auto">Automatic{auto ? ` (${auto.backend})` : ''}</option>
          {(
            rows ??
            (Object.keys(NAMES) as BackendAvailability['backend'][]).map((b) => ({
              backend: b,
              available: true,
            }))
          ).map((r) => (
            <option key={r.backend} value={r.backend} disabled={!r.available}>
              {NAMES[r.backend]}
              {r.available ? '' : ' — unavailable'}
            </option>
          ))}
        </select>
      </label>
      {rows === null && !error && <p className="muted">Checking which backends start here…</p>}
      {error && <p className="error">Could not check the backends: {error}</p>}
      {rows && (
        <ul className="backend-why muted" data-testid="backend-availability">
          {rows.map((r) => (
            <li key={r.backend} data-backend={r.backend} data-available={r.available ? 'true' : 'false'}>
              <strong>{r.backend}</strong>: {r.available ? (r.device ?? r.reason ?? 'available') : r.reason}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
