// The "Augment" tab: N augmented samples of the open case's current axial slice, as training makes them
// (augment:preview: nnU-Net's transforms, each with its probability and range, seeded), each with the
// signed-in profile's own mask under the same transform (blinding: never anyone else's) and what was applied.
import { useState } from 'react';
import type { AugmentPreview } from '@contract';
import { call, getBridge } from '../../api/bridge';
import { AugmentSample } from './AugmentSample';

interface Props {
  volumeId: number | null;
  /** The viewer's axial slice (k). */
  slice: number | null;
}

export function AugmentTab({ volumeId, slice }: Props) {
  const [count, setCount] = useState(8);
  const [seed, setSeed] = useState(1);
  const [preview, setPreview] = useState<AugmentPreview | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  if (volumeId === null || slice === null)
    return <p className="muted">Open a case to preview its augmentation.</p>;
  const show = async (nextSeed: number): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      setPreview(
        await call(getBridge().invoke('augment:preview', { volumeId, slice, count, seed: nextSeed })),
      );
      setSeed(nextSeed);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="augment-tab" data-testid="augment-tab">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void show(seed);
        }}
      >
        <label>
          Samples
          <input
            data-testid="augment-count"
            type="number"
            min={1}
            max={16}
            value={count}
            onChange={(e) => setCount(Number(e.target.value))}
          />
        </label>
        <label>
          Seed
          <input type="number" min={0} value={seed} onChange={(e) => setSeed(Number(e.target.value))} />
        </label>
        <button type="submit" disabled={busy} data-testid="augment-show">
          Show slice {slice + 1}
        </button>
        <button type="button" disabled={busy} onClick={() => void show(seed + 1)}>
          New samples
        </button>
      </form>
      {error && <p className="error">{error}</p>}
      {preview && (
        <p className="muted" data-testid="augment-info">
          {preview.samples.length} samples of a {preview.width}×{preview.height} crop at ({preview.origin[0]},{' '}
          {preview.origin[1]}), seed {seed}
          {preview.samples[0]?.mask === null
            ? '; no mask of yours on this slice'
            : '; tinted yellow: your mask'}
          .
        </p>
      )}
      <div className="augment-grid">
        {preview?.samples.map((s, i) => (
          <AugmentSample
            key={`${seed}:${i}`}
            sample={{ width: preview.width, height: preview.height, ...s }}
            index={i}
          />
        ))}
      </div>
    </div>
  );
}
