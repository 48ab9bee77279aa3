// Which label value each imported segment (DICOM SEG, or any named segment) takes in a project:
//   1. the value of the project's label with the same name (case and surrounding spaces ignored);
//   2. else the segment's own number, when it is 1..255 and no project label or earlier segment has it;
//   3. else the smallest value 1..255 that no project label or earlier segment has.
// Segments that take a new value create a label with the segment's name and colour.
import { InputError } from '../errors';

export interface NamedSegment {
  number: number;
  name: string;
  /** '#rrggbb'; undefined: the project's palette colour. */
  color?: string;
}

export interface SegmentValue {
  number: number;
  value: number;
  name: string;
  color?: string;
  /** The project has no label of this value yet: one is created with this name and colour. */
  isNew: boolean;
}

export function segmentValues(
  segments: NamedSegment[],
  projectLabels: { value: number; name: string }[],
): SegmentValue[] {
  const byName = new Map(projectLabels.map((l) => [l.name.trim().toLowerCase(), l.value]));
  const taken = new Set(projectLabels.map((l) => l.value));
  const out: SegmentValue[] = [];
  for (const s of segments) {
    const named = byName.get(s.name.trim().toLowerCase());
    if (named !== undefined && !out.some((o) => o.value === named)) {
      out.push({ number: s.number, value: named, name: s.name, isNew: false });
      continue;
    }
    let value = s.number >= 1 && s.number <= 255 && !taken.has(s.number) ? s.number : 0;
    for (let v = 1; value === 0 && v <= 255; v++) if (!taken.has(v)) value = v;
    if (value === 0) {
      throw new InputError(
        undefined,
        `no free label value (1..255) left for segment ${s.number} '${s.name}'`,
      );
    }
    taken.add(value);
    out.push({ number: s.number, value, name: s.name, ...(s.color ? { color: s.color } : {}), isNew: true });
  }
  return out;
}
