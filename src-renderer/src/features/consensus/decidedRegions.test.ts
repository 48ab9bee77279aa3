import { describe, expect, it } from 'vitest';
import type { AdjudicationDecision, DisagreementRegion } from '@contract';
import { decidedText, decisionOf, listedRegions } from './decidedRegions';

function region(id: number, voxels: number, min: [number, number, number]): DisagreementRegion {
  return {
    id,
    voxels,
    volumeMl: voxels / 1000,
    bbox: { min, max: [min[0] + 2, min[1] + 2, min[2] + 2] },
    centroidIJK: min,
    centroidLPS: min,
    seedIJK: min,
    ratersIncluding: 2,
    raterVoxels: [voxels, 0],
    meanVotes: 1,
  };
}

function decision(
  id: number,
  kind: AdjudicationDecision['kind'],
  r: DisagreementRegion | null,
  agreementId = 'ag1',
  sourceRevisionId: number | null = 7,
): AdjudicationDecision {
  return {
    id,
    adjudicationId: 1,
    kind,
    region: r && { agreementId, regionId: r.id, voxels: r.voxels, bbox: r.bbox },
    sourceRevisionId,
    rationale: 'why',
    resultRevisionId: 100 + id,
    voxelsChanged: 1,
    decidedBy: 'Rita',
    decidedAt: '2026-01-01T00:00:00Z',
  };
}

const regions = [region(1, 50, [0, 0, 0]), region(2, 20, [5, 5, 5]), region(3, 10, [9, 9, 9])];
const map = {
  agreementId: 'ag2',
  regions,
  raters: [{ index: 0, annotationId: 1, revisionId: 7, name: 'R2', kind: 'manual' as const }],
};

describe('decided regions', () => {
  it('matches a decision by its map and region id, or by the same region of a map computed again', () => {
    const sameMap = decision(1, 'take-rater', regions[1]!, 'ag2');
    expect(decisionOf(regions[1]!, map, [sameMap])).toBe(sameMap);
    // Made on an older map where region ids differed: matched by voxels and box, not by id.
    const older = decision(2, 'take-consensus', { ...regions[2]!, id: 1 }, 'ag1');
    expect(decisionOf(regions[2]!, map, [older])).toBe(older);
    expect(decisionOf(regions[0]!, map, [older])).toBeNull();
    // The seed and region-less manual edits decide no region.
    expect(decisionOf(regions[0]!, map, [decision(3, 'seed', null), decision(4, 'manual', null)])).toBeNull();
  });

  it('takes the newest decision of a region and says what it was', () => {
    const first = decision(1, 'take-rater', regions[0]!, 'ag2');
    const then = decision(2, 'manual', regions[0]!, 'ag2');
    expect(decisionOf(regions[0]!, map, [first, then])).toBe(then);
    expect(decidedText(first, map)).toBe('✓ decided: R2');
    expect(decidedText(then, map)).toBe('✓ decided: by hand');
    expect(decidedText(decision(3, 'take-consensus', regions[0]!), map)).toBe('✓ decided: consensus');
  });

  it('filters decided and undecided regions, keeping each one index for navigation', () => {
    const ds = [decision(1, 'take-rater', regions[1]!, 'ag2')];
    expect(listedRegions(map, ds, 'decided', 30).map((r) => r.index)).toEqual([1]);
    expect(listedRegions(map, ds, 'undecided', 30).map((r) => r.index)).toEqual([0, 2]);
    expect(listedRegions(map, ds, 'all', 2).map((r) => r.region.id)).toEqual([1, 2]);
  });
});
