// Telling series apart where cases and volumes are listed: two series of a study often share a description
// ("T2 TSE"), so a list names each by its description and, when the description repeats, adds what differs:
// the DICOM series number, the slice plane, the slice count and the import date.
//
// The slice plane is the direction of the k axis (the IJK->LPS affine's third column): along L (x) the slices
// are sagittal, along P (y) coronal, along S (z) axial; when no axis holds at least cos 30 deg of it, oblique.

export type SlicePlane = 'axial' | 'coronal' | 'sagittal' | 'oblique';

/** The plane of the slices of a volume whose row-major 4x4 affine maps (i, j, k, 1) to LPS mm. */
export function slicePlane(affineLPS: readonly number[]): SlicePlane {
  const k = [affineLPS[2] ?? 0, affineLPS[6] ?? 0, affineLPS[10] ?? 0];
  const norm = Math.hypot(k[0]!, k[1]!, k[2]!);
  if (norm === 0) return 'oblique';
  const c = k.map((x) => Math.abs(x) / norm);
  const best = c.indexOf(Math.max(...c));
  if (c[best]! < Math.cos(Math.PI / 6)) return 'oblique';
  return (['sagittal', 'coronal', 'axial'] as const)[best]!;
}

export interface SeriesFacts {
  id: number;
  name: string;
  seriesNumber: number | null;
  orientation: SlicePlane;
  dims: readonly [number, number, number];
  importedAt: string;
}

/** A label per volume (same order): the name alone when unique in the list, else the name with what differs. */
export function seriesLabels(volumes: readonly SeriesFacts[]): string[] {
  const count = new Map<string, number>();
  for (const v of volumes) count.set(v.name, (count.get(v.name) ?? 0) + 1);
  return volumes.map((v) => {
    if (count.get(v.name) === 1) return v.name;
    const twins = volumes.filter((o) => o.name === v.name);
    const parts: string[] = [];
    if (v.seriesNumber !== null) parts.push(`#${v.seriesNumber}`);
    parts.push(v.orientation, `${v.dims[2]} slices`);
    const day = v.importedAt.slice(0, 10);
    if (twins.some((o) => o.importedAt.slice(0, 10) !== day)) parts.push(day);
    const label = `${v.name} (${parts.join(', ')})`;
    // Still the same as a twin (a series imported twice): the volume id is what is left to tell them apart.
    const same = twins.filter(
      (o) =>
        o.seriesNumber === v.seriesNumber &&
        o.orientation === v.orientation &&
        o.dims[2] === v.dims[2] &&
        o.importedAt.slice(0, 10) === day,
    );
    return same.length > 1 ? `${label.slice(0, -1)}, volume ${v.id})` : label;
  });
}
