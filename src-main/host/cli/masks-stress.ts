// `concord masks stress --workspace <dir> --volume <id> [--annotator <name>] [--count <n>]`: a TEST TOOL,
// not a user command (left out of `concord help`). It commits deterministic patches to one annotation in a
// loop, exactly as the app saves strokes, and after each commit has returned (its transaction committed)
// prints one line {"revisionId": r, "ordinal": n} on stdout. The kill test (masks-kill.test.ts) kills it
// with SIGKILL at random moments and checks that every printed revision is in the workspace, intact.
//
// Revision n of the annotation (n = 0, 1, 2, … in history order) is its parent's mask with stressPatch(n)
// applied, so the expected content of every stored revision can be recomputed from its ordinal alone.
import fs from 'node:fs';
import type { Vec3 } from '../../core/geometry/affine';
import type { Box } from '../../core/labelling/patch';
import { InputError, NotFoundError } from '../../core/errors';
import { appendAudit } from '../../db/audit';
import { findManualAnnotation, insertManualAnnotation } from '../../db/repositories/annotations';
import { headRevisionId, listRevisions } from '../../db/repositories/revisions';
import { getVolume } from '../../db/repositories/volumes';
import { MaskStore } from '../../services/masks/mask-store';
import { findOrCreateImportedAnnotator } from '../../services/identity/profiles';
import { openWorkspace } from '../../workspace/workspace';
import { optionString, parseArgs, positiveInt, requireOption } from './args';

/** The patch that makes revision `ordinal`: a pseudo-random box of labels 0/1 (a mix of paint and erase). */
export function stressPatch(ordinal: number, dims: Vec3): { box: Box; data: Uint8Array } {
  let seed = (ordinal + 1) * 2654435761;
  const rand = (n: number) => {
    seed = (Math.imul(seed ^ (seed >>> 15), 2246822507) + 0x9e3779b9) >>> 0;
    return seed % n;
  };
  const box: number[] = [];
  for (const n of dims) {
    const size = 1 + rand(Math.max(1, Math.floor(n / 3)));
    const lo = rand(n - size + 1);
    box.push(lo, lo + size);
  }
  const b = box as Box;
  const count = (b[1] - b[0]) * (b[3] - b[2]) * (b[5] - b[4]);
  const erase = ordinal % 4 === 3;
  const data = new Uint8Array(count);
  for (let i = 0; i < count; i++) data[i] = erase ? 0 : (i + ordinal) % 3 === 0 ? 0 : 1;
  return { box: b, data };
}

export async function runMasksStress(argv: string[]): Promise<number> {
  const args = parseArgs(argv, { values: ['workspace', 'volume', 'annotator', 'count'], flags: [] });
  const volumeId = positiveInt(requireOption(args, 'volume', 'masks stress'), '--volume');
  const count = positiveInt(optionString(args, 'count') ?? '1000000', '--count');
  const name = optionString(args, 'annotator') ?? 'stress';
  const ws = openWorkspace(requireOption(args, 'workspace', 'masks stress'));
  try {
    const volume = getVolume(ws.db, volumeId);
    if (!volume) throw new NotFoundError(`volume ${volumeId} does not exist`);
    if (volume.dims.some((d) => d < 1)) throw new InputError(undefined, 'empty volume');
    const annotationId = ws.db.transaction(() => {
      const at = new Date().toISOString();
      const { annotator } = findOrCreateImportedAnnotator(ws.db, name, 'stress', at);
      const found = findManualAnnotation(ws.db, volumeId, annotator.id);
      if (found) return found.id;
      const id = insertManualAnnotation(ws.db, volumeId, annotator.id, at);
      appendAudit(
        ws.db,
        { actor: 'stress', action: 'annotation.create', detail: { annotationId: id, volumeId } },
        at,
      );
      return id;
    })();
    const store = new MaskStore(ws);
    let ordinal = listRevisions(ws.db, annotationId).length;
    for (let n = 0; n < count; n++, ordinal++) {
      const revision = await store.commitPatch({
        annotationId,
        parentRevisionId: headRevisionId(ws.db, annotationId),
        tool: 'stress',
        author: name,
        patch: stressPatch(ordinal, volume.dims),
      });
      // Synchronous write: the acknowledgement leaves before the next commit starts.
      fs.writeSync(1, JSON.stringify({ revisionId: revision.id, ordinal }) + '\n');
    }
    return 0;
  } finally {
    ws.close();
  }
}
