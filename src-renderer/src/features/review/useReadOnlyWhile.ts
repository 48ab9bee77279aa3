// Makes an editor read-only with a reason while a condition holds (the own annotation of a submitted case:
// main refuses its saves until a reviewer returns it), and editable again when it ends, so a stroke is never
// drawn that cannot be saved. Only the reason set here is cleared: another reason (a reload) is left alone.
import { useEffect } from 'react';
import type { MaskEditor } from '@core/labelling/mask-editor';

export type ReadOnlyTarget = Pick<MaskEditor, 'setReadOnly' | 'readOnly'>;

export function useReadOnlyWhile(editor: ReadOnlyTarget | null, reason: string | null): void {
  useEffect(() => {
    if (!editor || reason === null) return;
    editor.setReadOnly(reason);
    return () => {
      if (editor.readOnly === reason) editor.setReadOnly(null);
    };
  }, [editor, reason]);
}
