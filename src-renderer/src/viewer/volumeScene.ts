// The vtk.js scene of the 3D view: a volume rendering of (a subsampled copy of) the in-memory volume and the
// crosshair as three lines through the cursor. It owns every vtk.js object and listener it creates and
// deletes them all in dispose() (DESIGN.md: every resource has an owner that disposes it).
//
// World frame: LPS millimetres, exactly the volume's affineLPS (vtkImageData origin / spacing / direction).
// The camera starts looking from the patient's front (anterior, −y) with head up (+z), so the patient's left
// is on screen right, as in the slice views.

import '@kitware/vtk.js/Rendering/OpenGL/Profiles/Volume';
import '@kitware/vtk.js/Rendering/OpenGL/Profiles/Geometry';
import vtkDataArray from '@kitware/vtk.js/Common/Core/DataArray';
import vtkCellArray from '@kitware/vtk.js/Common/Core/CellArray';
import vtkPoints from '@kitware/vtk.js/Common/Core/Points';
import vtkImageData from '@kitware/vtk.js/Common/DataModel/ImageData';
import vtkPolyData from '@kitware/vtk.js/Common/DataModel/PolyData';
import vtkInteractorStyleTrackballCamera from '@kitware/vtk.js/Interaction/Style/InteractorStyleTrackballCamera';
import vtkActor from '@kitware/vtk.js/Rendering/Core/Actor';
import type { vtkActor as VtkActor } from '@kitware/vtk.js/Rendering/Core/Actor';
import vtkColorTransferFunction from '@kitware/vtk.js/Rendering/Core/ColorTransferFunction';
import vtkMapper from '@kitware/vtk.js/Rendering/Core/Mapper';
import vtkRenderWindow from '@kitware/vtk.js/Rendering/Core/RenderWindow';
import vtkRenderWindowInteractor from '@kitware/vtk.js/Rendering/Core/RenderWindowInteractor';
import vtkRenderer from '@kitware/vtk.js/Rendering/Core/Renderer';
import vtkVolume from '@kitware/vtk.js/Rendering/Core/Volume';
import vtkVolumeMapper from '@kitware/vtk.js/Rendering/Core/VolumeMapper';
import vtkPiecewiseFunction from '@kitware/vtk.js/Common/DataModel/PiecewiseFunction';
import vtkOpenGLRenderWindow from '@kitware/vtk.js/Rendering/OpenGL/RenderWindow';
import type { Mat4, Vec3 } from '@core/geometry/affine';
import { directionsOf, originOf, spacingOf, transformPoint } from '@core/geometry/affine';
import type { TextureVolume } from './volumeTexture';
import type { RenderMode } from './transferFunction';
import { transferPoints } from './transferFunction';
import type { WindowLevel } from './windowLevel';

export interface VolumeScene {
  setTransfer(wl: WindowLevel, mode: RenderMode): void;
  /**
   * Crosshair at voxel (i, j, k) of the full-resolution volume; null hides it. The same crosshair again
   * renders nothing; a moved one is rendered once the cursor has rested for CURSOR_RENDER_DELAY_MS (or with
   * any earlier frame), so scrolling through slices is not held back by 3D frames.
   */
  setCursor(ijk: Vec3 | null): void;
  /** Follow the container's size (call on resize; does nothing while it is 0×0). */
  resize(): void;
  resetCamera(): void;
  /**
   * Points the camera at `centre` (LPS mm) from its current direction, close enough that a sphere of
   * `radiusMm` fills about two thirds of the view (region navigation).
   */
  focusOn(centre: Vec3, radiusMm: number): void;
  /** The camera's focal point and position, LPS mm. */
  camera(): { focalPoint: Vec3; position: Vec3 };
  /** Extra actors (the label surfaces, editing/maskSurface.ts); their owner deletes them. */
  addActor(actor: VtkActor): void;
  removeActor(actor: VtkActor): void;
  /** Schedules a frame (after extra actors changed). */
  render(): void;
  /** Shows or hides the volume rendering (the label surfaces inside stay visible). */
  setVolumeVisible(visible: boolean): void;
  /** Frames rendered so far (the viewer's test hook: a slice change must not render an unchanged scene). */
  renderCount(): number;
  dispose(): void;
}

/**
 * Rest (ms) after the last crosshair move before the 3D view renders it. One software-GL frame of the volume
 * takes 0.2–1 s of the GPU process on 2 cores and holds back every frame of the page, the slice views' too:
 * rendering the moved crosshair on each wheel notch made scrolling in the 2×2 layout wait for it.
 */
export const CURSOR_RENDER_DELAY_MS = 250;

export interface WebGLSupport {
  webgl2: boolean;
  /** A CPU rasteriser (SwiftShader, llvmpipe): the 3D view then renders at reduced quality to stay usable. */
  software: boolean;
  renderer: string;
}

/** WebGL2 (what vtk.js 37 needs) and its renderer, without keeping a context alive: the probe is lost at once. */
export function probeWebGL(): WebGLSupport {
  try {
    const c = document.createElement('canvas');
    const gl = c.getContext('webgl2');
    if (!gl) return { webgl2: false, software: false, renderer: '' };
    const info = gl.getExtension('WEBGL_debug_renderer_info');
    const renderer = String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER) ?? '');
    gl.getExtension('WEBGL_lose_context')?.loseContext();
    return { webgl2: true, software: /swiftshader|llvmpipe|softpipe|software/i.test(renderer), renderer };
  } catch {
    return { webgl2: false, software: false, renderer: '' };
  }
}

/**
 * Rendering effort. Software GL (2 CPU cores, SwiftShader) takes ~10 s for one full-quality frame of a
 * 256×256×100 volume, and a pending WebGL frame holds back the whole page's frames, slice views included;
 * so there the texture is smaller, rays are cast at a quarter of the pixels' resolution, sampled every
 * texture voxel, unshaded.
 */
export interface SceneQuality {
  /** Rays cast every N screen pixels (1 = every pixel). */
  imageSampleDistance: number;
  /** Ray step in texture voxels (of the smallest texture spacing). */
  sampleStep: number;
  shade: boolean;
}

export const FULL_QUALITY: SceneQuality = { imageSampleDistance: 1, sampleStep: 0.5, shade: true };
export const SOFTWARE_QUALITY: SceneQuality = { imageSampleDistance: 4, sampleStep: 1, shade: false };

export function createVolumeScene(
  container: HTMLElement,
  texture: TextureVolume,
  fullDims: Vec3,
  affineLPS: Mat4,
  quality: SceneQuality = FULL_QUALITY,
): VolumeScene {
  const spacing = spacingOf(affineLPS);
  const dirs = directionsOf(affineLPS);
  const texSpacing: Vec3 = [
    spacing[0] * texture.factors[0],
    spacing[1] * texture.factors[1],
    spacing[2] * texture.factors[2],
  ];

  const scalars = vtkDataArray.newInstance({ name: 'scalars', numberOfComponents: 1, values: texture.data });
  const image = vtkImageData.newInstance();
  image.setDimensions(texture.dims[0], texture.dims[1], texture.dims[2]);
  image.setSpacing(texSpacing);
  const o = originOf(affineLPS);
  image.setOrigin(o);
  // vtk.js direction is a column-major 3×3: its columns are the LPS directions of i, j, k.
  image.setDirection([...dirs[0], ...dirs[1], ...dirs[2]]);
  image.getPointData().setScalars(scalars);

  const colour = vtkColorTransferFunction.newInstance();
  const opacity = vtkPiecewiseFunction.newInstance();
  const mapper = vtkVolumeMapper.newInstance();
  mapper.setInputData(image);
  const minSpacing = Math.min(...texSpacing);
  mapper.setSampleDistance(minSpacing * quality.sampleStep);
  mapper.setImageSampleDistance(quality.imageSampleDistance);
  mapper.setMaximumSamplesPerRay(1000);
  const volume = vtkVolume.newInstance();
  volume.setMapper(mapper);
  const prop = volume.getProperty();
  prop.setRGBTransferFunction(0, colour);
  prop.setScalarOpacity(0, opacity);
  prop.setInterpolationTypeToLinear();
  prop.setScalarOpacityUnitDistance(0, (texSpacing[0] + texSpacing[1] + texSpacing[2]) / 3);
  prop.setAmbient(0.25);
  prop.setDiffuse(0.75);
  prop.setSpecular(0.2);
  prop.setSpecularPower(10);

  // Crosshair: three lines through the cursor along the voxel axes, spanning the volume.
  const linePoints = vtkPoints.newInstance();
  linePoints.setData(new Float32Array(18), 3);
  const lineCells = vtkCellArray.newInstance({ values: Uint32Array.from([2, 0, 1, 2, 2, 3, 2, 4, 5]) });
  const lines = vtkPolyData.newInstance();
  lines.setPoints(linePoints);
  lines.setLines(lineCells);
  const lineMapper = vtkMapper.newInstance();
  lineMapper.setInputData(lines);
  const lineActor = vtkActor.newInstance();
  lineActor.setMapper(lineMapper);
  lineActor.getProperty().setColor(1, 0.85, 0.3);
  lineActor.getProperty().setLineWidth(1.5);
  lineActor.setVisibility(false); // until setCursor places it

  const renderer = vtkRenderer.newInstance({ background: [0.04, 0.05, 0.07] });
  renderer.addVolume(volume);
  renderer.addActor(lineActor);
  const renderWindow = vtkRenderWindow.newInstance();
  renderWindow.addRenderer(renderer);
  const glWindow = vtkOpenGLRenderWindow.newInstance();
  glWindow.setContainer(container);
  renderWindow.addView(glWindow);
  const interactor = vtkRenderWindowInteractor.newInstance();
  const style = vtkInteractorStyleTrackballCamera.newInstance();
  interactor.setView(glWindow);
  interactor.initialize();
  interactor.bindEvents(container);
  interactor.setInteractorStyle(style);

  let frame = 0;
  let disposed = false;
  let renders = 0;
  // False while the quadrant is hidden (another view maximised): nothing is rendered for nobody.
  let visible = false;
  /** A crosshair move waiting for the cursor to rest (setTimeout id, 0: none). */
  let cursorTimer: ReturnType<typeof setTimeout> | 0 = 0;
  /** The crosshair drawn or waiting to be ([-1, …]: hidden), so that the same one is not rendered again. */
  let lastCursor: Vec3 = [-1, -1, -1];
  const requestRender = (): void => {
    if (disposed || frame || !visible) return;
    frame = requestAnimationFrame(() => {
      frame = 0;
      if (disposed || !visible) return;
      // This frame shows the crosshair where it is now: a move waiting for rest needs no frame of its own.
      if (cursorTimer) clearTimeout(cursorTimer);
      cursorTimer = 0;
      renderWindow.render();
      renders++;
    });
  };
  const requestCursorRender = (): void => {
    if (cursorTimer) clearTimeout(cursorTimer);
    cursorTimer = setTimeout(() => {
      cursorTimer = 0;
      requestRender();
    }, CURSOR_RENDER_DELAY_MS);
  };

  const centre = transformPoint(affineLPS, [
    (fullDims[0] - 1) / 2,
    (fullDims[1] - 1) / 2,
    (fullDims[2] - 1) / 2,
  ]);
  const resetCamera = (): void => {
    const cam = renderer.getActiveCamera();
    cam.setFocalPoint(centre[0], centre[1], centre[2]);
    cam.setPosition(centre[0], centre[1] - 1000, centre[2]); // anterior of the patient
    cam.setViewUp(0, 0, 1); // superior up
    renderer.resetCamera();
    cam.zoom(1.3);
    renderer.resetCameraClippingRange();
    requestRender();
  };

  const scene: VolumeScene = {
    setTransfer(wl, mode) {
      const t = transferPoints(wl, mode);
      colour.removeAllPoints();
      for (const [x, r, g, b] of t.colour) colour.addRGBPoint(x, r, g, b);
      opacity.removeAllPoints();
      for (const [x, a] of t.opacity) opacity.addPoint(x, a);
      if (mode === 'mip') mapper.setBlendModeToMaximumIntensity();
      else mapper.setBlendModeToComposite();
      prop.setShade(quality.shade && mode === 'vr');
      requestRender();
    },
    setCursor(ijk) {
      const next: Vec3 = ijk ? [ijk[0], ijk[1], ijk[2]] : [-1, -1, -1];
      if (next[0] === lastCursor[0] && next[1] === lastCursor[1] && next[2] === lastCursor[2]) return;
      const shownBefore = lastCursor[0] >= 0;
      lastCursor = next;
      lineActor.setVisibility(ijk !== null);
      if (ijk) {
        const pts = linePoints.getData() as Float32Array;
        for (let a = 0; a < 3; a++) {
          const from: Vec3 = [...ijk];
          const to: Vec3 = [...ijk];
          from[a] = -0.5;
          to[a] = fullDims[a]! - 0.5;
          pts.set(transformPoint(affineLPS, from), a * 6);
          pts.set(transformPoint(affineLPS, to), a * 6 + 3);
        }
        linePoints.modified();
        lines.modified();
      }
      // Showing or hiding the crosshair (X) is drawn at once; a move waits for the cursor to rest.
      if (ijk && shownBefore) requestCursorRender();
      else requestRender();
    },
    resize() {
      const r = container.getBoundingClientRect();
      const dpr = window.devicePixelRatio || 1;
      const w = Math.floor(r.width * dpr);
      const h = Math.floor(r.height * dpr);
      visible = w > 0 && h > 0;
      if (!visible) return;
      glWindow.setSize(w, h);
      requestRender();
    },
    resetCamera,
    focusOn(target, radiusMm) {
      const cam = renderer.getActiveCamera();
      const fp = cam.getFocalPoint();
      const pos = cam.getPosition();
      const dir: Vec3 = [pos[0] - fp[0], pos[1] - fp[1], pos[2] - fp[2]];
      const len = Math.hypot(dir[0], dir[1], dir[2]) || 1;
      // Distance at which the sphere spans ~2/3 of the vertical view angle; at least 40 mm away.
      const half = ((cam.getViewAngle() / 2) * Math.PI) / 180;
      const dist = Math.max(40, (1.5 * Math.max(radiusMm, 1)) / Math.tan(half));
      cam.setFocalPoint(target[0], target[1], target[2]);
      cam.setPosition(
        target[0] + (dir[0] / len) * dist,
        target[1] + (dir[1] / len) * dist,
        target[2] + (dir[2] / len) * dist,
      );
      renderer.resetCameraClippingRange();
      requestRender();
    },
    camera() {
      const cam = renderer.getActiveCamera();
      const f = cam.getFocalPoint();
      const p = cam.getPosition();
      return { focalPoint: [f[0], f[1], f[2]], position: [p[0], p[1], p[2]] };
    },
    addActor(actor) {
      renderer.addActor(actor);
      requestRender();
    },
    removeActor(actor) {
      renderer.removeActor(actor);
      requestRender();
    },
    render: requestRender,
    setVolumeVisible(show) {
      volume.setVisibility(show);
      requestRender();
    },
    renderCount: () => renders,
    dispose() {
      if (disposed) return;
      disposed = true;
      if (frame) cancelAnimationFrame(frame);
      if (cursorTimer) clearTimeout(cursorTimer);
      interactor.unbindEvents();
      interactor.delete();
      style.delete();
      renderer.removeVolume(volume);
      renderer.removeActor(lineActor);
      renderWindow.removeRenderer(renderer);
      renderWindow.removeView(glWindow);
      // Releases vtk.js's GL resources and removes its canvas from the container; then the context itself is
      // lost at once rather than when the canvas is collected (browsers cap live WebGL contexts at ~16).
      const canvas = glWindow.getCanvas();
      glWindow.delete();
      canvas?.getContext('webgl2')?.getExtension('WEBGL_lose_context')?.loseContext();
      renderWindow.delete();
      renderer.delete();
      prop.delete();
      volume.delete();
      mapper.delete();
      colour.delete();
      opacity.delete();
      image.delete();
      scalars.delete();
      lineActor.getProperty().delete();
      lineActor.delete();
      lineMapper.delete();
      lines.delete();
      lineCells.delete();
      linePoints.delete();
    },
  };
  scene.resize();
  resetCamera();
  return scene;
}
