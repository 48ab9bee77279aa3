// A bundle that leaves the hospital (`bundle export --deidentify`, and every bundle holding a research
// project's cases): PS3.15 Annex E's Basic Profile applied to everything the manifest carries, the same way
// as deidentifyForExport applies it to a data set or a SEG (services/workspace/deidentify.ts):
//  - volumes: the profiled source (UIDs replaced with this workspace's keyed replacement, so a SEG exported
//    later references the same series; dates removed, or shifted per patient; no file names, no series
//    description) and its neutral description as the name;
//  - cases: their pseudonyms; the project keeps its name (the users chose it; it names no patient);
//  - staff (Operators' Name, Physician(s) Reading Study: identifiers under the profile): every profile and
//    author travels as its role and a keyed pseudonym ("Annotator 3f2a1b9c"), profiles under their stable
//    id, which a receiver matches first, so results coming back land on the right profiles;
//  - measurements: their authors (and who deleted one) as pseudonyms;
//  - free text (flag comments, decision rationales, sign-off comments, reopening reasons, submission
//    comments) removed, and in revisions' provenance the file names removed and any other DICOM UID replaced;
//  - the audit trail: the exporter's sealed head only, none of its rows. A row names its actor and is
//    hash-chained to its origin: rewriting one would break what makes it verifiable, so none travels.
// Voxel and mask blobs carry no header: they leave as stored. Before the manifest is signed, its text is
// searched for every identifier it replaced; one still there refuses the export (nothing is written).
import { canonicalJson } from '../../core/canonical-json';
import { replacementUid, staffPseudonym, type DatePolicy } from '../../core/deid/confidentiality-profile';
import { ConflictError } from '../../core/errors';
import type { PatientIdentity, VolumeSource } from '../../core/volume/types';
import { listAnnotators } from '../../db/repositories/annotators';
import { getCase } from '../../db/repositories/reviews';
import { getVolumeSource } from '../../db/repositories/volumes';
import type { BundleManifest } from '../../io/bundle/manifest';
import type { Workspace } from '../../workspace/workspace';
import { deidentifyForExport, deidHash, exportCaseName, exportSubject } from '../workspace/deidentify';
import type { BundleRefs, ManifestBody } from './collect';
import { manualAnnotationGid } from './collect';

/** Provenance keys whose values are free text or file names: removed. */
const FREE_TEXT_KEYS = new Set(['file', 'files', 'path', 'rationale', 'comment', 'reason', 'description']);

/** The audit a de-identified bundle carries: the sealed head, no rows (see above). */
export function deidentifiedAudit<A extends { rows: unknown[]; complete: boolean }>(audit: A): A {
  return { ...audit, rows: [], complete: false };
}

/** The manifest body with the profile applied (the input is left unchanged). */
export function deidentifyBundle(
  ws: Workspace,
  body: ManifestBody,
  refs: BundleRefs,
  dates: DatePolicy = 'remove',
): ManifestBody {
  const hash = deidHash(ws);
  const originals = new Originals();

  // Staff: a profile by its stable id and role; any other author by its name.
  const profiles = new Map(listAnnotators(ws.db).map((p) => [p.name.toLowerCase(), p]));
  const staffNames = new Map<string, string>();
  const staff = (name: string): string => {
    const key = name.toLowerCase();
    let out = staffNames.get(key);
    if (out === undefined) {
      const p = profiles.get(key);
      out = p
        ? staffPseudonym(hash, `profile ${p.uid}`, p.role)
        : staffPseudonym(hash, `name ${key}`, 'staff');
      staffNames.set(key, out);
      originals.names.add(name);
    }
    return out;
  };
  for (const p of profiles.values()) originals.names.add(p.name);

  // Volumes and cases.
  const replaced = new Set<string>();
  const cases = body.cases.map((c, i) => {
    const caseId = refs.caseIds[i]!;
    originals.names.add(c.name);
    // A subject that is already a pseudonym travels as it is; one given at import is replaced and checked.
    const subject = c.subject === undefined ? undefined : exportSubject(ws, c.subject);
    if (c.subject !== undefined && subject !== c.subject) originals.names.add(c.subject);
    return {
      ...c,
      name: exportCaseName(ws, { id: caseId, name: getCase(ws.db, caseId)!.name }),
      ...(subject !== undefined ? { subject } : {}),
      volumes: c.volumes.map((v) => {
        const volumeId = refs.volumeIds.get(v.checksum)!;
        const stored = getVolumeSource(ws.db, volumeId);
        originals.addSource(stored?.source as VolumeSource, stored?.patient as PatientIdentity | null);
        const d = deidentifyForExport(ws, volumeId, { dates });
        for (const uid of uidsOf(d.source)) replaced.add(uid);
        return {
          ...v,
          name: d.source.description,
          source: d.source,
          importedBy: staff(v.importedBy),
        };
      }),
    };
  });
  // A research volume's stored UIDs are replacements already: they are not originals.
  for (const uid of replaced) originals.uids.delete(uid);

  const scrub = (value: unknown, key?: string): unknown => {
    if (typeof value === 'string') {
      if (key !== undefined && /uid$/i.test(key) && !replaced.has(value)) {
        originals.uids.add(value);
        return replacementUid(hash, value);
      }
      return profiles.has(value.toLowerCase()) || staffNames.has(value.toLowerCase()) ? staff(value) : value;
    }
    if (Array.isArray(value)) return value.map((v) => scrub(v, key));
    if (value !== null && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) if (!FREE_TEXT_KEYS.has(k)) out[k] = scrub(v, k);
      return out;
    }
    return value;
  };

  // Annotations: a manual one's gid names its annotator, so it is made again from the pseudonym.
  const gids = new Map<string, string>();
  const annotations = body.annotations.map((a) => {
    if (a.kind !== 'manual') return { ...a, flagComment: null };
    const annotator = staff(a.annotator!);
    const gid = manualAnnotationGid(a.volume, annotator);
    gids.set(a.gid, gid);
    return { ...a, gid, annotator, flagComment: null };
  });
  const gid = (g: string) => gids.get(g) ?? g;
  // Authors first (a provenance that names one, e.g. a seed's author, is then recognised as staff).
  for (const r of body.revisions) staff(r.author);

  const out: ManifestBody = {
    ...body,
    cases,
    profiles: body.profiles.map((p) => ({ ...p, name: staff(p.name) })),
    annotations,
    revisions: body.revisions.map((r) => ({
      ...r,
      annotation: gid(r.annotation),
      author: staff(r.author),
      provenance: scrub(r.provenance) as Record<string, unknown>,
    })),
    assignment: body.assignment && { ...body.assignment, annotator: staff(body.assignment.annotator) },
    adjudications: body.adjudications.map((a) => ({
      ...a,
      workingAnnotation: gid(a.workingAnnotation),
      startedBy: staff(a.startedBy),
    })),
    decisions: body.decisions.map((d) => ({
      ...d,
      region: scrub(d.region),
      rationale: '',
      decidedBy: staff(d.decidedBy),
    })),
    signOffs: body.signOffs.map((s) => ({
      ...s,
      referenceAnnotation: gid(s.referenceAnnotation),
      comment: null,
      signedBy: staff(s.signedBy),
    })),
    reopenings: body.reopenings.map((r) => ({ ...r, reason: '', reopenedBy: staff(r.reopenedBy) })),
    // A return must carry a comment (the review gate's rule), so its free text becomes a neutral one.
    submissions: body.submissions?.map((s) => ({
      ...s,
      annotator: staff(s.annotator),
      stateBy: staff(s.stateBy),
      comment: s.state === 'returned' ? '(comment removed by de-identification)' : null,
    })),
    // Names ("Ruler 2"), shapes and times name no one; their authors travel as pseudonyms.
    measurements: body.measurements?.map((m) => ({
      ...m,
      annotator: staff(m.annotator),
      deletedBy: m.deletedBy === null ? null : staff(m.deletedBy),
    })),
  };
  // Names that travel on purpose: pseudonyms, neutral descriptions, the projects' and labels' names.
  const travel = new Set([
    ...staffNames.values(),
    ...cases.flatMap((c) => [c.name, ...c.volumes.map((v) => v.name)]),
  ]);
  for (const p of out.projects) {
    travel.add(p.name);
    for (const l of p.labels) travel.add(l.name);
  }
  originals.check(out, travel);
  return out;
}

/** The pseudonym the exporter appears under in a de-identified bundle. */
export function deidentifiedActor(ws: Workspace, actor: string): string {
  const p = listAnnotators(ws.db).find((a) => a.name.toLowerCase() === actor.toLowerCase());
  return p
    ? staffPseudonym(deidHash(ws), `profile ${p.uid}`, p.role)
    : staffPseudonym(deidHash(ws), `name ${actor.toLowerCase()}`, 'staff');
}

function uidsOf(source: VolumeSource | undefined): string[] {
  const d = source?.dicom;
  if (!d) return [];
  return [
    d.studyInstanceUID,
    d.seriesInstanceUID,
    d.frameOfReferenceUID,
    ...(d.instances ?? []).map((i) => i.sopInstanceUID),
  ].filter((u): u is string => typeof u === 'string' && u !== '');
}

/** What the bundle must not carry, gathered while it is de-identified, and the last check of its text. */
class Originals {
  /** Searched anywhere in the text: UIDs, patient IDs and names, DICOM dates. */
  readonly uids = new Set<string>();
  readonly text = new Set<string>();
  /** Searched as whole JSON strings: case and staff names (short names are parts of ordinary words). */
  readonly names = new Set<string>();

  addSource(source: VolumeSource | undefined, patient: PatientIdentity | null | undefined): void {
    for (const uid of uidsOf(source)) this.uids.add(uid);
    if (source?.dicom?.studyDate) this.text.add(source.dicom.studyDate);
    for (const f of source?.files ?? []) if (f.length >= 4) this.text.add(f);
    if (source?.dicom?.seriesDescription) this.names.add(source.dicom.seriesDescription);
    for (const v of [patient?.name, patient?.id, patient?.birthDate])
      if (v && v.trim().length >= 3) this.text.add(v.trim());
  }

  check(body: ManifestBody, travel: Set<string>): void {
    const json = canonicalJson(body as unknown as BundleManifest);
    const strings = new Set<string>();
    collectStrings(body, strings);
    const left = [
      ...[...this.uids, ...this.text].filter((t) => json.includes(t)),
      ...[...this.names].filter((n) => strings.has(n) && !travel.has(n)),
    ];
    if (left.length > 0)
      throw new ConflictError(
        `the de-identified bundle would still carry ${left.length} identifier(s) of the source; nothing was written`,
      );
  }
}

function collectStrings(value: unknown, into: Set<string>): void {
  if (typeof value === 'string') into.add(value);
  else if (Array.isArray(value)) for (const v of value) collectStrings(v, into);
  else if (value !== null && typeof value === 'object')
    for (const v of Object.values(value)) collectStrings(v, into);
}
