// The "Augment" tab: N augmented samples of the open case's current axial slice, as the trainer makes them
// (seeded; each transform with its probability and range). The samples come from the backend's
// augmentation preview; until a backend offers it, the tab says so.
import { useState } from 'react';
import type { AugmentSampleData } from './AugmentSample';
import { AugmentSample } from './AugmentSample';

/** Asks the backend for `count` samples of axial slice `slice` of the volume with `seed`. */
export type AugmentPreviewSource = (req: {
  volumeId: number;
  slice: number;
  count: number;
  seed: number;
}) => Promise<AugmentSampleData[]>;

interface Props {
  volumeId: number | null;
  /** The viewer's axial slice (k). */
  slice: number | null;
  /** null when the backend has no augmentation preview. */
  source: AugmentPreviewSource | null;
}

export function AugmentTab({ volumeId, slice, source }: Props) {
  const [count, setCount] = useState(8);
  const [seed, setSeed] = useState(1);
  const [samples, setSamples] = useState<AugmentSampleData[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  if (!source)
    return (
      <p className="muted" data-testid="augment-unavailable">
        This backend does not offer an augmentation preview yet. Training still augments on the fly (rotation,
        scaling, mirroring, noise, blur, brightness, contrast, gamma, low resolution).
      </p>
    );
  if (volumeId === null || slice === null)
    return <p className="muted">Open a case to preview its augmentation.</p>;
  const show = async (nextSeed: number): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      setSamples(await source({ volumeId, slice, count, seed: nextSeed }));
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
      <div className="augment-grid">
        {samples.map((s, i) => (
          <AugmentSample key={`${seed}:${i}`} sample={s} index={i} />
        ))}
      </div>
    </div>
  );
}
