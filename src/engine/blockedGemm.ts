/**
 * A faster plain-TypeScript product, used for float64 (gradient checks) and as the float32 fallback
 * when WebAssembly SIMD is unavailable.  Same contract as gemmReference:  C = op(A)·op(B).
 *
 * Method: op(B) is made row-major (k×n) once (a copy only for NT), then C is computed four rows at a
 * time, C[i…i+3, :] += A[i…i+3, p]·B[p, :], so each row of B is loaded once per four rows of C.
 */
import { FloatArray, GemmOp } from "../core/gemmReference";

export function gemmBlocked(
  op: GemmOp,
  m: number,
  n: number,
  k: number,
  a: FloatArray,
  b: FloatArray,
  c: FloatArray,
): void {
  c.fill(0, 0, m * n);
  if (m === 0 || n === 0 || k === 0) return;
  // Bk[p, j] = op(B)[p, j], row-major k×n
  let Bk: FloatArray = b;
  if (op === "NT") {
    Bk = b instanceof Float32Array ? new Float32Array(k * n) : new Float64Array(k * n);
    for (let j = 0; j < n; j++) for (let p = 0; p < k; p++) Bk[p * n + j] = b[j * k + p];
  }
  // op(A)[i, p] = a[i·sI + p·sP]
  const sI = op === "TN" ? 1 : k;
  const sP = op === "TN" ? m : 1;
  let i = 0;
  for (; i + 4 <= m; i += 4) {
    const c0 = i * n,
      c1 = c0 + n,
      c2 = c1 + n,
      c3 = c2 + n;
    for (let p = 0; p < k; p++) {
      const a0 = a[i * sI + p * sP],
        a1 = a[(i + 1) * sI + p * sP],
        a2 = a[(i + 2) * sI + p * sP],
        a3 = a[(i + 3) * sI + p * sP];
      if (a0 === 0 && a1 === 0 && a2 === 0 && a3 === 0) continue;
      const bp = p * n;
      for (let j = 0; j < n; j++) {
        const bpj = Bk[bp + j];
        c[c0 + j] += a0 * bpj;
        c[c1 + j] += a1 * bpj;
        c[c2 + j] += a2 * bpj;
        c[c3 + j] += a3 * bpj;
      }
    }
  }
  for (; i < m; i++) {
    const ci = i * n;
    for (let p = 0; p < k; p++) {
      const aip = a[i * sI + p * sP];
      if (aip === 0) continue;
      const bp = p * n;
      for (let j = 0; j < n; j++) c[ci + j] += aip * Bk[bp + j];
    }
  }
}
