// Colour maps of the agreement overlay, as 256-entry tables of packed RGBA (the layout of
// src-main/core/labelling/mask-layer.ts, 0xAABBGGRR) indexed by the overlay's byte per voxel, and the legend
// entries that explain them:
//  - votes:       byte = number of raters who gave the voxel the label (0..N). 0 is transparent; 1..N−1
//                 (raters disagree) run from blue (one rater) through yellow to red (all but one); N (all
//                 agree) is a faint green.
//  - probability: byte = round(255 p), p the STAPLE probability of the label; a viridis-like ramp, transparent
//                 below p = 0.02 (the background).
//  - entropy:     byte = round(255 H / 1 bit), H = −p log2 p − (1−p) log2 (1−p) of the STAPLE probability (or
//                 of the vote fraction); an inferno-like ramp, transparent below 0.02 bit (certain voxels).
// Pure: tested in Node.
import { packRgba, parseHex } from '@core/labelling/mask-layer';

export type AgreementMode = 'votes' | 'probability' | 'entropy';

export interface LegendEntry {
  /** CSS colour of the swatch. */
  color: string;
  text: string;
}

export interface Legend {
  title: string;
  /** Discrete swatches (votes), or the two ends and middle of a ramp. */
  entries: LegendEntry[];
  /** A CSS linear-gradient for continuous maps, or null. */
  gradient: string | null;
}

type Stop = [at: number, color: string];

const VOTE_STOPS: Stop[] = [
  [0, '#2c7bb6'],
  [0.5, '#ffe066'],
  [1, '#d7191c'],
];
const VIRIDIS: Stop[] = [
  [0, '#440154'],
  [0.25, '#3b528b'],
  [0.5, '#21918c'],
  [0.75, '#5ec962'],
  [1, '#fde725'],
];
const INFERNO: Stop[] = [
  [0, '#000004'],
  [0.25, '#57106e'],
  [0.5, '#bc3754'],
  [0.75, '#f98e09'],
  [1, '#fcffa4'],
];
const AGREE_COLOUR = '#3ddc84';
const OVERLAY_ALPHA = 0.6;
const AGREE_ALPHA = 0.25;
/** Bytes below this (2 % of the scale) are drawn transparent in the continuous maps. */
const CONTINUOUS_FLOOR = Math.round(0.02 * 255);

/** The colour at t (0..1) of a piecewise-linear ramp, as [r, g, b]. */
export function rampColour(stops: readonly Stop[], t: number): [number, number, number] {
  const x = Math.min(1, Math.max(0, t));
  let lo = stops[0]!;
  let hi = stops[stops.length - 1]!;
  for (let s = 0; s < stops.length - 1; s++) {
    if (x >= stops[s]![0] && x <= stops[s + 1]![0]) {
      lo = stops[s]!;
      hi = stops[s + 1]!;
      break;
    }
  }
  const f = hi[0] === lo[0] ? 0 : (x - lo[0]) / (hi[0] - lo[0]);
  const a = parseHex(lo[1]);
  const b = parseHex(hi[1]);
  return [0, 1, 2].map((c) => Math.round(a[c]! + (b[c]! - a[c]!) * f)) as [number, number, number];
}

function hex([r, g, b]: [number, number, number]): string {
  return `#${((1 << 24) | (r << 16) | (g << 8) | b).toString(16).slice(1)}`;
}

/** The colour of "v of n raters" (1 ≤ v < n: disagreement; v = n: everyone agrees). */
export function voteColour(v: number, n: number): string {
  if (v >= n) return AGREE_COLOUR;
  return hex(rampColour(VOTE_STOPS, n <= 2 ? 0.5 : (v - 1) / (n - 2)));
}

/** Table for the overlay layer: entry b is the RGBA of byte b; `opacity` (0..1) scales every alpha. */
export function agreementTable(mode: AgreementMode, raters: number, opacity = 1): Uint32Array {
  const lut = new Uint32Array(256);
  const alpha = (a: number): number => Math.round(255 * a * Math.min(1, Math.max(0, opacity)));
  if (mode === 'votes') {
    for (let v = 1; v <= Math.min(raters, 255); v++) {
      const [r, g, b] = parseHex(voteColour(v, raters));
      lut[v] = packRgba(r, g, b, alpha(v >= raters ? AGREE_ALPHA : OVERLAY_ALPHA));
    }
    return lut;
  }
  const stops = mode === 'probability' ? VIRIDIS : INFERNO;
  for (let byte = CONTINUOUS_FLOOR; byte < 256; byte++) {
    const [r, g, b] = rampColour(stops, byte / 255);
    lut[byte] = packRgba(r, g, b, alpha(OVERLAY_ALPHA));
  }
  return lut;
}

export function agreementLegend(mode: AgreementMode, raters: number): Legend {
  if (mode === 'votes') {
    const entries: LegendEntry[] = [];
    for (let v = 1; v <= raters; v++) {
      entries.push({
        color: voteColour(v, raters),
        text: v === raters ? `all ${raters} raters agree` : `${v} of ${raters} raters`,
      });
    }
    return { title: 'Raters with the label', entries, gradient: null };
  }
  const stops = mode === 'probability' ? VIRIDIS : INFERNO;
  const gradient = `linear-gradient(to right, ${stops.map(([at, c]) => `${c} ${at * 100}%`).join(', ')})`;
  return mode === 'probability'
    ? {
        title: 'STAPLE probability of the label',
        entries: [
          { color: stops[0]![1], text: '0.02' },
          { color: stops[2]![1], text: '0.5' },
          { color: stops[4]![1], text: '1' },
        ],
        gradient,
      }
    : {
        title: 'Entropy of the label (bits)',
        entries: [
          { color: stops[0]![1], text: '0.02 (certain)' },
          { color: stops[2]![1], text: '0.5' },
          { color: stops[4]![1], text: '1 (50/50)' },
        ],
        gradient,
      };
}

/** Binary entropy in bits of a probability (0 at 0 and 1, 1 at 0.5). */
export function binaryEntropy(p: number): number {
  if (p <= 0 || p >= 1) return 0;
  return -p * Math.log2(p) - (1 - p) * Math.log2(1 - p);
}

/**
 * The bytes of the overlay from the per-voxel vote counts (0..n), for the mode asked; probability and
 * entropy from the vote fraction v/n when no STAPLE map is at hand. Writes into `out` (same length).
 */
export function votesToBytes(votes: Uint8Array, n: number, mode: AgreementMode, out: Uint8Array): Uint8Array {
  if (mode === 'votes') {
    out.set(votes);
    return out;
  }
  const table = new Uint8Array(256);
  for (let v = 0; v <= Math.min(n, 255); v++) {
    const p = n > 0 ? v / n : 0;
    table[v] = Math.round(255 * (mode === 'probability' ? p : binaryEntropy(p)));
  }
  for (let x = 0; x < votes.length; x++) out[x] = table[votes[x]!]!;
  return out;
}

/** Entropy bytes from probability bytes (round(255 p) → round(255 H(p))). */
export function probabilityToEntropyBytes(prob: Uint8Array, out: Uint8Array): Uint8Array {
  const table = new Uint8Array(256);
  for (let b = 0; b < 256; b++) table[b] = Math.round(255 * binaryEntropy(b / 255));
  for (let x = 0; x < prob.length; x++) out[x] = table[prob[x]!]!;
  return out;
}

/**
 * The 3D view's classes of the overlay: a surface per class is drawn (editing/maskSurface.ts makes one per
 * value present), so the bytes are reduced to a few: votes 1..n−1 keep their count (disagreement only; full
 * agreement is left out, it would hide the rest), continuous maps become 1..3 by thirds of the visible range.
 * Returns the class table (byte → class, 0 = no surface) and the colour table of the classes.
 */
export function surfaceClasses(
  mode: AgreementMode,
  raters: number,
): { classOf: Uint8Array; lut: Uint32Array } {
  const classOf = new Uint8Array(256);
  const lut = new Uint32Array(256);
  if (mode === 'votes') {
    for (let v = 1; v < Math.min(raters, 256); v++) {
      classOf[v] = v;
      const [r, g, b] = parseHex(voteColour(v, raters));
      lut[v] = packRgba(r, g, b, 255);
    }
    return { classOf, lut };
  }
  const stops = mode === 'probability' ? VIRIDIS : INFERNO;
  for (let byte = CONTINUOUS_FLOOR; byte < 256; byte++)
    classOf[byte] = 1 + Math.min(2, Math.floor(((byte - CONTINUOUS_FLOOR) * 3) / (256 - CONTINUOUS_FLOOR)));
  for (let c = 1; c <= 3; c++) {
    const [r, g, b] = rampColour(stops, (c - 0.5) / 3);
    lut[c] = packRgba(r, g, b, 255);
  }
  return { classOf, lut };
}
