// The viewer's measurements in a bundle (migration 011's rows): each ruler or ellipse of the cases a bundle
// carries, with its author (profile name, uid among the profiles), its slice and two points in continuous
// voxel indices (centres at integers, i fastest) and its deletion mark. Sizes do not travel: the receiver
// computes them from the points and the volume's affine, as the exporter did.
//
// A measurement is named by a global id made from what never changes once it is drawn: its volume's checksum
// and a digest of its kind, slice and points and the time it was drawn (ms). The receiver computes the same
// id for its own rows, so a measurement that went around is recognised without a table of origins, its name
// and author may differ (a de-identified bundle names authors by pseudonyms), and the id in a bundle is
// checked against its content.
import { createHash } from 'node:crypto';
import { canonicalJson } from '../../core/canonical-json';
import type { Vec3 } from '../../core/geometry/affine';
import { shapeProblem } from '../../core/measure/geometry';
import type { MeasurementShape } from '../../core/model';

export interface BundleMeasurement {
  /** "measurement:<volume checksum>:<digest>" (measurementGid). */
  gid: string;
  /** The volume's checksum. */
  volume: string;
  /** Profile name of its author. */
  annotator: string;
  kind: MeasurementShape['kind'];
  /** "Ruler 2": kept on the receiver unless its author has another of that name there. */
  name: string;
  axis: 0 | 1 | 2;
  slice: number;
  points: [Vec3, Vec3];
  createdAt: string;
  /** A deleted measurement travels deleted: when and by whom (a receiver never brings it back). */
  deletedAt: string | null;
  deletedBy: string | null;
}

export function measurementGid(volumeChecksum: string, m: MeasurementShape & { createdAt: string }): string {
  const digest = createHash('sha256')
    .update(canonicalJson({ kind: m.kind, axis: m.axis, slice: m.slice, points: m.points, at: m.createdAt }))
    .digest('hex')
    .slice(0, 32);
  return `measurement:${volumeChecksum}:${digest}`;
}

/**
 * Why the measurements of a manifest are not valid, or null: each on a volume the bundle describes (dims
 * along i, j, k), by a profile it describes, of a valid shape, its gid matching its content, no gid twice.
 */
export function measurementsProblem(
  list: unknown,
  dimsOf: Map<string, [number, number, number]>,
  profiles: Set<string>,
): string | null {
  if (list === undefined) return null;
  if (!Array.isArray(list)) return "'measurements' is not a list";
  const seen = new Set<string>();
  for (const m of list as BundleMeasurement[]) {
    const who = `measurement ${String(m?.gid)}`;
    if (typeof m !== 'object' || m === null || typeof m.gid !== 'string') return 'a measurement is malformed';
    const dims = dimsOf.get(m.volume);
    if (!dims) return `${who} is of a volume the bundle does not describe`;
    if (typeof m.annotator !== 'string' || !profiles.has(m.annotator.toLowerCase()))
      return `${who} names a profile the bundle does not describe`;
    if (m.kind !== 'ruler' && m.kind !== 'ellipse') return `${who} has no valid kind`;
    if (typeof m.name !== 'string' || m.name.trim() === '') return `${who} has no name`;
    if (typeof m.createdAt !== 'string' || m.createdAt === '') return `${who} is malformed`;
    if ((m.deletedAt === null) !== (m.deletedBy === null)) return `${who} is malformed`;
    if (!Array.isArray(m.points) || m.points.length !== 2 || !m.points.every(Array.isArray))
      return `${who} is malformed`;
    const problem = shapeProblem(dims, m);
    if (problem) return `${who}: ${problem}`;
    if (m.gid !== measurementGid(m.volume, m)) return `${who} does not match its content`;
    if (seen.has(m.gid)) return `${who} is listed twice`;
    seen.add(m.gid);
  }
  return null;
}
