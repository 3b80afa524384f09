/**
 * A layer's product fused with the element-wise work around it, done inside the WebAssembly memory
 * while the product's result is still there (no extra pass in JavaScript):
 *
 *   linearForward:        A^l = f(A^{l−1} (W^l)ᵀ + b^l)        f = ReLU or the identity
 *   reluBackwardProduct:  Δ^{l−1} = (Δ^l W^l) ⊙ [A^{l−1} > 0]   (for ReLU, A > 0 exactly where Z > 0)
 *   weightGradient:       ∂L/∂W^l = s·(Δ^l)ᵀ A^{l−1} + α W^l     (s = 1/n for a mean loss, α the L2 strength)
 *
 * Each has a plain reference beside it (matmul, then loops). The fused path runs when the operands
 * are float32 and the fast wasm backend is the one installed (src/core/gemm.ts); otherwise the functions
 * compute the same thing with gemm() and plain loops.
 */
import { gemmKernel } from "../core/gemm";
import { Matrix, matmul, matmulNT, matmulTN, ShapeError, zeros } from "../core/matrix";
import { defaultGemmKernel, WasmGemm } from "./wasmGemm";

/** The wasm engine when the fast backend is installed and all four operands are float32 (d may be null), else null. */
function fastEngine(a: Matrix, b: Matrix, c: Matrix, d: Matrix | null): WasmGemm | null {
  if (!(a.data instanceof Float32Array && b.data instanceof Float32Array && c.data instanceof Float32Array))
    return null;
  if (d && !(d.data instanceof Float32Array)) return null;
  const k = defaultGemmKernel();
  return k.engine && gemmKernel() === k.kernel ? k.engine : null;
}

function outFor(op: string, rows: number, cols: number, like: Matrix, out?: Matrix): Matrix {
  if (!out) return zeros(rows, cols, like.dtype);
  if (out.rows !== rows || out.cols !== cols)
    throw new ShapeError(`${op}: out is ${out.shape} but the result is ${rows}×${cols}`);
  if (out.dtype !== like.dtype) throw new ShapeError(`${op}: out is ${out.dtype} but the operands are ${like.dtype}`);
  return out;
}

/**
 * Forward pass of a dense layer:  out = f(A·Wᵀ + b).
 * A: n×d (one example per row), W: m×d (out×in), b: 1×m or null, out: n×m.
 */
export function linearForward(
  A: Matrix,
  W: Matrix,
  b: Matrix | null,
  activation: "relu" | "identity",
  out?: Matrix,
): Matrix {
  const op = "linearForward";
  if (A.cols !== W.cols) throw new ShapeError(`${op}: A is ${A.shape} and W is ${W.shape} (A.cols must equal W.cols)`);
  if (A.dtype !== W.dtype) throw new ShapeError(`${op}: A is ${A.dtype} but W is ${W.dtype}`);
  if (b && (b.rows !== 1 || b.cols !== W.rows))
    throw new ShapeError(`${op}: W is ${W.shape} so b must be 1×${W.rows}, got ${b.shape}`);
  if (activation !== "relu" && activation !== "identity")
    throw new Error(`${op}: activation must be "relu" or "identity", got "${String(activation)}"`);
  const C = outFor(op, A.rows, W.rows, A, out);
  if (C === A || C === W) throw new ShapeError(`${op}: out must not be one of the operands`);
  const e = fastEngine(A, W, C, b);
  if (
    e &&
    A.rows > 0 &&
    W.rows > 0 &&
    e.gemm("NT", A.rows, W.rows, A.cols, A.data as Float32Array, W.data as Float32Array, C.data as Float32Array, {
      bias: b ? (b.data as Float32Array) : null,
      relu: activation === "relu",
    })
  ) {
    return C;
  }
  return linearForwardReference(A, W, b, activation, C);
}

/** Reference: Z = A·Wᵀ (matmulNT), Z += b row by row, then f element by element. */
export function linearForwardReference(
  A: Matrix,
  W: Matrix,
  b: Matrix | null,
  activation: "relu" | "identity",
  out?: Matrix,
): Matrix {
  const Z = matmulNT(A, W, out);
  for (let i = 0; i < Z.rows; i++) {
    for (let j = 0; j < Z.cols; j++) {
      const z = Z.get(i, j) + (b ? b.data[j] : 0);
      Z.set(i, j, activation === "relu" ? Math.max(z, 0) : z);
    }
  }
  return Z;
}

/**
 * Backprop through a weight layer and the ReLU before it:  out = (D·W) ⊙ [A > 0].
 * D: n×m (Δ^l), W: m×h (W^l, out×in), A: n×h (the ReLU's output A^{l−1}), out: n×h.
 */
export function reluBackwardProduct(D: Matrix, W: Matrix, A: Matrix, out?: Matrix): Matrix {
  const op = "reluBackwardProduct";
  if (D.cols !== W.rows) throw new ShapeError(`${op}: Δ is ${D.shape} and W is ${W.shape} (Δ.cols must equal W.rows)`);
  if (A.rows !== D.rows || A.cols !== W.cols)
    throw new ShapeError(`${op}: Δ·W is ${D.rows}×${W.cols} but A is ${A.shape}`);
  if (D.dtype !== W.dtype || D.dtype !== A.dtype)
    throw new ShapeError(`${op}: Δ, W and A must share a dtype, got ${D.dtype}, ${W.dtype}, ${A.dtype}`);
  const C = outFor(op, D.rows, W.cols, D, out);
  if (C === D || C === W || C === A) throw new ShapeError(`${op}: out must not be Δ, W or A`);
  const e = fastEngine(D, W, A, C);
  if (
    e &&
    D.rows > 0 &&
    W.cols > 0 &&
    e.gemm("NN", D.rows, W.cols, D.cols, D.data as Float32Array, W.data as Float32Array, C.data as Float32Array, {
      mask: A.data as Float32Array,
    })
  ) {
    return C;
  }
  return reluBackwardProductReference(D, W, A, C);
}

/** Reference: Δ·W (matmul), then zero every entry where A ≤ 0. */
export function reluBackwardProductReference(D: Matrix, W: Matrix, A: Matrix, out?: Matrix): Matrix {
  const C = matmul(D, W, out);
  for (let i = 0; i < C.data.length; i++) if (!(A.data[i] > 0)) C.data[i] = 0;
  return C;
}

/**
 * The weight gradient of a dense layer with an L2 penalty:  G = s·Δᵀ·A + α·W.
 * Δ: n×m, A: n×d (the layer's input), W: m×d, G: m×d.
 */
export function weightGradient(D: Matrix, A: Matrix, s: number, alpha: number, W: Matrix, out?: Matrix): Matrix {
  const op = "weightGradient";
  if (D.rows !== A.rows)
    throw new ShapeError(`${op}: Δ is ${D.shape} and A is ${A.shape} (one row per example in both)`);
  if (W.rows !== D.cols || W.cols !== A.cols)
    throw new ShapeError(`${op}: Δᵀ·A is ${D.cols}×${A.cols} but W is ${W.shape}`);
  if (!Number.isFinite(s) || !Number.isFinite(alpha))
    throw new RangeError(`${op}: s and α must be finite, got ${s} and ${alpha}`);
  if (D.dtype !== A.dtype || D.dtype !== W.dtype)
    throw new ShapeError(`${op}: Δ, A and W must share a dtype, got ${D.dtype}, ${A.dtype}, ${W.dtype}`);
  const G = outFor(op, D.cols, A.cols, D, out);
  if (G === D || G === A || G === W) throw new ShapeError(`${op}: out must not be Δ, A or W`);
  const e = fastEngine(D, A, W, G);
  if (
    e &&
    G.rows > 0 &&
    G.cols > 0 &&
    e.gemm("TN", D.cols, A.cols, D.rows, D.data as Float32Array, A.data as Float32Array, G.data as Float32Array, {
      scale: s,
      alpha,
      W: W.data as Float32Array,
    })
  ) {
    return G;
  }
  return weightGradientReference(D, A, s, alpha, W, G);
}

/** Reference: Δᵀ·A (matmulTN), then G[i] = s·G[i] + α·W[i]. */
export function weightGradientReference(
  D: Matrix,
  A: Matrix,
  s: number,
  alpha: number,
  W: Matrix,
  out?: Matrix,
): Matrix {
  const G = matmulTN(D, A, out);
  for (let i = 0; i < G.data.length; i++) G.data[i] = s * G.data[i] + alpha * W.data[i];
  return G;
}
