// @vitest-environment jsdom
// The adjudication actions against a fake host bridge (window.concord): a decision without a rationale is
// refused before anything is sent; a decision sends the head the reviewer sees as its parent; "undo last
// decision" sends a manual decision whose patch restores the mask as it was before the last decision.
import { act, useEffect } from 'react';
import { createRoot } from 'react-dom/client';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { AdjudicationState, MaskPatch, PreloadApi } from '@contract';
import type { Adjudication } from './useAdjudication';
import { RATIONALE_REQUIRED, useAdjudication } from './useAdjudication';

const DIMS: [number, number, number] = [2, 2, 1];
const decision = (id: number, kind: 'seed' | 'take-rater', resultRevisionId: number) => ({
  id,
  adjudicationId: 1,
  kind,
  region: null,
  sourceRevisionId: 3,
  rationale: 'why',
  resultRevisionId,
  voxelsChanged: 1,
  decidedBy: 'Dr Review',
  decidedAt: '2026-11-27T02:00:00Z',
});
const STATE: AdjudicationState = {
  id: 1,
  caseId: 1,
  volumeId: 7,
  label: 1,
  workingAnnotationId: 9,
  headRevisionId: 11,
  seedRevisionId: 3,
  status: 'open',
  startedBy: 'Dr Review',
  startedAt: '2026-11-27T02:00:00Z',
  decisions: [decision(1, 'seed', 10), decision(2, 'take-rater', 11)],
  signOffs: [],
};
/** Revision 10 (before the last decision) and 11 (the head): voxel 1 changed from 0 to 1. */
const MASKS: Record<number, Uint8Array> = {
  10: Uint8Array.from([1, 0, 0, 0]),
  11: Uint8Array.from([1, 1, 0, 0]),
};

const invoke = vi.fn(async (channel: string, req: unknown) => {
  switch (channel) {
    case 'adjudication:get':
      return { ok: true, value: STATE };
    case 'annotation:mask': {
      const id = (req as { revisionId: number }).revisionId;
      return { ok: true, value: { revisionId: id, dims: DIMS, data: MASKS[id]! } };
    }
    case 'adjudication:decide':
      return { ok: true, value: { ...STATE, headRevisionId: 12 } };
  }
  return { ok: false, error: { code: 'unsupported', message: channel } };
});

const latest: { current: Adjudication | null } = { current: null };
function Harness() {
  const a = useAdjudication(7, DIMS);
  useEffect(() => {
    latest.current = a;
  });
  return null;
}

beforeAll(async () => {
  (globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;
  window.concord = {
    invoke,
    on: () => () => undefined,
    appOrigin: '',
    pathForFile: () => '',
  } as unknown as PreloadApi;
  const root = createRoot(document.createElement('div'));
  await act(async () => root.render(<Harness />));
  await act(async () => Promise.resolve());
});

const sent = (channel: string) => invoke.mock.calls.filter((c) => c[0] === channel).map((c) => c[1]);

describe('adjudication actions', () => {
  it('loads the volume’s adjudication', () => {
    expect(latest.current!.state?.headRevisionId).toBe(11);
  });

  it('refuses a decision without a rationale, sending nothing', async () => {
    let ok = true;
    await act(async () => {
      ok = await latest.current!.decide(
        { kind: 'take-rater', region: { agreementId: 'a', regionId: 1 }, sourceRevisionId: 3 },
        '  ',
      );
    });
    expect(ok).toBe(false);
    expect(latest.current!.message).toEqual({ kind: 'error', text: RATIONALE_REQUIRED });
    expect(sent('adjudication:decide')).toHaveLength(0);
  });

  it('sends a decision with the head as its parent and the trimmed rationale', async () => {
    await act(async () => {
      await latest.current!.decide(
        { kind: 'take-rater', region: { agreementId: 'a', regionId: 1 }, sourceRevisionId: 3 },
        ' reader 2 ',
      );
    });
    expect(sent('adjudication:decide')[0]).toMatchObject({
      kind: 'take-rater',
      adjudicationId: 1,
      parentRevisionId: 11,
      rationale: 'reader 2',
      sourceRevisionId: 3,
    });
    expect(latest.current!.state?.headRevisionId).toBe(12);
  });

  it('undoes the last decision as a manual decision restoring the voxels it changed', async () => {
    await act(async () => {
      await latest.current!.undoLast('wrong reader');
    });
    const req = sent('adjudication:decide')[1] as { kind: string; patch: MaskPatch; rationale: string };
    expect(req.kind).toBe('manual');
    expect(req.rationale).toBe('Undo of decision #2: wrong reader');
    expect(req.patch.box).toEqual([1, 2, 0, 1, 0, 1]);
    expect([...req.patch.data]).toEqual([0]);
  });

  it('refuses to undo when a mask does not fit the volume, sending nothing', async () => {
    const sentBefore = sent('adjudication:decide').length;
    const head = MASKS[11]!;
    MASKS[11] = head.subarray(0, 3);
    let ok = true;
    await act(async () => {
      ok = await latest.current!.undoLast('wrong reader');
    });
    MASKS[11] = head;
    expect(ok).toBe(false);
    expect(latest.current!.message).toEqual({
      kind: 'error',
      text: 'masks of 4 and 3 labels do not fit 2×2×1',
    });
    expect(sent('adjudication:decide')).toHaveLength(sentBefore);
  });
});
