// vtk.js 37 ships ImageMarchingCubes without type declarations; the part of its API maskSurface.ts uses.
declare module '@kitware/vtk.js/Filters/General/ImageMarchingCubes' {
  import type { vtkAlgorithm, vtkObject } from '@kitware/vtk.js/interfaces';

  export interface vtkImageMarchingCubes extends vtkObject, vtkAlgorithm {
    setContourValue(value: number): boolean;
  }

  const vtkImageMarchingCubes: {
    newInstance(initial?: {
      contourValue?: number;
      computeNormals?: boolean;
      mergePoints?: boolean;
    }): vtkImageMarchingCubes;
  };
  export default vtkImageMarchingCubes;
}
