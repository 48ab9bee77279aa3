// The agreement overlay and the disagreement regions of a case (core/consensus/agreement.ts), computed by
// the consensus runner. Each result gets an agreementId that names exactly what the regions were computed
// from, "v<volume>:r<revision ids in rater order>:l<label>:c<connectivity>", so that a decision on region n
// of it can always be applied to the same voxels: from the newest results kept in memory, or recomputed from
// the stored revisions when it was dropped (or the app restarted).
import type { AgreementMap, AgreementRequest, DisagreementRegion } from '@contract';
import type { AgreementResult, Connectivity } from '../../core/consensus/agreement';
import { InputError, NotFoundError } from '../../core/errors';
import { transformPoint } from '../../core/geometry/affine';
import { getAnnotation } from '../../db/repositories/annotations';
import { getRevision } from '../../db/repositories/revisions';
import type { MaskStore } from '../masks/mask-store';
import { Recent } from './recent';
import type { ConsensusRunner, RunOptions } from './runner';
import { loadMasks, requireLabelPresent, selectRaters } from './raters';

export type AgreementInput = Omit<AgreementRequest, 'jobId'>;

/** A region's voxels (ascending global indices) with what identifies it. */
export interface RegionVoxels {
  agreementId: string;
  volumeId: number;
  label: number;
  region: DisagreementRegion;
  voxels: Uint32Array;
}

interface Kept {
  volumeId: number;
  label: number;
  regions: DisagreementRegion[];
  offsets: Uint32Array;
  voxels: Uint32Array;
}

export function agreementIdOf(
  volumeId: number,
  revisionIds: number[],
  label: number,
  connectivity: number,
): string {
  return `v${volumeId}:r${revisionIds.join(',')}:l${label}:c${connectivity}`;
}

function parseAgreementId(id: string): {
  volumeId: number;
  revisionIds: number[];
  label: number;
  connectivity: Connectivity;
} {
  const m = /^v(\d+):r(\d+(?:,\d+)+):l(\d+):c(6|18|26)$/.exec(id);
  if (!m) throw new InputError(undefined, `'${id}' is not an agreement id`);
  return {
    volumeId: Number(m[1]),
    revisionIds: m[2]!.split(',').map(Number),
    label: Number(m[3]),
    connectivity: Number(m[4]) as Connectivity,
  };
}

export class AgreementService {
  private readonly kept = new Recent<Kept>(16);

  constructor(
    readonly store: MaskStore,
    readonly runner: ConsensusRunner,
  ) {}

  async compute(req: AgreementInput, opts: RunOptions = {}): Promise<AgreementMap> {
    const sel = selectRaters(this.store, req, 2, 'an agreement map');
    const label = req.label ?? 1;
    requireLabelPresent(sel, label);
    const connectivity = req.connectivity ?? 26;
    const maxRegions = req.maxRegions ?? 500;
    if (!Number.isInteger(maxRegions) || maxRegions < 0)
      throw new InputError(undefined, `maxRegions must be an integer >= 0 (got ${maxRegions})`);
    const masks = await loadMasks(this.store, sel, (f, s) => opts.onProgress?.(0.1 * f, s));
    const r = await this.runner(
      { kind: 'agreement', masks, grid: sel.grid, options: { label, measure: req.measure, connectivity } },
      { signal: opts.signal, onProgress: (f, s) => opts.onProgress?.(0.1 + 0.9 * f, s) },
    );
    const regions = this.describe(r, sel.volume.affineLPS, sel.grid.voxelMl);
    const agreementId = agreementIdOf(
      sel.volume.id,
      sel.raters.map((x) => x.revisionId),
      label,
      connectivity,
    );
    this.kept.set(agreementId, {
      volumeId: sel.volume.id,
      label,
      regions,
      offsets: r.regionOffsets,
      voxels: r.regionVoxels,
    });
    return {
      agreementId,
      caseId: sel.volume.caseId,
      volumeId: sel.volume.id,
      label,
      measure: req.measure,
      raters: sel.raters,
      dims: sel.volume.dims,
      data: r.map,
      maxValue: r.maxValue,
      connectivity,
      disagreementVoxels: r.disagreementVoxels,
      unanimousVoxels: r.unanimousVoxels,
      regions: regions.slice(0, maxRegions),
      totalRegions: regions.length,
    };
  }

  private describe(r: AgreementResult, affine: number[], voxelMl: number): DisagreementRegion[] {
    return r.regions.map((g) => ({
      id: g.id,
      voxels: g.voxels,
      volumeMl: g.voxels * voxelMl,
      bbox: { min: g.min, max: g.max },
      centroidIJK: g.centroid,
      centroidLPS: transformPoint(affine, g.centroid),
      seedIJK: g.seed,
      ratersIncluding: g.raterVoxels.filter((n) => n > 0).length,
      raterVoxels: g.raterVoxels,
      meanVotes: g.votes / g.voxels,
    }));
  }

  /** The voxels of one region, kept or recomputed (in this thread's runner) from the stored revisions. */
  async regionVoxels(agreementId: string, regionId: number, opts: RunOptions = {}): Promise<RegionVoxels> {
    let kept = this.kept.get(agreementId);
    if (!kept) {
      const p = parseAgreementId(agreementId);
      const db = this.store.ws.db;
      const revisions = p.revisionIds.map((id) => {
        const revision = getRevision(db, id);
        if (!revision || getAnnotation(db, revision.annotationId)?.volumeId !== p.volumeId) {
          throw new NotFoundError(
            `agreement ${agreementId}: revision ${id} is not a revision of volume ${p.volumeId}`,
          );
        }
        return revision;
      });
      const sel = selectRaters(
        this.store,
        { volumeId: p.volumeId, annotationIds: revisions.map((r) => r.annotationId) },
        2,
        'an agreement map',
      );
      // The exact revisions the id names (the annotations' heads may have moved since).
      const masks = await loadMasks(this.store, { ...sel, revisions });
      const r = await this.runner(
        {
          kind: 'agreement',
          masks,
          grid: sel.grid,
          options: { label: p.label, measure: 'votes', connectivity: p.connectivity },
        },
        opts,
      );
      kept = {
        volumeId: p.volumeId,
        label: p.label,
        regions: this.describe(r, sel.volume.affineLPS, sel.grid.voxelMl),
        offsets: r.regionOffsets,
        voxels: r.regionVoxels,
      };
      this.kept.set(agreementId, kept);
    }
    const region = kept.regions[regionId - 1];
    if (!Number.isInteger(regionId) || !region) {
      throw new NotFoundError(
        `agreement ${agreementId} has no region ${regionId} (it has ${kept.regions.length})`,
      );
    }
    return {
      agreementId,
      volumeId: kept.volumeId,
      label: kept.label,
      region,
      voxels: kept.voxels.subarray(kept.offsets[regionId - 1]!, kept.offsets[regionId]!),
    };
  }
}
