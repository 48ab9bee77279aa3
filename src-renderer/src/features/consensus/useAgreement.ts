// The disagreement view's state: the agreement map of the case (computed in main's worker), the overlay
// layers made from it (slices: the bytes with the measure's colour table; 3D: a few classes, see
// agreementColours.ts), whether the overlay is shown (Z), and navigation through the ranked regions
// (next / previous move every view there: the crosshair to the region's seed voxel, the 3D camera to its box).
import { useCallback, useMemo, useRef, useState } from 'react';
import type { Vec3 } from '@core/geometry/affine';
import type { AgreementMap, AgreementMeasure, DisagreementRegion } from '@contract';
import { MaskLayer } from '@core/labelling/mask-layer';
import type { ReviewFocus } from '../../viewer';
import type { AgreementMode } from './agreementColours';
import { agreementTable, surfaceClasses } from './agreementColours';
import type { ConsensusJob } from './useConsensusJob';

export interface Agreement {
  map: AgreementMap | null;
  measure: AgreementMeasure;
  /** Neighbourhood of the regions: 6 (faces), 18 (+ edges), 26 (+ corners). */
  connectivity: Connectivity;
  visible: boolean;
  /** Drawn over the slices (null while hidden or not computed). */
  overlay: MaskLayer | null;
  /** The 3D view's surfaces of the disagreement (null while hidden). */
  surface: MaskLayer | null;
  /** Index into map.regions of the region navigated to, or null. */
  current: number | null;
  region: DisagreementRegion | null;
  focus: ReviewFocus | null;
  compute(measure: AgreementMeasure, connectivity?: Connectivity): Promise<void>;
  /** Z: shows the overlay (computing it first if needed) or hides it. */
  toggle(): void;
  /** +1 next (larger index = smaller region), −1 previous; wraps around. */
  step(dir: 1 | -1): void;
  goTo(index: number): void;
}

export type Connectivity = 6 | 18 | 26;

export function colourMode(m: AgreementMeasure): AgreementMode {
  return m === 'staple' ? 'probability' : m;
}

export const OVERLAY_ID = 'agreement';

export function useAgreement(volumeId: number | null, label: number, job: ConsensusJob): Agreement {
  const [mapState, setMap] = useState<AgreementMap | null>(null);
  // A map of another volume (the user moved on) is never shown.
  const map = mapState && mapState.volumeId === volumeId ? mapState : null;
  const [measure, setMeasure] = useState<AgreementMeasure>('votes');
  const [connectivity, setConnectivity] = useState<Connectivity>(26);
  const [visible, setVisible] = useState(false);
  const [current, setCurrent] = useState<number | null>(null);
  const [focus, setFocus] = useState<ReviewFocus | null>(null);
  const seq = useRef(0);

  const layers = useMemo(() => {
    if (!map) return null;
    const n = map.raters.length;
    const mode = colourMode(map.measure);
    const overlay = new MaskLayer(OVERLAY_ID, map.dims, map.data, agreementTable(mode, n), 'fill');
    const { classOf, lut } = surfaceClasses(mode, n);
    const classes = new Uint8Array(map.data.length);
    for (let v = 0; v < classes.length; v++) classes[v] = classOf[map.data[v]!]!;
    return { overlay, surface: new MaskLayer(`${OVERLAY_ID}-3d`, map.dims, classes, lut, 'fill') };
  }, [map]);

  const compute = useCallback(
    async (m: AgreementMeasure, c: Connectivity = connectivity): Promise<void> => {
      setMeasure(m);
      setConnectivity(c);
      if (volumeId === null) return;
      const r = await job.run('consensus:agreement', 'Agreement map…', {
        volumeId,
        label,
        measure: m,
        connectivity: c,
      });
      if (!r) return;
      setMap(r);
      setVisible(true);
      // The regions are the same for every measure (where some but not all raters gave the label), not for
      // another connectivity.
      setCurrent((cur) => (cur !== null && cur < r.regions.length && c === r.connectivity ? cur : null));
    },
    [job, volumeId, label, connectivity],
  );

  const goTo = useCallback(
    (index: number) => {
      const r = map?.regions[index];
      if (!r) return;
      setCurrent(index);
      const { min, max } = r.bbox;
      setFocus({
        seq: ++seq.current,
        ijk: [...r.seedIJK] as Vec3,
        box: [min[0], max[0] + 1, min[1], max[1] + 1, min[2], max[2] + 1],
      });
    },
    [map],
  );

  const step = useCallback(
    (dir: 1 | -1) => {
      const n = map?.regions.length ?? 0;
      if (n === 0) return;
      goTo(current === null ? (dir === 1 ? 0 : n - 1) : (current + dir + n) % n);
    },
    [goTo, map, current],
  );

  const toggle = useCallback(() => {
    if (!map) {
      if (!job.running) void compute(measure);
      return;
    }
    setVisible((v) => !v);
  }, [compute, job.running, measure, map]);

  return {
    map,
    measure,
    connectivity,
    visible,
    overlay: visible ? (layers?.overlay ?? null) : null,
    surface: visible ? (layers?.surface ?? null) : null,
    current,
    region: current !== null ? (map?.regions[current] ?? null) : null,
    focus,
    compute,
    toggle,
    step,
    goTo,
  };
}
