// The label surfaces in the 3D view: for each label present (and visible) in the layer, a marching-cubes
// surface of its block-fraction grid (surfaceGrid.ts) at 0.5, coloured like the label. Rebuilt when the
// layer changes (the caller debounces); everything vtk.js made here is deleted on rebuild and on dispose.
//
// Frames: the grid is in voxel index space (origin and spacing in voxel units); the actor's user matrix is
// the volume's affine (index -> LPS mm), so direction cosines and obliquity are honoured exactly.

import vtkDataArray from '@kitware/vtk.js/Common/Core/DataArray';
import vtkImageData from '@kitware/vtk.js/Common/DataModel/ImageData';
import vtkImageMarchingCubes from '@kitware/vtk.js/Filters/General/ImageMarchingCubes';
import vtkActor from '@kitware/vtk.js/Rendering/Core/Actor';
import vtkMapper from '@kitware/vtk.js/Rendering/Core/Mapper';
import type { Mat4, Vec3 } from '@core/geometry/affine';
import type { VolumeScene } from '../volumeScene';
import type { MaskLayer } from '@core/labelling/mask-layer';
import { quietVtkTimers } from './quietVtkTimers';
import { labelBounds, labelGrid } from './surfaceGrid';

quietVtkTimers();

/** Grid points per label surface at most, and per axis (software GL: smaller, surfaces are CPU-rendered). */
export const SURFACE_MAX_VOXELS = 2_000_000;
export const SURFACE_MAX_DIM = 160;
export const SOFTWARE_SURFACE_MAX_VOXELS = 250_000;
export const SOFTWARE_SURFACE_MAX_DIM = 96;

export interface MaskSurface {
  /** Rebuilds the surfaces from the layer's current labels and colours; returns the triangle count. */
  update(layer: MaskLayer): number;
  /** Removes every surface. */
  clear(): void;
  dispose(): void;
}

interface Part {
  image: ReturnType<typeof vtkImageData.newInstance>;
  scalars: ReturnType<typeof vtkDataArray.newInstance>;
  filter: ReturnType<typeof vtkImageMarchingCubes.newInstance>;
  mapper: ReturnType<typeof vtkMapper.newInstance>;
  actor: ReturnType<typeof vtkActor.newInstance>;
}

export function createMaskSurface(
  scene: VolumeScene,
  dims: Vec3,
  affineLPS: Mat4,
  software: boolean,
): MaskSurface {
  let parts: Part[] = [];
  // vtk.js matrices are column-major (gl-matrix); affineLPS is row-major.
  const userMatrix = Float32Array.from({ length: 16 }, (_, n) => affineLPS[(n % 4) * 4 + Math.floor(n / 4)]!);
  const maxVoxels = software ? SOFTWARE_SURFACE_MAX_VOXELS : SURFACE_MAX_VOXELS;
  const maxDim = software ? SOFTWARE_SURFACE_MAX_DIM : SURFACE_MAX_DIM;

  const clear = (): void => {
    for (const p of parts) {
      scene.removeActor(p.actor);
      p.actor.getProperty().delete();
      p.actor.delete();
      p.mapper.delete();
      p.filter.getOutputData()?.delete();
      p.filter.delete();
      p.image.delete();
      p.scalars.delete();
    }
    parts = [];
  };

  return {
    update(layer) {
      clear();
      if (!layer.visible) {
        scene.render();
        return 0;
      }
      let triangles = 0;
      for (const [label, bounds] of labelBounds(layer.mask, dims)) {
        const rgba = layer.lut[label] ?? 0;
        if (rgba >>> 24 === 0) continue; // hidden label
        const g = labelGrid(layer.mask, dims, label, bounds, maxVoxels, maxDim);
        const scalars = vtkDataArray.newInstance({ name: 'fraction', numberOfComponents: 1, values: g.data });
        const image = vtkImageData.newInstance();
        image.setDimensions(g.dims[0], g.dims[1], g.dims[2]);
        image.setOrigin(g.origin);
        image.setSpacing(g.factors);
        image.getPointData().setScalars(scalars);
        const filter = vtkImageMarchingCubes.newInstance({
          contourValue: 0.5,
          computeNormals: true,
          mergePoints: true,
        });
        filter.setInputData(image);
        const mapper = vtkMapper.newInstance();
        mapper.setInputConnection(filter.getOutputPort());
        const actor = vtkActor.newInstance();
        actor.setMapper(mapper);
        actor.setUserMatrix(userMatrix);
        actor
          .getProperty()
          .setColor((rgba & 255) / 255, ((rgba >>> 8) & 255) / 255, ((rgba >>> 16) & 255) / 255);
        actor.getProperty().setAmbient(0.2);
        actor.getProperty().setDiffuse(0.8);
        filter.update();
        triangles += filter.getOutputData().getNumberOfPolys();
        scene.addActor(actor);
        parts.push({ image, scalars, filter, mapper, actor });
      }
      scene.render();
      return triangles;
    },
    clear() {
      clear();
      scene.render();
    },
    dispose() {
      clear();
    },
  };
}
