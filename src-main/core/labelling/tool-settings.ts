// The editing tools, their settings and defaults, and the brush sizes (mm) the size keys step through.

export type ToolName = 'navigate' | 'brush' | 'eraser' | 'threshold' | 'grow' | 'polygon';

/** One-shot operations on the active label (no pointer gesture). */
export type OperationName = 'interpolate' | 'largest' | 'islands' | 'holes' | 'holesEverySlice';

export interface ToolSettings {
  tool: ToolName;
  /** Active label value, 1..255. */
  label: number;
  /** Brush / eraser / threshold-brush radius in mm. */
  brushMm: number;
  /** Brush ball or disc; region growing, components and holes in 3D or on the current slice. */
  dimension: '2d' | '3d';
  /** Protect other labels (painting changes only background; erasing only the active label). */
  protect: boolean;
  /** Threshold brush: physical values (HU for CT) that may be painted, both ends included. */
  thresholdLo: number;
  thresholdHi: number;
  /** Region growing: ± physical units around the seed's value. */
  tolerance: number;
  /** Region growing stops at this many voxels. */
  growMaxVoxels: number;
  /** Remove islands smaller than this, in `islandUnit`. */
  islandMin: number;
  islandUnit: 'voxels' | 'mL';
}

export const DEFAULT_SETTINGS: ToolSettings = {
  tool: 'navigate',
  label: 1,
  brushMm: 3,
  dimension: '2d',
  protect: true,
  thresholdLo: -400,
  thresholdHi: 400,
  tolerance: 100,
  growMaxVoxels: 2_000_000,
  islandMin: 10,
  islandUnit: 'voxels',
};

/** Brush radii (mm) stepped through by the size keys. */
export const BRUSH_SIZES_MM: readonly number[] = [
  0.5, 1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10, 12, 15, 20, 25, 30, 40, 50,
];

/** The next brush size up (+1) or down (−1) from `mm`. */
export function stepBrush(mm: number, dir: 1 | -1): number {
  if (dir > 0) return BRUSH_SIZES_MM.find((s) => s > mm + 1e-9) ?? BRUSH_SIZES_MM[BRUSH_SIZES_MM.length - 1]!;
  for (let n = BRUSH_SIZES_MM.length - 1; n >= 0; n--)
    if (BRUSH_SIZES_MM[n]! < mm - 1e-9) return BRUSH_SIZES_MM[n]!;
  return BRUSH_SIZES_MM[0]!;
}

export interface ToolInfo {
  name: ToolName;
  label: string;
  /** Shortcut shown in titles and the help (the key table in keyBindings.ts is the source). */
  key: string;
  what: string;
}

export const TOOLS: readonly ToolInfo[] = [
  { name: 'navigate', label: 'Navigate', key: 'V', what: 'Left button moves the crosshair (no editing)' },
  { name: 'brush', label: 'Brush', key: 'D', what: 'Paint the active label (disc or ball, radius in mm)' },
  { name: 'eraser', label: 'Eraser', key: 'E', what: 'Erase (the active label only while protecting)' },
  {
    name: 'threshold',
    label: 'Threshold brush',
    key: 'T',
    what: 'Paint only voxels whose value is inside the range',
  },
  {
    name: 'grow',
    label: 'Region grow',
    key: 'G',
    what: 'Click: fill the connected region of similar values',
  },
  {
    name: 'polygon',
    label: 'Polygon / lasso',
    key: 'F',
    what: 'Drag a lasso, or click vertices and double-click / Enter to fill',
  },
];

export interface OperationInfo {
  name: OperationName;
  label: string;
  key: string;
  what: string;
}

export const OPERATIONS: readonly OperationInfo[] = [
  {
    name: 'interpolate',
    label: 'Fill between slices',
    key: 'I',
    what: 'Interpolate the label on empty slices between labelled ones (active view’s axis)',
  },
  { name: 'largest', label: 'Keep largest', key: 'K', what: 'Keep only the largest connected component' },
  { name: 'islands', label: 'Remove islands', key: 'J', what: 'Remove components smaller than the minimum' },
  { name: 'holes', label: 'Fill holes', key: 'O', what: 'Fill holes enclosed by the label' },
  {
    name: 'holesEverySlice',
    label: 'Fill holes, every slice',
    key: 'Shift+O',
    what: 'Fill holes in 2D on every slice of the active view',
  },
];

/** The revision tool name saved for each tool or operation. */
export const REVISION_TOOL: Record<ToolName | OperationName, string> = {
  navigate: 'navigate',
  brush: 'brush',
  eraser: 'eraser',
  threshold: 'threshold-brush',
  grow: 'region-grow',
  polygon: 'polygon',
  interpolate: 'interpolate',
  largest: 'keep-largest',
  islands: 'remove-islands',
  holes: 'fill-holes',
  holesEverySlice: 'fill-holes',
};
