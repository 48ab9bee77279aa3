// Float32 binary arithmetic for tfjs's cpu backend in the three shapes a training step uses: equal shapes,
// one side a single value (Adam's constants), and a vector along the last axis (a bias). tfjs's cpu
// kernels take every broadcast through per-element index conversion, which costs more per step than the
// arithmetic itself. Any other case is left to tfjs (null).

export type BinaryOp = 'Add' | 'Sub' | 'Multiply' | 'RealDiv';

const FNS: Record<BinaryOp, (a: number, b: number) => number> = {
  Add: (a, b) => a + b,
  Sub: (a, b) => a - b,
  Multiply: (a, b) => a * b,
  RealDiv: (a, b) => a / b,
};

const size = (s: number[]): number => s.reduce((a, b) => a * b, 1);

/** The output shape when this fast path applies, else null. */
export function fastBinaryShape(aShape: number[], bShape: number[]): number[] | null {
  const na = size(aShape);
  const nb = size(bShape);
  if (aShape.length === bShape.length && aShape.every((d, i) => d === bShape[i])) return aShape;
  if (nb === 1 && bShape.length <= aShape.length) return aShape;
  if (na === 1 && aShape.length <= bShape.length) return bShape;
  // b a vector along a's last axis ([C] or [1, ..., 1, C]).
  const C = aShape[aShape.length - 1];
  if (aShape.length >= 1 && nb === C && bShape.length <= aShape.length && bShape[bShape.length - 1] === C)
    return aShape;
  return null;
}

/** out = a op b for shapes accepted by fastBinaryShape (out has the result's size). */
export function fastBinary(op: BinaryOp, a: Float32Array, b: Float32Array, out: Float32Array): void {
  const n = out.length;
  const f = FNS[op];
  // Written out per op so each loop is monomorphic (a shared closure call per element is slower).
  if (a.length === n && b.length === n) {
    if (op === 'Add') for (let i = 0; i < n; i++) out[i] = a[i]! + b[i]!;
    else if (op === 'Multiply') for (let i = 0; i < n; i++) out[i] = a[i]! * b[i]!;
    else if (op === 'Sub') for (let i = 0; i < n; i++) out[i] = a[i]! - b[i]!;
    else for (let i = 0; i < n; i++) out[i] = a[i]! / b[i]!;
  } else if (b.length === 1) {
    const s = b[0]!;
    if (op === 'Multiply') for (let i = 0; i < n; i++) out[i] = a[i]! * s;
    else if (op === 'Add') for (let i = 0; i < n; i++) out[i] = a[i]! + s;
    else for (let i = 0; i < n; i++) out[i] = f(a[i]!, s);
  } else if (a.length === 1) {
    const s = a[0]!;
    for (let i = 0; i < n; i++) out[i] = f(s, b[i]!);
  } else {
    const C = b.length;
    if (op === 'Add')
      for (let i = 0; i < n; i += C) for (let c = 0; c < C; c++) out[i + c] = a[i + c]! + b[c]!;
    else for (let i = 0; i < n; i += C) for (let c = 0; c < C; c++) out[i + c] = f(a[i + c]!, b[c]!);
  }
}
