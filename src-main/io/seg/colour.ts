// Label colours ('#rrggbb', sRGB) <-> DICOM's Recommended Display CIELab Value (L*, a*, b* under D65, each
// scaled to 0..65535 as PS3.3 C.10.7.1.1 says), through dcmjs's colour conversions.
import { data } from './dcmjs-data';

/** '#rrggbb' -> three unsigned 16-bit CIELab values. */
export function hexToDicomLab(hex: string): [number, number, number] {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  const rgb = m ? [m[1]!, m[2]!, m[3]!].map((h) => parseInt(h, 16) / 255) : [1, 0, 0];
  const lab = data.Colors.rgb2DICOMLAB(rgb).map((v) => Math.min(65535, Math.max(0, Math.round(v))));
  return [lab[0]!, lab[1]!, lab[2]!];
}

/** Three CIELab values (0..65535) -> '#rrggbb' (out-of-gamut components clipped). */
export function dicomLabToHex(lab: number[]): string {
  const rgb = data.Colors.dicomlab2RGB(lab);
  return (
    '#' +
    rgb
      .slice(0, 3)
      .map((c) =>
        Math.round(Math.min(1, Math.max(0, c)) * 255)
          .toString(16)
          .padStart(2, '0'),
      )
      .join('')
  );
}
