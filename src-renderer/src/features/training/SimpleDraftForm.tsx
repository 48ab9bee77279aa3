// Simple models in the "AI draft" tab: a one-click draft without a trained model. Watershed floods from
// seeds the annotator places at the crosshair (object seeds inside the structure, background seeds outside
// it, optional); Otsu and the CT window take the seeds as "the part I mean" (none: the whole volume). The
// draft is stored like a model's and listed with the case's drafts; its outcome is set beside the U-Net's in
// the Models tab. Any signed-in profile may make one.
import { useState } from 'react';
import type { SimpleDraftInfo } from '@contract';
import { call, getBridge } from '../../api/bridge';
import { CASE_QUERIES, invalidateQueries } from '../../api/queries';
import { useJob } from './useJob';

type Method = SimpleDraftInfo['method'];
type Voxel = [number, number, number];

interface Props {
  volumeId: number;
  /** The viewer's crosshair, voxel indices (i, j, k); null before it moved. */
  cursor: Voxel | null;
}

const METHOD_TEXT: Record<Method, string> = {
  watershed: 'Watershed from seeds',
  otsu: 'Otsu threshold',
  window: 'CT window',
};

export function SimpleDraftForm({ volumeId, cursor }: Props) {
  const [method, setMethod] = useState<Method>('watershed');
  const [seeds, setSeeds] = useState<Voxel[]>([]);
  const [background, setBackground] = useState<Voxel[]>([]);
  const [lo, setLo] = useState('-100');
  const [hi, setHi] = useState('200');
  const [message, setMessage] = useState<{ kind: 'ok' | 'error'; text: string } | null>(null);
  const job = useJob('simple');

  const run = async (): Promise<void> => {
    setMessage(null);
    try {
      const r = await job.run((jobId) =>
        call(
          getBridge().invoke('draft:simple', {
            jobId,
            volumeId,
            method,
            seeds,
            backgroundSeeds: background,
            ...(method === 'window' ? { window: { lo: Number(lo), hi: Number(hi) } } : {}),
          }),
        ),
      );
      setMessage({
        kind: 'ok',
        text: `${METHOD_TEXT[r.method]} draft saved: ${r.foregroundVoxels.toLocaleString()} voxels${r.threshold !== null ? `, threshold ${r.threshold.toFixed(1)}` : ''}.`,
      });
      invalidateQueries(...CASE_QUERIES);
    } catch (e) {
      setMessage({ kind: 'error', text: (e as Error).message });
    }
  };
  const add = (to: 'object' | 'background') => {
    if (!cursor) return;
    (to === 'object' ? setSeeds : setBackground)((l) => [...l, cursor]);
  };

  return (
    <form
      className="simple-draft"
      data-testid="simple-draft"
      onSubmit={(e) => {
        e.preventDefault();
        void run();
      }}
    >
      <h3>Simple model</h3>
      <label>
        Method
        <select
          data-testid="simple-method"
          value={method}
          onChange={(e) => setMethod(e.target.value as Method)}
        >
          {(Object.keys(METHOD_TEXT) as Method[]).map((m) => (
            <option key={m} value={m}>
              {METHOD_TEXT[m]}
            </option>
          ))}
        </select>
      </label>
      {method === 'window' && (
        <span className="window-range">
          <label>
            From (HU)
            <input data-testid="simple-lo" type="number" value={lo} onChange={(e) => setLo(e.target.value)} />
          </label>
          <label>
            to
            <input data-testid="simple-hi" type="number" value={hi} onChange={(e) => setHi(e.target.value)} />
          </label>
        </span>
      )}
      <div className="seed-buttons">
        <button type="button" data-testid="simple-add-seed" disabled={!cursor} onClick={() => add('object')}>
          Crosshair is inside
        </button>
        <button
          type="button"
          data-testid="simple-add-background"
          disabled={!cursor}
          onClick={() => add('background')}
        >
          Crosshair is outside
        </button>
        <button
          type="button"
          className="link"
          disabled={seeds.length + background.length === 0}
          onClick={() => {
            setSeeds([]);
            setBackground([]);
          }}
        >
          Clear seeds
        </button>
      </div>
      <p
        className="muted"
        data-testid="simple-seeds"
        data-seeds={seeds.length}
        data-background={background.length}
      >
        {seeds.length} inside, {background.length} outside
        {cursor ? ` · crosshair at ${cursor.join(', ')}` : ' · click the image to place the crosshair'}
      </p>
      <button
        type="submit"
        data-testid="simple-run"
        disabled={job.jobId !== null || (method === 'watershed' && seeds.length === 0)}
        title={
          method === 'watershed' && seeds.length === 0 ? 'Put at least one seed inside the structure' : ''
        }
      >
        Make draft
      </button>
      {job.jobId !== null && (
        <button type="button" data-testid="simple-cancel" onClick={job.cancel}>
          Cancel
        </button>
      )}
      {message && (
        <p
          className={message.kind === 'error' ? 'error' : 'ok'}
          role={message.kind === 'error' ? 'alert' : 'status'}
          data-testid="simple-message"
        >
          {message.text}
        </p>
      )}
    </form>
  );
}
