// Which disagreement regions the adjudication has decided, for the region list's marks and filter. A decision
// names its region by the agreement map it was made on (agreementId, regionId); the same region of a map
// computed again (same raters, same connectivity) has the same voxel count and bounding box, so that matches
// too. The newest decision of a region is the one in force.
import type { AdjudicationDecision, AgreementMap, DisagreementRegion } from '@contract';

export type RegionFilter = 'all' | 'undecided' | 'decided';

export function decisionOf(
  region: DisagreementRegion,
  map: Pick<AgreementMap, 'agreementId'>,
  decisions: readonly AdjudicationDecision[],
): AdjudicationDecision | null {
  for (let n = decisions.length - 1; n >= 0; n--) {
    const d = decisions[n]!;
    const r = d.region;
    if (!r) continue;
    if (r.agreementId === map.agreementId && r.regionId === region.id) return d;
    const sameBox =
      r.voxels === region.voxels &&
      r.bbox.min.every((v, i) => v === region.bbox.min[i]) &&
      r.bbox.max.every((v, i) => v === region.bbox.max[i]);
    if (sameBox) return d;
  }
  return null;
}

/** "✓ decided: R2" (the rater taken), "✓ decided: consensus", "✓ decided: by hand". */
export function decidedText(d: AdjudicationDecision, map: Pick<AgreementMap, 'raters'>): string {
  if (d.kind === 'take-rater') {
    const rater = map.raters.find((r) => r.revisionId === d.sourceRevisionId);
    return `✓ decided: ${rater?.name ?? `revision ${d.sourceRevisionId}`}`;
  }
  if (d.kind === 'take-consensus') return '✓ decided: consensus';
  return '✓ decided: by hand';
}

/** The regions to list with their index in map.regions (navigation goes by it) and their decision. */
export function listedRegions(
  map: Pick<AgreementMap, 'agreementId' | 'regions'>,
  decisions: readonly AdjudicationDecision[],
  filter: RegionFilter,
  limit: number,
): { region: DisagreementRegion; index: number; decision: AdjudicationDecision | null }[] {
  const out: { region: DisagreementRegion; index: number; decision: AdjudicationDecision | null }[] = [];
  for (const [index, region] of map.regions.entries()) {
    const decision = decisionOf(region, map, decisions);
    if (filter === 'decided' && !decision) continue;
    if (filter === 'undecided' && decision) continue;
    out.push({ region, index, decision });
    if (out.length >= limit) break;
  }
  return out;
}
