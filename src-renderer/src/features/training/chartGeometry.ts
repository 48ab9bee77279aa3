// Geometry of the training chart (pure, tested): loss per epoch on the left axis (0 at the bottom, the
// largest loss rounded up at the top) and validation Dice on the right axis (0..1). x is the epoch number
// (1-based) over 1..max(epochs, last epoch). Coordinates are SVG user units, y growing downwards.

export interface ChartPoint {
  epoch: number;
  loss: number;
  validationDice: number | null;
  /** Several labels, from the live epoch events: validation Dice per label value (string). */
  labelDice?: Record<string, number>;
}

export interface ChartBox {
  width: number;
  height: number;
  /** Margins for the axes' labels. */
  left: number;
  right: number;
  top: number;
  bottom: number;
}

export interface ChartGeometry {
  lossPath: string;
  dicePath: string;
  lossDots: { x: number; y: number; epoch: number; value: number }[];
  diceDots: { x: number; y: number; epoch: number; value: number }[];
  /** The loss axis' top value (a "nice" number at or above the largest loss). */
  lossMax: number;
  /** Epoch ticks on the x axis with their x. */
  xTicks: { x: number; epoch: number }[];
  /** The plot area. */
  plot: { x0: number; x1: number; y0: number; y1: number };
}

/** The smallest of 1, 2, 2.5, 5 × 10^k at or above v (v > 0); 1 for v <= 0 or not finite. */
export function niceCeil(v: number): number {
  if (!(v > 0) || !Number.isFinite(v)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v * (1 - 1e-12)) return m * p;
  return 10 * p;
}

function path(pts: readonly { x: number; y: number }[]): string {
  return pts.map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ');
}

export function chartGeometry(points: readonly ChartPoint[], epochs: number, box: ChartBox): ChartGeometry {
  const x0 = box.left;
  const x1 = box.width - box.right;
  const y0 = box.height - box.bottom; // bottom of the plot (value 0)
  const y1 = box.top; // top of the plot
  const sorted = [...points].filter((p) => Number.isFinite(p.loss)).sort((a, b) => a.epoch - b.epoch);
  const lastEpoch = sorted.length ? sorted[sorted.length - 1]!.epoch : 0;
  const span = Math.max(epochs, lastEpoch, 2);
  // Epoch 1 at the left edge, the run's last epoch at the right edge.
  const xOf = (epoch: number): number => x0 + ((epoch - 1) / (span - 1)) * (x1 - x0);
  const lossMax = niceCeil(Math.max(0, ...sorted.map((p) => p.loss)));
  const yLoss = (v: number): number => y0 - (Math.max(0, v) / lossMax) * (y0 - y1);
  const yDice = (v: number): number => y0 - Math.min(1, Math.max(0, v)) * (y0 - y1);
  const lossDots = sorted.map((p) => ({ x: xOf(p.epoch), y: yLoss(p.loss), epoch: p.epoch, value: p.loss }));
  const diceDots = sorted
    .filter((p): p is ChartPoint & { validationDice: number } => p.validationDice !== null)
    .map((p) => ({
      x: xOf(p.epoch),
      y: yDice(p.validationDice),
      epoch: p.epoch,
      value: p.validationDice,
    }));
  const step = Math.max(1, Math.ceil(niceCeil(span / 8)));
  const xTicks: { x: number; epoch: number }[] = [{ x: xOf(1), epoch: 1 }];
  for (let e = step; e <= span; e += step) if (e > 1) xTicks.push({ x: xOf(e), epoch: e });
  return {
    lossPath: path(lossDots),
    dicePath: path(diceDots),
    lossDots,
    diceDots,
    lossMax,
    xTicks,
    plot: { x0, x1, y0, y1 },
  };
}

/** Merges epoch points by epoch number, later ones replacing earlier (a resumed run redoes epochs). */
export function mergePoints(a: readonly ChartPoint[], b: readonly ChartPoint[]): ChartPoint[] {
  const m = new Map<number, ChartPoint>();
  for (const p of a) m.set(p.epoch, p);
  for (const p of b) m.set(p.epoch, p);
  return [...m.values()].sort((x, y) => x.epoch - y.epoch);
}
