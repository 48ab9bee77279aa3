// The 3D quadrant: vtk.js volume rendering of the same in-memory volume (subsampled for the texture), its
// transfer function following the window/level, the crosshair drawn as three lines. Built after the slice
// views have painted (so the first slice is not delayed by the texture), torn down on unmount. Without
// WebGL2 the quadrant says so instead of failing.

import { memo, useEffect, useRef, useState } from 'react';
import type { Mat4, Vec3 } from '@core/geometry/affine';
import type { Rescale, ScalarType, VoxelArray } from '@core/volume/types';
import { MaximiseIcon } from './icons';
import { VIEW_COLOURS } from './viewColours';
import type { RenderMode } from './transferFunction';
import type * as SceneModule from './volumeScene';
import type { VolumeScene } from './volumeScene';
import {
  SOFTWARE_TEXTURE_MAX_DIM,
  SOFTWARE_TEXTURE_MAX_VOXELS,
  buildTextureVolume,
  textureFactors,
} from './volumeTexture';
import type { WindowLevel } from './windowLevel';
import type { MaskLayer } from '@core/labelling/mask-layer';
import type { ReviewFocus } from './reviewFocus';
import { spacingOf, transformPoint } from '@core/geometry/affine';
import type * as SurfaceModule from './editing/maskSurface';
import type { MaskSurface } from './editing/maskSurface';
import { useSurfaceOfLayer } from './editing/useSurfaceOfLayer';

export interface VolumeView3DProps {
  voxels: VoxelArray;
  scalarType: ScalarType;
  dims: Vec3;
  affineLPS: Mat4;
  rescale: Rescale;
  /** Physical min / max of the volume (VolumeMeta.stats), to pick a compact texture type. */
  range: [number, number];
  wl: WindowLevel;
  mode: RenderMode;
  cursor: Vec3;
  crosshair: boolean;
  /** Incremented by the viewer's "reset view" to reset the 3D camera. */
  resetCount: number;
  maximised: boolean;
  hidden: boolean;
  onToggleMaximise(): void;
  onToggleMode(): void;
  /** A label map whose surface is shown (rebuilt shortly after it changes), or null. */
  surface: MaskLayer | null;
  /** A second one (the review's agreement classes), shown beside the first, or null. */
  extraSurface?: MaskLayer | null;
  /** Region navigation: a new seq points the camera at the box's centre (voxel indices, half-open). */
  focus?: ReviewFocus | null;
  /** The scene once built (and null when torn down), for the viewer's test hook. */
  onScene?(scene: VolumeScene | null): void;
}

/** Quiet time after the last mask change before the surface is rebuilt (a stroke is many changes). */
const SURFACE_DEBOUNCE_MS = 400;

type Status =
  { kind: 'loading' } | { kind: 'ready'; texture: string } | { kind: 'unavailable'; message: string };

/** Delay before building the 3D scene, so the slice views paint their first frame first. */
const BUILD_DELAY_MS = 50;

function VolumeView3DImpl(p: VolumeView3DProps) {
  const bodyRef = useRef<HTMLDivElement | null>(null);
  const sceneRef = useRef<VolumeScene | null>(null);
  const surfaceRef = useRef<MaskSurface | null>(null);
  const extraSurfaceRef = useRef<MaskSurface | null>(null);
  const sectionRef = useRef<HTMLElement | null>(null);
  /** The volume rendering can be hidden to see the label surfaces it encloses. */
  const [showVolume, setShowVolume] = useState(true);
  const [status, setStatus] = useState<Status>({ kind: 'loading' });
  const latest = useRef(p);
  useEffect(() => {
    latest.current = p;
  });

  const { voxels, scalarType, dims, affineLPS, rescale, range } = p;
  useEffect(() => {
    const container = bodyRef.current;
    if (!container) return;
    let scene: VolumeScene | null = null;
    let ro: ResizeObserver | null = null;
    let cancelled = false;
    const fail = (why: string): void => {
      if (!cancelled) setStatus({ kind: 'unavailable', message: `3D view unavailable: ${why}` });
    };
    const build = ([mod, surfaceMod]: [typeof SceneModule, typeof SurfaceModule]): void => {
      if (cancelled) return;
      const gl = mod.probeWebGL();
      if (!gl.webgl2) {
        fail('this display has no WebGL2.');
        return;
      }
      try {
        const factors = gl.software
          ? textureFactors(dims, SOFTWARE_TEXTURE_MAX_VOXELS, SOFTWARE_TEXTURE_MAX_DIM)
          : textureFactors(dims);
        const texture = buildTextureVolume(voxels, scalarType, dims, rescale, factors, range);
        scene = mod.createVolumeScene(
          container,
          texture,
          dims,
          affineLPS,
          gl.software ? mod.SOFTWARE_QUALITY : mod.FULL_QUALITY,
        );
        sceneRef.current = scene;
        surfaceRef.current = surfaceMod.createMaskSurface(scene, dims, affineLPS, gl.software);
        extraSurfaceRef.current = surfaceMod.createMaskSurface(scene, dims, affineLPS, gl.software);
        latest.current.onScene?.(scene);
        const q = latest.current;
        scene.setTransfer(q.wl, q.mode);
        scene.setCursor(q.crosshair ? q.cursor : null);
        ro = new ResizeObserver(() => scene?.resize());
        ro.observe(container);
        setStatus({
          kind: 'ready',
          texture: texture.dims.join('×') + (gl.software ? ' (software GL, reduced)' : ''),
        });
      } catch (e) {
        surfaceRef.current?.dispose();
        surfaceRef.current = null;
        extraSurfaceRef.current?.dispose();
        extraSurfaceRef.current = null;
        scene?.dispose();
        scene = null;
        sceneRef.current = null;
        fail(e instanceof Error ? e.message : String(e));
      }
    };
    // vtk.js (most of the renderer's code) is loaded only now, after the slices have been drawn.
    const timer = setTimeout(() => {
      Promise.all([import('./volumeScene'), import('./editing/maskSurface')]).then(build, (e: unknown) =>
        fail(e instanceof Error ? e.message : String(e)),
      );
    }, BUILD_DELAY_MS);
    return () => {
      cancelled = true;
      clearTimeout(timer);
      ro?.disconnect();
      surfaceRef.current?.dispose();
      surfaceRef.current = null;
      extraSurfaceRef.current?.dispose();
      extraSurfaceRef.current = null;
      latest.current.onScene?.(null);
      scene?.dispose();
      sceneRef.current = null;
    };
  }, [voxels, scalarType, dims, affineLPS, rescale, range]);

  // The label surface follows the layer, rebuilt once the layer has been quiet for a moment; the review's
  // surfaces are rebuilt when their layer changes (a new overlay mode is a new layer).
  const ready = status.kind === 'ready';
  useSurfaceOfLayer(surfaceRef, ready, p.surface, sectionRef, 'data-surface-triangles', SURFACE_DEBOUNCE_MS);
  const extra = p.extraSurface ?? null;
  useSurfaceOfLayer(extraSurfaceRef, ready, extra, sectionRef, 'data-review-triangles', null);

  // Region navigation: the camera looks at the region from where it is, framing its box.
  const focusSeq = p.focus?.seq ?? null;
  useEffect(() => {
    const f = latest.current.focus;
    const scene = sceneRef.current;
    if (!ready || !scene || !f) return;
    const [i0, i1, j0, j1, k0, k1] = f.box;
    const centre = transformPoint(affineLPS, [(i0 + i1 - 1) / 2, (j0 + j1 - 1) / 2, (k0 + k1 - 1) / 2]);
    const sp = spacingOf(affineLPS);
    const radius = Math.hypot((i1 - i0) * sp[0], (j1 - j0) * sp[1], (k1 - k0) * sp[2]) / 2;
    scene.focusOn(centre, radius);
  }, [ready, focusSeq, affineLPS]);

  useEffect(() => {
    sceneRef.current?.setVolumeVisible(showVolume);
  }, [showVolume, ready]);

  useEffect(() => {
    sceneRef.current?.setTransfer(p.wl, p.mode);
  }, [p.wl, p.mode]);

  useEffect(() => {
    sceneRef.current?.setCursor(p.crosshair ? p.cursor : null);
  }, [p.cursor, p.crosshair]);

  useEffect(() => {
    if (p.resetCount > 0) sceneRef.current?.resetCamera();
  }, [p.resetCount]);

  return (
    <section
      ref={sectionRef}
      className="cv-pane"
      data-testid="view-3d"
      data-view="3d"
      data-status={status.kind}
      hidden={p.hidden}
    >
      <header
        className="cv-pane-title"
        style={{ borderTopColor: VIEW_COLOURS['3d'] }}
        onDoubleClick={p.onToggleMaximise}
      >
        <span className="cv-pane-name" style={{ color: VIEW_COLOURS['3d'] }}>
          3D
        </span>
        <span className="cv-dim">{status.kind === 'ready' ? status.texture : ''}</span>
        {(p.surface || extra) && (
          <button
            type="button"
            className={`cv-text-button${showVolume ? ' cv-on' : ''}`}
            data-testid="volume-visible"
            aria-pressed={showVolume}
            title="Show the volume rendering, or only the label surfaces"
            onClick={() => setShowVolume((v) => !v)}
          >
            Volume
          </button>
        )}
        <button
          type="button"
          className="cv-text-button"
          data-testid="render-mode"
          title="Volume rendering / maximum intensity projection (P)"
          onClick={p.onToggleMode}
        >
          {p.mode === 'vr' ? 'VR' : 'MIP'}
        </button>
        <button
          type="button"
          className="cv-icon-button"
          data-testid="maximise-3d"
          title={p.maximised ? 'Back to the 2×2 grid (0 or Esc)' : 'Maximise 3D'}
          aria-label={p.maximised ? 'Restore grid' : 'Maximise 3D'}
          onClick={p.onToggleMaximise}
        >
          <MaximiseIcon restore={p.maximised} />
        </button>
      </header>
      <div className="cv-pane-body cv-3d-body" ref={bodyRef}>
        {status.kind !== 'ready' && (
          <div className="cv-3d-message" data-testid="view-3d-message">
            {status.kind === 'loading' ? 'Preparing 3D…' : status.message}
          </div>
        )}
      </div>
    </section>
  );
}

export const VolumeView3D = memo(VolumeView3DImpl);
