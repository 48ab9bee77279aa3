// Test helpers: ITK 5.2's STAPLEImageFilter and MultiLabelSTAPLEImageFilter loops transcribed voxel by
// voxel (no pattern histogram), so that the fast implementations can be checked against the plain algorithm
// on random inputs. W is stored as float32 after each E step, as in ITK's float output image.

export function voxelStaple(masks: Uint8Array[], label: number, maxIterations = 4294967295) {
  const R = masks.length;
  const n = masks[0]!.length;
  const W = new Float32Array(n);
  for (const m of masks) for (let v = 0; v < n; v++) if (m[v] === label) W[v] = W[v]! + 1;
  let gt = 0;
  for (let v = 0; v < n; v++) {
    W[v] = W[v]! / R;
    gt += W[v]!;
  }
  gt = gt / n;
  const p = new Array<number>(R).fill(0);
  const q = new Array<number>(R).fill(0);
  const lastP = new Array<number>(R).fill(-10);
  const lastQ = new Array<number>(R).fill(-10);
  let iter = 0;
  for (; iter < maxIterations; iter++) {
    for (let r = 0; r < R; r++) {
      let pn = 0;
      let pd = 0;
      let qn = 0;
      let qd = 0;
      for (let v = 0; v < n; v++) {
        if (masks[r]![v] === label) pn += W[v]!;
        else qn += 1 - W[v]!;
        pd += W[v]!;
        qd += 1 - W[v]!;
      }
      p[r] = pn / pd;
      q[r] = qn / qd;
    }
    for (let v = 0; v < n; v++) {
      let a = 1;
      let b = 1;
      for (let r = 0; r < R; r++) {
        if (masks[r]![v] === label) {
          a *= p[r]!;
          b *= 1 - q[r]!;
        } else {
          a *= 1 - p[r]!;
          b *= q[r]!;
        }
      }
      W[v] = (gt * a) / (gt * a + (1 - gt) * b);
    }
    let flag = false;
    if (iter !== 0) {
      flag = true;
      for (let r = 0; r < R; r++) {
        if ((p[r]! - lastP[r]!) ** 2 > 1e-14 || (q[r]! - lastQ[r]!) ** 2 > 1e-14) {
          flag = false;
          break;
        }
      }
    }
    for (let r = 0; r < R; r++) {
      lastP[r] = p[r]!;
      lastQ[r] = q[r]!;
    }
    if (flag) break;
  }
  return { W, p, q, iterations: iter };
}

export function voxelMultiLabelStaple(masks: Uint8Array[], undecided: number) {
  const R = masks.length;
  const n = masks[0]!.length;
  let max = 0;
  for (const m of masks) for (let v = 0; v < n; v++) max = Math.max(max, m[v]!);
  const L = max + 1;
  const rows = L + 1;
  // LabelVoting with undecided = L.
  const vote = new Int32Array(n);
  for (let v = 0; v < n; v++) {
    const votes = new Array<number>(L).fill(0);
    for (const m of masks) votes[m[v]!] = votes[m[v]!]! + 1;
    let out = 0;
    let maxVotes = votes[0]!;
    for (let l = 1; l < L; l++) {
      if (votes[l]! > maxVotes) {
        maxVotes = votes[l]!;
        out = l;
      } else if (votes[l] === maxVotes) out = L;
    }
    vote[v] = out;
  }
  // Row-major (L+1) x L matrices in one block each, as vnl_matrix: [j][L] is [j+1][0].
  const theta = masks.map((m) => {
    const t = new Float64Array(rows * L);
    for (let v = 0; v < n; v++) t[m[v]! * L + vote[v]!] = t[m[v]! * L + vote[v]!]! + 1;
    for (let j = 0; j < rows; j++) {
      let s = 0;
      for (let c = 0; c < L; c++) s += t[j * L + c]!;
      if (s > 0) for (let c = 0; c < L; c++) t[j * L + c] = t[j * L + c]! / s;
    }
    return t;
  });
  const prior = new Array<number>(L).fill(0);
  for (const m of masks) for (let v = 0; v < n; v++) prior[m[v]!] = prior[m[v]!]! + 1;
  const mass = prior.reduce((s, x) => s + x, 0);
  for (let c = 0; c < L; c++) prior[c] = prior[c]! / mass;
  const W = new Array<number>(L).fill(0);
  let iteration = 0;
  for (; ; iteration++) {
    const upd = masks.map(() => new Float64Array(rows * L));
    for (let v = 0; v < n; v++) {
      for (let c = 0; c < L; c++) W[c] = prior[c]!;
      for (let r = 0; r < R; r++)
        for (let c = 0; c < L; c++) W[c] = W[c]! * theta[r]![masks[r]![v]! * L + c]!;
      const sum = W.reduce((s, x) => s + x, 0);
      if (sum) for (let c = 0; c < L; c++) W[c] = W[c]! / sum;
      for (let r = 0; r < R; r++) {
        const u = upd[r]!;
        for (let c = 0; c < L; c++) u[masks[r]![v]! * L + c] = u[masks[r]![v]! * L + c]! + W[c]!;
      }
    }
    let maxUpdate = 0;
    for (let r = 0; r < R; r++) {
      for (let c = 0; c < L; c++) {
        let s = 0;
        for (let j = 0; j < rows; j++) s += upd[r]![j * L + c]!;
        if (s) for (let j = 0; j < rows; j++) upd[r]![j * L + c] = upd[r]![j * L + c]! / s;
      }
      for (let x = 0; x < rows * L; x++) {
        maxUpdate = Math.max(maxUpdate, Math.abs(upd[r]![x]! - theta[r]![x]!));
        theta[r]![x] = upd[r]![x]!;
      }
    }
    if (maxUpdate < 1e-5) break;
  }
  const out = new Uint8Array(n);
  for (let v = 0; v < n; v++) {
    for (let c = 0; c < L; c++) W[c] = prior[c]!;
    for (let r = 0; r < R; r++) for (let c = 0; c < L; c++) W[c] = W[c]! * theta[r]![masks[r]![v]! * L + c]!;
    let win = undecided;
    let winW = 0;
    for (let c = 0; c < L; c++) {
      if (W[c]! > winW) {
        winW = W[c]!;
        win = c;
      } else if (!(W[c]! < winW)) win = undecided;
    }
    out[v] = win;
  }
  return { theta, iterations: iteration, out, L };
}
