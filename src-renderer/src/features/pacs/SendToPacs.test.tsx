// @vitest-environment jsdom
// "Send to PACS" against a host bridge double: hidden without servers; with one, it sends pacs:send for its
// revision to that server and shows the answer, or main's refusal as it is; in a research project the button
// is disabled with the reason as its tooltip, and nothing is sent.
import { act } from 'react';
import { createRoot } from 'react-dom/client';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { PreloadApi, Result } from '@contract';
import { RESEARCH_REFUSAL, SendToPacs } from './SendToPacs';

let servers: { name: string; url: string; timeoutMs: number }[] = [];
let sendAnswer: Result<unknown> = { ok: true, value: null };
const invoke = vi.fn(async (channel: string): Promise<Result<unknown>> => {
  if (channel === 'pacs:list') return { ok: true, value: servers };
  if (channel === 'pacs:send') return sendAnswer;
  if (channel === 'project:list')
    return {
      ok: true,
      value: [
        { id: 1, name: 'Ward', kind: 'clinical' },
        { id: 2, name: 'Study', kind: 'research' },
      ],
    };
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

async function render(revisionId: number, projectId = 1): Promise<HTMLElement> {
  const el = document.createElement('div');
  document.body.append(el);
  await act(async () => createRoot(el).render(<SendToPacs revisionId={revisionId} projectId={projectId} />));
  return el;
}

describe('Send to PACS', () => {
  it('shows nothing when the workspace knows no PACS', async () => {
    servers = [];
    const el = await render(7);
    expect(el.textContent).toBe('');
  });

  it("sends the revision to the PACS and shows the answer, or main's refusal", async () => {
    servers = [{ name: 'Hospital', url: 'http://pacs/dicom-web', timeoutMs: 30000 }];
    sendAnswer = { ok: true, value: { server: 'Hospital', revisionId: 7, stored: ['1.2.3'], bytes: 10 } };
    const el = await render(7);
    const button = el.querySelector('button')!;
    expect(button.textContent).toBe('Send to PACS (Hospital)');
    await act(async () => button.click());
    expect(invoke).toHaveBeenCalledWith('pacs:send', { server: 'Hospital', revisionId: 7 });
    expect(el.querySelector('[role=status]')!.textContent).toContain('Sent to Hospital as a DICOM SEG.');

    sendAnswer = {
      ok: false,
      error: {
        code: 'bad-input',
        message: "PACS 'Hospital' (http://pacs/dicom-web) cannot be reached: connection refused",
      },
    };
    await act(async () => button.click());
    expect(el.querySelector('[role=status]')!.textContent).toContain('connection refused');
  });

  it('is disabled in a research project, with the reason as its tooltip, and sends nothing', async () => {
    servers = [{ name: 'Hospital', url: 'http://pacs/dicom-web', timeoutMs: 30000 }];
    invoke.mockClear();
    const el = await render(8, 2);
    const button = el.querySelector('button')!;
    expect(button.disabled).toBe(true);
    expect(button.title).toBe(RESEARCH_REFUSAL);
    await act(async () => button.click());
    expect(invoke).not.toHaveBeenCalledWith('pacs:send', expect.anything());
  });
});
