// The label the own mask's tools paint with, as the labels panel shows it; kept a label of the project
// (the first one when the editor's is not, e.g. after switching project).
import { useEffect, useState } from 'react';
import type { MaskEditor } from '@core/labelling/mask-editor';
import type { LabelInfo } from '@contract';

export function useActiveLabel(editor: MaskEditor | null, labels: readonly LabelInfo[]): number | null {
  const [activeLabel, setActiveLabel] = useState<number | null>(null);
  useEffect(() => {
    const ed = editor;
    if (!ed) return;
    const sync = (): void => setActiveLabel(ed.settings.label);
    sync();
    return ed.subscribe(sync);
  }, [editor]);
  useEffect(() => {
    const first = labels[0];
    if (editor && first && !labels.some((l) => l.value === editor.settings.label))
      editor.update({ label: first.value });
  }, [editor, labels]);
  return activeLabel;
}
