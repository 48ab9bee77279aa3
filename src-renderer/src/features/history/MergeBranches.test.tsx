// @vitest-environment jsdom
// "Merge both branches" against a host bridge double: it asks which branch wins conflicting voxels, sends
// annotation:mergeBranches with the head's tip and the other, and says how many voxels took the chosen
// branch, an answer that stays once the fork is settled (no tips); main's refusal is shown as it is. With
// three tips the head's branch is merged with the chosen one.
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { PreloadApi, Result, RevisionInfo } from '@contract';
import { MergeBranches } from './MergeBranches';

let answer: Result<unknown> = { ok: true, value: null };
const invoke = vi.fn(async (channel: string): Promise<Result<unknown>> => {
  if (channel === 'annotation:mergeBranches') return answer;
  return { ok: false, error: { code: 'bad-input', message: `unexpected ${channel}` } };
});

beforeAll(() => {
  (globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;
  window.concord = {
    invoke,
    on: () => () => undefined,
    appOrigin: '',
    pathForFile: () => '',
  } as unknown as PreloadApi;
});
beforeEach(() => invoke.mockClear());

const tip = (id: number, author: string): RevisionInfo => ({
  id,
  annotationId: 3,
  parentId: 1,
  author,
  tool: 'brush',
  createdAt: '2026-12-06T10:00:00.000Z',
  provenance: {},
  labelVoxels: { '1': 10 },
});

async function render(tips: RevisionInfo[]): Promise<{ el: HTMLElement; root: Root }> {
  const el = document.createElement('div');
  document.body.append(el);
  const root = createRoot(el);
  await act(async () =>
    root.render(<MergeBranches annotationId={3} head={tips[0]?.id ?? null} tips={tips} />),
  );
  return { el, root };
}
const byId = (el: HTMLElement, id: string) => el.querySelector<HTMLElement>(`[data-testid="${id}"]`);

describe('Merge both branches', () => {
  it('asks which branch wins conflicts, merges, and says how many voxels took it', async () => {
    const tips = [tip(6, 'Ann'), tip(5, 'Ann (laptop)')];
    const { el, root } = await render(tips);
    expect(byId(el, 'merge-start')!.textContent).toBe('Merge both branches');
    await act(async () => byId(el, 'merge-start')!.click());
    expect(el.textContent).toContain('which wins?');
    // The head's branch is preselected; the reviewer chooses the other.
    expect((byId(el, 'merge-primary-6') as HTMLInputElement).checked).toBe(true);
    await act(async () => byId(el, 'merge-primary-5')!.click());
    answer = {
      ok: true,
      value: { revision: { ...tip(7, 'Ann (laptop)'), parentId: 6 }, base: 1, conflicts: 1234 },
    };
    await act(async () => byId(el, 'merge-confirm')!.click());
    expect(invoke).toHaveBeenCalledWith('annotation:mergeBranches', {
      annotationId: 3,
      tips: [6, 5],
      primary: 5,
    });
    expect(byId(el, 'merge-result')!.textContent).toBe(
      `merged: ${(1234).toLocaleString()} conflicting voxels took Ann (laptop)'s branch (#5)`,
    );
    // The fork is settled (no tips): the answer stays, the button goes.
    await act(async () => root.render(<MergeBranches annotationId={3} head={7} tips={[]} />));
    expect(byId(el, 'merge-start')).toBeNull();
    expect(byId(el, 'merge-result')!.textContent).toContain('took Ann (laptop)');
  });

  it("shows main's refusal as it is", async () => {
    const { el } = await render([tip(6, 'Ann'), tip(5, 'Ann')]);
    await act(async () => byId(el, 'merge-start')!.click());
    answer = {
      ok: false,
      error: { code: 'forbidden', message: "merging branches on Ann's annotation is for reviewers" },
    };
    await act(async () => byId(el, 'merge-confirm')!.click());
    expect(byId(el, 'merge-result')!.textContent).toBe(
      "merging branches on Ann's annotation is for reviewers",
    );
  });

  it('with three tips, merges the head with the chosen one', async () => {
    const { el } = await render([tip(8, 'Ann'), tip(6, 'Ann'), tip(5, 'Ann')]);
    expect(byId(el, 'merge-start')!.textContent).toBe('Merge two branches');
    await act(async () => byId(el, 'merge-start')!.click());
    const select = byId(el, 'merge-other') as HTMLSelectElement;
    expect([...select.options].map((o) => o.value)).toEqual(['6', '5']);
    await act(async () => {
      select.value = '5';
      select.dispatchEvent(new Event('change', { bubbles: true }));
    });
    answer = { ok: true, value: { revision: tip(9, 'Ann'), base: 1, conflicts: 1 } };
    await act(async () => byId(el, 'merge-confirm')!.click());
    expect(invoke).toHaveBeenCalledWith('annotation:mergeBranches', {
      annotationId: 3,
      tips: [8, 5],
      primary: 8,
    });
    expect(byId(el, 'merge-result')!.textContent).toBe("merged: 1 conflicting voxel took Ann's branch (#8)");
  });
});
