// Siemens mosaic: one DICOM image holding N slices as tiles of a square grid (ceil(sqrt(N)) tiles a side),
// filled row by row; tile t is slice t. The ImagePositionPatient of a mosaic describes the whole mosaic
// image as if it were one big slice centred on the volume, so the first slice's true position is shifted by
// half the size difference (the correction nibabel and dcm2niix apply):
//   ipp + colDir x rowSpacing x (mosaicRows - tileRows)/2 + rowDir x colSpacing x (mosaicCols - tileCols)/2.
// Slices follow the CSA SliceNormalVector (else rowDir x colDir) with SpacingBetweenSlices (else thickness).
import type { Vec3 } from '../../core/geometry/affine';
import type { VoxelArray } from '../../core/volume/types';
import { columnDirection, rowDirection } from './geometry';
import type { MosaicLayout, PixelFormat } from './types';

/** Tile layout for `images` slices in a mosaic of pixel.rows x pixel.columns, or a problem message. */
export function mosaicLayout(pixel: PixelFormat, images: number): MosaicLayout | string {
  if (!(images >= 1)) return 'Siemens mosaic without NumberOfImagesInMosaic: cannot unpack its slices';
  const tilesPerRow = Math.ceil(Math.sqrt(images));
  if (pixel.rows % tilesPerRow !== 0 || pixel.columns % tilesPerRow !== 0) {
    return `Siemens mosaic of ${pixel.columns}x${pixel.rows} cannot hold ${images} equal tiles (${tilesPerRow} a side)`;
  }
  return {
    images,
    tilesPerRow,
    tileRows: pixel.rows / tilesPerRow,
    tileColumns: pixel.columns / tilesPerRow,
  };
}

/** LPS position (mm) of the first pixel of the first slice of the mosaic. */
export function mosaicOrigin(
  ipp: Vec3,
  iop: number[],
  pixelSpacing: [number, number],
  pixel: PixelFormat,
  layout: MosaicLayout,
): Vec3 {
  const r = rowDirection(iop);
  const c = columnDirection(iop);
  const down = (pixelSpacing[0] * (pixel.rows - layout.tileRows)) / 2;
  const across = (pixelSpacing[1] * (pixel.columns - layout.tileColumns)) / 2;
  return [
    ipp[0] + c[0] * down + r[0] * across,
    ipp[1] + c[1] * down + r[1] * across,
    ipp[2] + c[2] * down + r[2] * across,
  ];
}

/**
 * Copies the tiles of a decoded mosaic (`src`, index column + row * mosaicColumns) into `out` as slices
 * (index i + j * tileColumns + k * tileColumns * tileRows).
 */
export function unpackMosaic(
  src: VoxelArray,
  mosaicColumns: number,
  layout: MosaicLayout,
  out: VoxelArray,
): void {
  const { tileRows, tileColumns, tilesPerRow } = layout;
  const sliceSize = tileRows * tileColumns;
  for (let t = 0; t < layout.images; t++) {
    const r0 = Math.floor(t / tilesPerRow) * tileRows;
    const c0 = (t % tilesPerRow) * tileColumns;
    for (let j = 0; j < tileRows; j++) {
      const from = (r0 + j) * mosaicColumns + c0;
      out.set(src.subarray(from, from + tileColumns), t * sliceSize + j * tileColumns);
    }
  }
}
