/**
 * The plain product kernel, the one every faster backend is tested against, and the checks of a
 * product's arguments (src/core/gemm.ts re-exports them beside the backend registry).
 *
 *   NN:  C = A·B      A is m×k, B is k×n, C is m×n
 *   TN:  C = Aᵀ·B     A is k×m, B is k×n, C is m×n
 *   NT:  C = A·Bᵀ     A is m×k, B is n×k, C is m×n
 */
export type FloatArray = Float32Array | Float64Array;

/** Which operand is read transposed. */
export type GemmOp = "NN" | "TN" | "NT";

/**
 * C (m×n) = op(A)·op(B), overwriting C.
 * a, b, c are row-major; m, n, k are the dimensions of the product as above.
 */
export type GemmKernel = (
  op: GemmOp,
  m: number,
  n: number,
  k: number,
  a: FloatArray,
  b: FloatArray,
  c: FloatArray,
) => void;

/**
 * Plain reference kernel. Loop order i-p-j keeps the inner loop on contiguous rows of B and C.
 * Every term is added, zeros included, so NaN and ∞ propagate as IEEE arithmetic says (0·NaN = NaN).
 */
export function gemmReference(
  op: GemmOp,
  m: number,
  n: number,
  k: number,
  a: FloatArray,
  b: FloatArray,
  c: FloatArray,
): void {
  c.fill(0, 0, m * n);
  if (op === "NN") {
    // C[i,j] = Σ_p A[i,p]·B[p,j]
    for (let i = 0; i < m; i++) {
      const ci = i * n;
      for (let p = 0; p < k; p++) {
        const aip = a[i * k + p];
        const bp = p * n;
        for (let j = 0; j < n; j++) c[ci + j] += aip * b[bp + j];
      }
    }
  } else if (op === "TN") {
    // C[i,j] = Σ_p A[p,i]·B[p,j]   (A stored k×m)
    for (let p = 0; p < k; p++) {
      const ap = p * m;
      const bp = p * n;
      for (let i = 0; i < m; i++) {
        const api = a[ap + i];
        const ci = i * n;
        for (let j = 0; j < n; j++) c[ci + j] += api * b[bp + j];
      }
    }
  } else {
    // C[i,j] = Σ_p A[i,p]·B[j,p]   (B stored n×k): a dot product of two rows
    for (let i = 0; i < m; i++) {
      const ai = i * k;
      for (let j = 0; j < n; j++) {
        const bj = j * k;
        let s = 0;
        for (let p = 0; p < k; p++) s += a[ai + p] * b[bj + p];
        c[i * n + j] = s;
      }
    }
  }
}

/** Throws if the arrays are too short for an m×n×k product (a clear message instead of reading past the end). */
export function checkGemmArgs(
  op: GemmOp,
  m: number,
  n: number,
  k: number,
  a: FloatArray,
  b: FloatArray,
  c: FloatArray,
): void {
  if (op !== "NN" && op !== "TN" && op !== "NT")
    throw new Error(`gemm: op must be "NN", "TN" or "NT", got ${String(op)}`);
  for (const [name, v] of [
    ["m", m],
    ["n", n],
    ["k", k],
  ] as const) {
    if (!Number.isInteger(v) || v < 0) throw new Error(`gemm ${op}: ${name} must be a non-negative integer, got ${v}`);
  }
  const [an, bn] = op === "NN" ? ["m×k", "k×n"] : op === "TN" ? ["k×m", "k×n"] : ["m×k", "n×k"];
  if (a.length < m * k)
    throw new Error(`gemm ${op}: A must hold ${an} = ${m * k} numbers (m=${m}, n=${n}, k=${k}), got ${a.length}`);
  if (b.length < k * n)
    throw new Error(`gemm ${op}: B must hold ${bn} = ${k * n} numbers (m=${m}, n=${n}, k=${k}), got ${b.length}`);
  if (c.length < m * n)
    throw new Error(`gemm ${op}: C must hold m×n = ${m * n} numbers (m=${m}, n=${n}, k=${k}), got ${c.length}`);
}
