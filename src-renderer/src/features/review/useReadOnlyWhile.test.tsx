// @vitest-environment jsdom
// The own editor is read-only while the case is submitted, with the reason, and editable again once it is
// returned; a reason set by someone else (a reload in progress) is not cleared.
import { act } from 'react';
import { createRoot } from 'react-dom/client';
import { beforeAll, describe, expect, it } from 'vitest';
import { useReadOnlyWhile, type ReadOnlyTarget } from './useReadOnlyWhile';

beforeAll(() => {
  (globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;
});

function fakeEditor(): ReadOnlyTarget & { calls: (string | null)[] } {
  const e = {
    readOnly: null as string | null,
    calls: [] as (string | null)[],
    setReadOnly(reason: string | null) {
      e.readOnly = reason;
      e.calls.push(reason);
    },
  };
  return e;
}

function Probe({ editor, reason }: { editor: ReadOnlyTarget | null; reason: string | null }) {
  useReadOnlyWhile(editor, reason);
  return null;
}

describe('useReadOnlyWhile', () => {
  it('sets the reason while it holds and clears only its own reason', () => {
    const editor = fakeEditor();
    const root = createRoot(document.createElement('div'));
    act(() => root.render(<Probe editor={editor} reason={null} />));
    expect(editor.readOnly).toBeNull();
    act(() => root.render(<Probe editor={editor} reason="Submitted" />));
    expect(editor.readOnly).toBe('Submitted');
    act(() => root.render(<Probe editor={editor} reason={null} />));
    expect(editor.readOnly).toBeNull();
    expect(editor.calls).toEqual(['Submitted', null]);

    act(() => root.render(<Probe editor={editor} reason="Submitted" />));
    editor.setReadOnly('Reloading the newest revision…');
    act(() => root.unmount());
    expect(editor.readOnly).toBe('Reloading the newest revision…');
  });
});
