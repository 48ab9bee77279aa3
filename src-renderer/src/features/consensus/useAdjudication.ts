// The volume's adjudication: its state from main (re-read when another window or a decision changes it,
// and when the working mask gets a new revision), and the actions: start from a seed, decide (a rationale
// is required: refused here with a clear message before anything is sent, and by main), undo the last
// decision (recorded as a manual decision that restores the mask as it was before it), sign off, reopen.
import { useCallback, useEffect, useState } from 'react';
import type { AdjudicationState, DecideRequest } from '@contract';
import type { Vec3 } from '@core/geometry/affine';
import { diffMasks } from '@core/labelling/patch';
import { call, getBridge } from '../../api/bridge';

export interface Adjudication {
  state: AdjudicationState | null;
  busy: boolean;
  message: { kind: 'error' | 'info'; text: string } | null;
  start(seedRevisionId: number, label: number): Promise<void>;
  decide(d: DecisionInput, rationale: string): Promise<boolean>;
  undoLast(rationale: string): Promise<boolean>;
  signOff(comment: string): Promise<void>;
  reopen(reason: string): Promise<void>;
}

/** A decision without the fields this hook fills in (adjudication, parent revision, rationale). */
export type DecisionInput =
  | {
      kind: 'take-rater' | 'take-consensus';
      region: { agreementId: string; regionId: number };
      sourceRevisionId: number;
    }
  | { kind: 'manual'; region?: { agreementId: string; regionId: number } };

export const RATIONALE_REQUIRED = 'Write a rationale first: every decision records why it was made.';

export function useAdjudication(volumeId: number | null, dims: Vec3): Adjudication {
  const [stateAny, setState] = useState<AdjudicationState | null>(null);
  // Another volume's adjudication (the user moved on) is never shown.
  const state = stateAny && stateAny.volumeId === volumeId ? stateAny : null;
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<Adjudication['message']>(null);
  const [reload, setReload] = useState(0);

  useEffect(() => {
    if (volumeId === null) return;
    let live = true;
    call(getBridge().invoke('adjudication:get', { volumeId }))
      .then((s) => live && setState(s))
      .catch((e: Error) => live && setMessage({ kind: 'error', text: e.message }));
    return () => {
      live = false;
    };
  }, [volumeId, reload]);

  const workingId = state?.workingAnnotationId ?? null;
  useEffect(() => {
    const bridge = getBridge();
    const offA = bridge.on('adjudication:changed', (e) => e.volumeId === volumeId && setReload((n) => n + 1));
    const offB = bridge.on(
      'annotation:changed',
      (e) => e.annotationId === workingId && setReload((n) => n + 1),
    );
    return () => {
      offA();
      offB();
    };
  }, [volumeId, workingId]);

  /** Runs an action; its new state replaces the old, a failure becomes the message. */
  const act = useCallback(async (f: () => Promise<AdjudicationState>, done?: string): Promise<boolean> => {
    setBusy(true);
    try {
      setState(await f());
      setMessage(done ? { kind: 'info', text: done } : null);
      return true;
    } catch (e) {
      setMessage({ kind: 'error', text: (e as Error).message });
      return false;
    } finally {
      setBusy(false);
    }
  }, []);

  /** The newest state (the head may have moved by manual edits), for the parent revision of an action. */
  const fresh = useCallback(async (): Promise<AdjudicationState> => {
    if (volumeId === null) throw new Error('No volume is open.');
    const s = await call(getBridge().invoke('adjudication:get', { volumeId }));
    if (!s) throw new Error('No adjudication has been started for this volume.');
    return s;
  }, [volumeId]);

  const start = useCallback(
    (seedRevisionId: number, label: number) =>
      act(async () => {
        if (volumeId === null) throw new Error('No volume is open.');
        return call(getBridge().invoke('adjudication:start', { volumeId, seedRevisionId, label }));
      }, 'Adjudication started.').then(() => undefined),
    [act, volumeId],
  );

  const decide = useCallback(
    async (d: DecisionInput, rationale: string): Promise<boolean> => {
      if (!rationale.trim()) {
        setMessage({ kind: 'error', text: RATIONALE_REQUIRED });
        return false;
      }
      return act(async () => {
        const s = await fresh();
        const req = {
          ...d,
          adjudicationId: s.id,
          parentRevisionId: s.headRevisionId,
          rationale: rationale.trim(),
        };
        return call(getBridge().invoke('adjudication:decide', req as DecideRequest));
      }, 'Decision recorded.');
    },
    [act, fresh],
  );

  const undoLast = useCallback(
    async (rationale: string): Promise<boolean> => {
      if (!rationale.trim()) {
        setMessage({ kind: 'error', text: RATIONALE_REQUIRED });
        return false;
      }
      return act(async () => {
        const s = await fresh();
        const last = s.decisions[s.decisions.length - 1];
        const before = s.decisions[s.decisions.length - 2];
        if (!last || !before) throw new Error('Nothing to undo: only the seed has been recorded.');
        const bridge = getBridge();
        const [a, b] = await Promise.all([
          call(bridge.invoke('annotation:mask', { revisionId: before.resultRevisionId })),
          call(bridge.invoke('annotation:mask', { revisionId: s.headRevisionId })),
        ]);
        const [nx, ny, nz] = dims;
        if (a.data.length !== nx * ny * nz || b.data.length !== a.data.length)
          throw new RangeError(
            `masks of ${a.data.length} and ${b.data.length} labels do not fit ${dims.join('×')}`,
          );
        // The edit from the mask before the last decision to the head; its inverse restores the former.
        const patch = diffMasks(a.data, b.data, dims)?.inverse ?? null;
        if (!patch) throw new Error(`Decision #${last.id} changed no voxel: nothing to undo.`);
        return call(
          bridge.invoke('adjudication:decide', {
            kind: 'manual',
            adjudicationId: s.id,
            parentRevisionId: s.headRevisionId,
            patch,
            rationale: `Undo of decision #${last.id}: ${rationale.trim()}`,
          }),
        );
      }, 'Last decision undone (recorded as a new decision).');
    },
    [act, fresh, dims],
  );

  const signOff = useCallback(
    (comment: string) =>
      act(async () => {
        const s = await fresh();
        return call(
          getBridge().invoke('adjudication:signOff', {
            adjudicationId: s.id,
            parentRevisionId: s.headRevisionId,
            ...(comment.trim() ? { comment: comment.trim() } : {}),
          }),
        );
      }, 'Signed off: the reference mask is stored.').then(() => undefined),
    [act, fresh],
  );

  const reopen = useCallback(
    async (reason: string) => {
      if (!reason.trim()) {
        setMessage({ kind: 'error', text: 'Write the reason for reopening a signed-off case.' });
        return;
      }
      await act(async () => {
        const s = await fresh();
        return call(
          getBridge().invoke('adjudication:reopen', { adjudicationId: s.id, reason: reason.trim() }),
        );
      }, 'Reopened.');
    },
    [act, fresh],
  );

  return { state, busy, message, start, decide, undoLast, signOff, reopen };
}
