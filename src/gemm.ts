/**
 * The three matrix products backprop needs, as kernels on raw row-major arrays.
 *
 *   NN:  C = A·B      A is m×k, B is k×n, C is m×n   (forward pass:   Z = X·Wᵀ is written NT)
 *   TN:  C = Aᵀ·B     A is k×m, B is k×n, C is m×n   (weight gradient: ∂E/∂W = Δᵀ·X)
 *   NT:  C = A·Bᵀ     A is m×k, B is n×k, C is m×n   (forward pass with W stored out×in)
 *
 * No transpose is ever materialised: the kernels index the stored layout directly.
 * `gemmReference` is the plain, readable kernel the notebooks teach from. A faster backend
 * (WebAssembly SIMD, see src/kernels/) can be installed with `setGemmBackend`; tests hold every
 * backend equal to the reference.
 */
export type FloatArray = Float32Array | Float64Array;

/** Which operand is read transposed. */
export type GemmOp = "NN" | "TN" | "NT";

/**
 * C (m×n) = op(A)·op(B), overwriting C.
 * a, b, c are row-major; m, n, k are the dimensions of the product as above.
 */
export type GemmKernel = (op: GemmOp, m: number, n: number, k: number, a: FloatArray, b: FloatArray, c: FloatArray) => void;

/** Plain reference kernel. Loop order i-p-j keeps the inner loop on contiguous rows of B and C. */
export function gemmReference(op: GemmOp, m: number, n: number, k: number, a: FloatArray, b: FloatArray, c: FloatArray): void {
  c.fill(0, 0, m * n);
  if (op === "NN") {
    // C[i,j] = Σ_p A[i,p]·B[p,j]
    for (let i = 0; i < m; i++) {
      const ci = i * n;
      for (let p = 0; p < k; p++) {
        const aip = a[i * k + p];
        if (aip === 0) continue;
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
        if (api === 0) continue;
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

let backend: GemmKernel = gemmReference;
let backendName = "reference";

/** Install a faster kernel for all products (null restores the reference). */
export function setGemmBackend(kernel: GemmKernel | null, name = "custom"): void {
  backend = kernel ?? gemmReference;
  backendName = kernel ? name : "reference";
}

/** The name of the kernel products currently use. */
export function gemmBackendName(): string {
  return backendName;
}

/** C = op(A)·op(B) with the current backend. */
export function gemm(op: GemmOp, m: number, n: number, k: number, a: FloatArray, b: FloatArray, c: FloatArray): void {
  backend(op, m, n, k, a, b, c);
}
