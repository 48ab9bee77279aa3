// The label list a lead types when creating a project: one label a line, "value name #rrggbb" (value and
// colour optional: values count up from 1, colours come from a palette), e.g. "1 Vertebra #ffaa00".
const PALETTE = ['#ff0000', '#00c000', '#0080ff', '#ffc000', '#c000ff', '#00c0c0'];

export interface LabelDraft {
  value: number;
  name: string;
  color: string;
  visible: boolean;
  opacity: number;
}

/** The labels of the text, or a one-line reason why not. */
export function parseLabelLines(text: string): { labels: LabelDraft[] } | { error: string } {
  const labels: LabelDraft[] = [];
  let next = 1;
  for (const [n, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    if (!line) continue;
    const m = /^(?:(\d+)\s+)?(.+?)(?:\s+(#[0-9a-fA-F]{6}))?$/.exec(line);
    if (!m) return { error: `line ${n + 1}: write "value name #rrggbb"` };
    const value = m[1] ? Number(m[1]) : next;
    if (value < 1 || value > 255) return { error: `line ${n + 1}: a label value is 1..255` };
    if (labels.some((l) => l.value === value))
      return { error: `line ${n + 1}: value ${value} is used twice` };
    labels.push({
      value,
      name: m[2]!,
      color: (m[3] ?? PALETTE[(value - 1) % PALETTE.length]!).toLowerCase(),
      visible: true,
      opacity: 0.5,
    });
    next = value + 1;
  }
  return { labels };
}
