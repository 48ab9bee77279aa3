// For consensus tests: case A of the labelling fixture (8x6x4 voxels of 0.8 x 0.8 x 2 mm) with three raters
// whose boxes overlap in ways known by hand, each submitted (the default rater set), and a reviewer window
// (the case opened for review unless asked not to).
//   R1: i 0..3, all j, all k (96 voxels)   R2: i 2..5, all j, all k (96)   R3: i 0..3, all j, k 0..1 (48)
// Dice R1-R2 = 2*48/192 = 0.5, R1-R3 = 2*48/144, R2-R3 = 2*24/144. Majority (>= 2 of 3): i 2..3 everywhere
// and i 0..1 for k 0..1: 48 + 24 = 72 voxels. Unanimous: i 2..3, k 0..1 (24). Union 144, so 120 voxels
// where raters differ, all one region.
import { fill, labellingFixture, type Fixture, type Window } from './labelling';

/** mL of one voxel of case A. */
export const VOXEL_ML = (0.8 * 0.8 * 2) / 1000;

export interface ThreeRaters {
  fx: Fixture;
  rev: Window;
  ann: Window;
  volumeId: number;
  caseId: number;
  revisions: number[];
  annotations: number[];
}

export async function threeRaterCase(open = true): Promise<ThreeRaters> {
  const fx = await labellingFixture();
  const volumeId = fx.volumes[0]!.id;
  const caseId = fx.volumes[0]!.caseId;
  const boxes: [number, number, number, number, number, number][] = [
    [0, 4, 0, 6, 0, 4],
    [2, 6, 0, 6, 0, 4],
    [0, 4, 0, 6, 0, 2],
  ];
  const revisions: number[] = [];
  const annotations: number[] = [];
  let ann: Window | undefined;
  for (const [n, box] of boxes.entries()) {
    const w = await fx.signedIn(`R${n + 1}`, 'annotator');
    ann ??= w;
    const a = await w.ok('annotation:open', { volumeId });
    const r = await w.ok('annotation:commit', {
      annotationId: a.id,
      parentRevisionId: null,
      tool: 'brush',
      patch: fill(box, 1),
    });
    revisions.push(r.id);
    annotations.push(a.id);
    await w.ok('case:submit', { caseId });
  }
  const rev = await fx.signedIn('Rita', 'reviewer');
  if (open) await rev.ok('case:openReview', { caseId });
  return { fx, rev, ann: ann!, volumeId, caseId, revisions, annotations };
}
