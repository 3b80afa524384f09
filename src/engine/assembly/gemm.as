// Descent's WebAssembly kernels, written in AssemblyScript (a TypeScript dialect compiled to wasm).
//
// Built by `node scripts/engine/buildWasm.js` into src/engine/wasmBinaries.ts (base64), twice:
//   gemm-simd     WebAssembly SIMD (f32x4), multiply then add
//   gemm-relaxed  the same with relaxed-SIMD fused multiply-add (f32x4.relaxed_madd)
// The file ends in .as so the project's TypeScript check (which cannot type v128) skips it; the build
// script hands it to asc as a .ts file.
//
// Memory is imported and shared: JavaScript copies operands in, calls a kernel on a range of output
// rows/columns (one range per thread), and copies the result out. Nothing here allocates.
//
// Notation: C = op(A)·op(B), op(A) is m×k, op(B) is k×n, C is m×n, all row-major.
//   op(A)[i,p] = A[i,p] = a[i·k + p]   (transA = 0, A stored m×k)
//              = A[p,i] = a[p·m + i]   (transA = 1, A stored k×m)
//   op(B)[p,j] = B[p,j] = b[p·n + j]   (transB = 0, B stored k×n)
//              = B[j,p] = b[j·k + p]   (transB = 1, B stored n×k)

const MR: i32 = 4; // rows of C per micro-kernel tile
const NR: i32 = 8; // columns of C per micro-kernel tile (two f32x4)
const KC: i32 = 256; // depth of one packed block
const MC: i32 = 128; // rows of A per packed block
const NS: i32 = 32; // columns per accumulator strip in the sparse kernels (eight f32x4)
const KS: i32 = 256; // depth of one block in the sparse transposed kernel
const KB: i32 = 128; // depth of one L1-sized block of strips in the row-sparse kernel (32 × 128 floats = 16 KiB)
const RB: i32 = 128; // rows compressed at a time by the row-sparse kernel

// c + a·b, fused when relaxed SIMD is enabled at build time.
// @ts-ignore: decorator
@inline function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) {
    return f32x4.relaxed_madd(a, b, c);
  } else {
    return f32x4.add(f32x4.mul(a, b), c);
  }
}

// @ts-ignore: decorator
@inline function opA(transA: i32, a: usize, m: i32, k: i32, i: i32, p: i32): f32 {
  return transA ? load<f32>(a + (<usize>p * m + i) * 4) : load<f32>(a + (<usize>i * k + p) * 4);
}

// @ts-ignore: decorator
@inline function opB(transB: i32, b: usize, n: i32, k: i32, p: i32, j: i32): f32 {
  return transB ? load<f32>(b + (<usize>j * k + p) * 4) : load<f32>(b + (<usize>p * n + j) * 4);
}

/** Number of nonzero entries among len floats at ptr (NaN counts as nonzero). */
export function countNonzero(ptr: usize, len: i32): i32 {
  let acc = i32x4.splat(0);
  const zero = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= len; i += 4) acc = i32x4.sub(acc, f32x4.ne(v128.load(ptr + <usize>i * 4), zero));
  let s = i32x4.extract_lane(acc, 0) + i32x4.extract_lane(acc, 1) + i32x4.extract_lane(acc, 2) + i32x4.extract_lane(acc, 3);
  for (; i < len; i++) if (load<f32>(ptr + <usize>i * 4) != 0) s++;
  return s;
}

// Ap ← op(A)[ic … ic+mc, pc … pc+kc] as panels of MR rows: Ap[panel][p][r], zero-padded.
// With skip = 1 a panel keeps only the depths p where one of its MR rows is nonzero: its entries are
// packed one after another, Ai[panel][t] holds the byte offset p·NR·4 of the matching row of the B
// panel, and cnt[panel] the number of entries (MNIST rows are mostly zeros in the same places).
function packASkip(transA: i32, a: usize, m: i32, k: i32, pc: i32, kc: i32, ic: i32, mc: i32, Ap: usize, Ai: usize, cnt: usize): void {
  const zero = f32x4.splat(0);
  for (let ir = 0; ir < mc; ir += MR) {
    const panel = ir / MR;
    const dst = Ap + <usize>ir * kc * 4;
    const idx = Ai + <usize>panel * kc * 4;
    const rows = min(MR, mc - ir);
    const i = ic + ir;
    let t = 0;
    if (rows == MR && !transA) {
      // Four rows of A side by side: test four depths at once (MNIST borders are zero in every image).
      const r0 = a + (<usize>i * k + pc) * 4;
      const r1 = r0 + <usize>k * 4;
      const r2 = r1 + <usize>k * 4;
      const r3 = r2 + <usize>k * 4;
      let p = 0;
      for (; p + 4 <= kc; p += 4) {
        const o = <usize>p * 4;
        const q0 = v128.load(r0 + o), q1 = v128.load(r1 + o), q2 = v128.load(r2 + o), q3 = v128.load(r3 + o);
        if (!v128.any_true(f32x4.ne(v128.or(v128.or(q0, q1), v128.or(q2, q3)), zero))) continue;
        // 4×4 transpose: column c of (q0; q1; q2; q3) is depth p + c across the four rows
        const t0 = v128.shuffle<f32>(q0, q1, 0, 4, 1, 5), t1 = v128.shuffle<f32>(q2, q3, 0, 4, 1, 5);
        const t2 = v128.shuffle<f32>(q0, q1, 2, 6, 3, 7), t3 = v128.shuffle<f32>(q2, q3, 2, 6, 3, 7);
        const d0 = v128.shuffle<f32>(t0, t1, 0, 1, 4, 5), d1 = v128.shuffle<f32>(t0, t1, 2, 3, 6, 7);
        const d2 = v128.shuffle<f32>(t2, t3, 0, 1, 4, 5), d3 = v128.shuffle<f32>(t2, t3, 2, 3, 6, 7);
        if (v128.any_true(f32x4.ne(d0, zero))) { v128.store(dst + <usize>t * 16, d0); store<u32>(idx + <usize>t * 4, <u32>p * NR * 4); t++; }
        if (v128.any_true(f32x4.ne(d1, zero))) { v128.store(dst + <usize>t * 16, d1); store<u32>(idx + <usize>t * 4, <u32>(p + 1) * NR * 4); t++; }
        if (v128.any_true(f32x4.ne(d2, zero))) { v128.store(dst + <usize>t * 16, d2); store<u32>(idx + <usize>t * 4, <u32>(p + 2) * NR * 4); t++; }
        if (v128.any_true(f32x4.ne(d3, zero))) { v128.store(dst + <usize>t * 16, d3); store<u32>(idx + <usize>t * 4, <u32>(p + 3) * NR * 4); t++; }
      }
      for (; p < kc; p++) {
        const o = <usize>p * 4;
        const v = f32x4.replace_lane(f32x4.replace_lane(f32x4.replace_lane(f32x4.splat(load<f32>(r0 + o)), 1, load<f32>(r1 + o)), 2, load<f32>(r2 + o)), 3, load<f32>(r3 + o));
        if (v128.any_true(f32x4.ne(v, zero))) { v128.store(dst + <usize>t * 16, v); store<u32>(idx + <usize>t * 4, <u32>p * NR * 4); t++; }
      }
      store<i32>(cnt + <usize>panel * 4, t);
      continue;
    }
    for (let p = 0; p < kc; p++) {
      let v: v128;
      if (rows == MR && transA) {
        v = v128.load(a + (<usize>(pc + p) * m + i) * 4);
      } else {
        v = f32x4.splat(0);
        const x0 = opA(transA, a, m, k, i, pc + p);
        const x1 = rows > 1 ? opA(transA, a, m, k, i + 1, pc + p) : <f32>0;
        const x2 = rows > 2 ? opA(transA, a, m, k, i + 2, pc + p) : <f32>0;
        const x3 = rows > 3 ? opA(transA, a, m, k, i + 3, pc + p) : <f32>0;
        v = f32x4.replace_lane(f32x4.replace_lane(f32x4.replace_lane(f32x4.splat(x0), 1, x1), 2, x2), 3, x3);
      }
      if (v128.any_true(f32x4.ne(v, zero))) {
        v128.store(dst + <usize>t * 16, v);
        store<u32>(idx + <usize>t * 4, <u32>p * NR * 4);
        t++;
      }
    }
    store<i32>(cnt + <usize>panel * 4, t);
  }
}

function packA(transA: i32, a: usize, m: i32, k: i32, pc: i32, kc: i32, ic: i32, mc: i32, Ap: usize): void {
  for (let ir = 0; ir < mc; ir += MR) {
    const dst = Ap + <usize>ir * kc * 4;
    const rows = min(MR, mc - ir);
    const i = ic + ir;
    if (rows == MR && transA) {
      for (let p = 0; p < kc; p++) v128.store(dst + <usize>p * 16, v128.load(a + (<usize>(pc + p) * m + i) * 4));
    } else if (rows == MR) {
      const r0 = a + (<usize>i * k + pc) * 4;
      const r1 = r0 + <usize>k * 4;
      const r2 = r1 + <usize>k * 4;
      const r3 = r2 + <usize>k * 4;
      for (let p = 0; p < kc; p++) {
        const d = dst + <usize>p * 16;
        const o = <usize>p * 4;
        store<f32>(d, load<f32>(r0 + o));
        store<f32>(d, load<f32>(r1 + o), 4);
        store<f32>(d, load<f32>(r2 + o), 8);
        store<f32>(d, load<f32>(r3 + o), 12);
      }
    } else {
      for (let p = 0; p < kc; p++) {
        for (let r = 0; r < MR; r++) {
          store<f32>(dst + (<usize>p * MR + r) * 4, r < rows ? opA(transA, a, m, k, i + r, pc + p) : 0);
        }
      }
    }
  }
}

// Bp ← op(B)[pc … pc+kc, jc … jc+nc] as panels of NR columns: Bp[panel][p][c], zero-padded.
function packB(transB: i32, b: usize, n: i32, k: i32, pc: i32, kc: i32, jc: i32, nc: i32, Bp: usize): void {
  for (let jr = 0; jr < nc; jr += NR) {
    const dst = Bp + <usize>jr * kc * 4;
    const cols = min(NR, nc - jr);
    const j = jc + jr;
    if (cols == NR && !transB) {
      for (let p = 0; p < kc; p++) {
        const src = b + (<usize>(pc + p) * n + j) * 4;
        const d = dst + <usize>p * 32;
        v128.store(d, v128.load(src));
        v128.store(d, v128.load(src, 16), 16);
      }
    } else if (cols == NR) {
      // B stored n×k: eight rows of B, four depths at a time, two 4×4 transposes per step.
      const s0 = b + (<usize>j * k + pc) * 4;
      const ld = <usize>k * 4;
      let p = 0;
      for (; p + 4 <= kc; p += 4) {
        const o = s0 + <usize>p * 4;
        const q0 = v128.load(o), q1 = v128.load(o + ld), q2 = v128.load(o + 2 * ld), q3 = v128.load(o + 3 * ld);
        const q4 = v128.load(o + 4 * ld), q5 = v128.load(o + 5 * ld), q6 = v128.load(o + 6 * ld), q7 = v128.load(o + 7 * ld);
        const t0 = v128.shuffle<f32>(q0, q1, 0, 4, 1, 5), t1 = v128.shuffle<f32>(q2, q3, 0, 4, 1, 5);
        const t2 = v128.shuffle<f32>(q0, q1, 2, 6, 3, 7), t3 = v128.shuffle<f32>(q2, q3, 2, 6, 3, 7);
        const u0 = v128.shuffle<f32>(q4, q5, 0, 4, 1, 5), u1 = v128.shuffle<f32>(q6, q7, 0, 4, 1, 5);
        const u2 = v128.shuffle<f32>(q4, q5, 2, 6, 3, 7), u3 = v128.shuffle<f32>(q6, q7, 2, 6, 3, 7);
        const d = dst + <usize>p * 32;
        v128.store(d, v128.shuffle<f32>(t0, t1, 0, 1, 4, 5));
        v128.store(d, v128.shuffle<f32>(u0, u1, 0, 1, 4, 5), 16);
        v128.store(d, v128.shuffle<f32>(t0, t1, 2, 3, 6, 7), 32);
        v128.store(d, v128.shuffle<f32>(u0, u1, 2, 3, 6, 7), 48);
        v128.store(d, v128.shuffle<f32>(t2, t3, 0, 1, 4, 5), 64);
        v128.store(d, v128.shuffle<f32>(u2, u3, 0, 1, 4, 5), 80);
        v128.store(d, v128.shuffle<f32>(t2, t3, 2, 3, 6, 7), 96);
        v128.store(d, v128.shuffle<f32>(u2, u3, 2, 3, 6, 7), 112);
      }
      for (; p < kc; p++) {
        for (let c = 0; c < NR; c++) store<f32>(dst + (<usize>p * NR + c) * 4, load<f32>(s0 + <usize>c * ld + <usize>p * 4));
      }
    } else {
      for (let p = 0; p < kc; p++) {
        for (let c = 0; c < NR; c++) {
          store<f32>(dst + (<usize>p * NR + c) * 4, c < cols ? opB(transB, b, n, k, pc + p, j + c) : 0);
        }
      }
    }
  }
}

// @ts-ignore: decorator
@inline function storeRow(ptr: usize, x0: v128, x1: v128, accumulate: bool): void {
  if (accumulate) {
    v128.store(ptr, f32x4.add(v128.load(ptr), x0));
    v128.store(ptr, f32x4.add(v128.load(ptr, 16), x1), 16);
  } else {
    v128.store(ptr, x0);
    v128.store(ptr, x1, 16);
  }
}

// C[0…rows, 0…cols] (+)= Σ_p Ap[p][r]·Bp[p][c]: the 4×8 register tile, eight f32x4 accumulators.
function micro(kc: i32, Ap: usize, Bp: usize, c: usize, ldc: i32, rows: i32, cols: i32, accumulate: bool, tmp: usize): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(Bp);
    const b1 = v128.load(Bp, 16);
    let x = v128.load32_splat(Ap);
    c00 = madd(x, b0, c00);
    c01 = madd(x, b1, c01);
    x = v128.load32_splat(Ap, 4);
    c10 = madd(x, b0, c10);
    c11 = madd(x, b1, c11);
    x = v128.load32_splat(Ap, 8);
    c20 = madd(x, b0, c20);
    c21 = madd(x, b1, c21);
    x = v128.load32_splat(Ap, 12);
    c30 = madd(x, b0, c30);
    c31 = madd(x, b1, c31);
    Ap += 16;
    Bp += 32;
  }
  const ld = <usize>ldc * 4;
  if (rows == MR && cols == NR) {
    storeRow(c, c00, c01, accumulate);
    storeRow(c + ld, c10, c11, accumulate);
    storeRow(c + 2 * ld, c20, c21, accumulate);
    storeRow(c + 3 * ld, c30, c31, accumulate);
  } else {
    storeRow(tmp, c00, c01, false);
    storeRow(tmp + 32, c10, c11, false);
    storeRow(tmp + 64, c20, c21, false);
    storeRow(tmp + 96, c30, c31, false);
    for (let r = 0; r < rows; r++) {
      for (let q = 0; q < cols; q++) {
        const dst = c + <usize>r * ld + <usize>q * 4;
        const v = load<f32>(tmp + <usize>(r * NR + q) * 4);
        store<f32>(dst, accumulate ? load<f32>(dst) + v : v);
      }
    }
  }
}

// The same tile over only the cnt packed depths of a skipping panel (see packASkip).
function microSkip(cnt: i32, Ap: usize, Ai: usize, Bp: usize, c: usize, ldc: i32, rows: i32, cols: i32, accumulate: bool, tmp: usize): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  for (let t = 0; t < cnt; t++) {
    const bp = Bp + <usize>load<u32>(Ai + <usize>t * 4);
    const b0 = v128.load(bp);
    const b1 = v128.load(bp, 16);
    let x = v128.load32_splat(Ap);
    c00 = madd(x, b0, c00);
    c01 = madd(x, b1, c01);
    x = v128.load32_splat(Ap, 4);
    c10 = madd(x, b0, c10);
    c11 = madd(x, b1, c11);
    x = v128.load32_splat(Ap, 8);
    c20 = madd(x, b0, c20);
    c21 = madd(x, b1, c21);
    x = v128.load32_splat(Ap, 12);
    c30 = madd(x, b0, c30);
    c31 = madd(x, b1, c31);
    Ap += 16;
  }
  const ld = <usize>ldc * 4;
  if (rows == MR && cols == NR) {
    storeRow(c, c00, c01, accumulate);
    storeRow(c + ld, c10, c11, accumulate);
    storeRow(c + 2 * ld, c20, c21, accumulate);
    storeRow(c + 3 * ld, c30, c31, accumulate);
  } else {
    storeRow(tmp, c00, c01, false);
    storeRow(tmp + 32, c10, c11, false);
    storeRow(tmp + 64, c20, c21, false);
    storeRow(tmp + 96, c30, c31, false);
    for (let r = 0; r < rows; r++) {
      for (let q = 0; q < cols; q++) {
        const dst = c + <usize>r * ld + <usize>q * 4;
        const v = load<f32>(tmp + <usize>(r * NR + q) * 4);
        store<f32>(dst, accumulate ? load<f32>(dst) + v : v);
      }
    }
  }
}

/** Bytes of scratch gemmDense needs for a block of nc columns. */
export function denseScratchBytes(nc: i32): i32 {
  return (KC * ((nc + NR - 1) / NR) * NR + MC * KC + MR * NR + (MC / MR) * KC + MC / MR) * 4 + 128;
}

/**
 * Dense packed product on one block of C:  C[i0…i1, j0…j1] = op(A)[i0…i1, :]·op(B)[:, j0…j1].
 * Goto-style blocking: KC-deep panels of B (NR wide) and A (MR tall), 4×8 micro-kernel.
 * skip = 1 drops the depths where a whole A panel is zero (for mostly-zero A such as MNIST pixels).
 */
export function gemmDense(transA: i32, transB: i32, m: i32, n: i32, k: i32, a: usize, b: usize, c: usize,
                          i0: i32, i1: i32, j0: i32, j1: i32, scratch: usize, skip: i32): void {
  const nc = j1 - j0;
  if (i1 <= i0 || nc <= 0) return;
  if (k == 0) {
    for (let i = i0; i < i1; i++) memory.fill(c + (<usize>i * n + j0) * 4, 0, <usize>nc * 4);
    return;
  }
  const Bp = (scratch + 15) & ~15;
  const Ap = Bp + <usize>KC * ((nc + NR - 1) / NR) * NR * 4;
  const tmp = Ap + <usize>MC * KC * 4;
  const Ai = tmp + <usize>MR * NR * 4;
  const cnt = Ai + <usize>(MC / MR) * KC * 4;
  for (let pc = 0; pc < k; pc += KC) {
    const kc = min(KC, k - pc);
    packB(transB, b, n, k, pc, kc, j0, nc, Bp);
    for (let ic = i0; ic < i1; ic += MC) {
      const mc = min(MC, i1 - ic);
      if (skip) packASkip(transA, a, m, k, pc, kc, ic, mc, Ap, Ai, cnt);
      else packA(transA, a, m, k, pc, kc, ic, mc, Ap);
      for (let jr = 0; jr < nc; jr += NR) {
        const bp = Bp + <usize>jr * kc * 4;
        const cols = min(NR, nc - jr);
        for (let ir = 0; ir < mc; ir += MR) {
          const cp = c + (<usize>(ic + ir) * n + j0 + jr) * 4;
          if (skip) {
            const panel = ir / MR;
            microSkip(load<i32>(cnt + <usize>panel * 4), Ap + <usize>ir * kc * 4, Ai + <usize>panel * kc * 4, bp, cp, n, min(MR, mc - ir), cols, pc > 0, tmp);
          } else {
            micro(kc, Ap + <usize>ir * kc * 4, bp, cp, n, min(MR, mc - ir), cols, pc > 0, tmp);
          }
        }
      }
    }
  }
}

// Bs ← op(B)[pc … pc+kc, jb … jb+np] in strips of NS columns: strip s is a contiguous kc×NS block
// (Bs[s][p][0…NS]), so the rows a sparse row touches sit next to each other in cache (rows of the
// full width would be 1 KiB apart and fight over the same cache sets). Zero-padded to np columns.
function packStrips(transB: i32, b: usize, n: i32, k: i32, pc: i32, kc: i32, jb: i32, np: i32, Bs: usize): void {
  const stripBytes = <usize>kc * NS * 4;
  if (!transB) {
    for (let p = 0; p < kc; p++) {
      const src = b + <usize>(pc + p) * n * 4;
      for (let j0 = 0; j0 < np; j0 += NS) {
        const dst = Bs + <usize>(j0 / NS) * stripBytes + <usize>p * NS * 4;
        const w = min(NS, max(0, n - jb - j0));
        if (w > 0) memory.copy(dst, src + <usize>(jb + j0) * 4, <usize>w * 4);
        if (w < NS) memory.fill(dst + <usize>w * 4, 0, <usize>(NS - w) * 4);
      }
    }
  } else {
    // B stored n×k: four rows of B (four columns of a strip) at a time, four depths per 4×4 transpose.
    const ld = <usize>k * 4;
    const row = <usize>NS * 4;
    for (let j0 = 0; j0 < np; j0 += NS) {
      const strip = Bs + <usize>(j0 / NS) * stripBytes;
      for (let g = 0; g < NS; g += 4) {
        const j = jb + j0 + g;
        const dst = strip + <usize>g * 4;
        if (j + 4 <= n) {
          const s0 = b + (<usize>j * k + pc) * 4;
          let p = 0;
          for (; p + 4 <= kc; p += 4) {
            const o = s0 + <usize>p * 4;
            const q0 = v128.load(o), q1 = v128.load(o + ld), q2 = v128.load(o + 2 * ld), q3 = v128.load(o + 3 * ld);
            const t0 = v128.shuffle<f32>(q0, q1, 0, 4, 1, 5), t1 = v128.shuffle<f32>(q2, q3, 0, 4, 1, 5);
            const t2 = v128.shuffle<f32>(q0, q1, 2, 6, 3, 7), t3 = v128.shuffle<f32>(q2, q3, 2, 6, 3, 7);
            const d = dst + <usize>p * row;
            v128.store(d, v128.shuffle<f32>(t0, t1, 0, 1, 4, 5));
            v128.store(d + row, v128.shuffle<f32>(t0, t1, 2, 3, 6, 7));
            v128.store(d + 2 * row, v128.shuffle<f32>(t2, t3, 0, 1, 4, 5));
            v128.store(d + 3 * row, v128.shuffle<f32>(t2, t3, 2, 3, 6, 7));
          }
          for (; p < kc; p++) {
            for (let r = 0; r < 4; r++) store<f32>(dst + <usize>p * row + <usize>r * 4, load<f32>(s0 + <usize>r * ld + <usize>p * 4));
          }
        } else {
          for (let p = 0; p < kc; p++) {
            for (let r = 0; r < 4; r++) {
              store<f32>(dst + <usize>p * row + <usize>r * 4, j + r < n ? load<f32>(b + (<usize>(j + r) * k + pc + p) * 4) : <f32>0);
            }
          }
        }
      }
    }
  }
}

// C[i, j0 … j0+w] ← f(rows[r][0 … w]) for i = i0 … i0+cnt (rows: cnt×np), or C[j, i] when the caller
// wants the transpose (C stored n×m, written with 4×4 SIMD transposes). f is the weight-gradient
// finish of scaleAdd, f(v) = s·v + α·W (W laid out like C; wptr = 0: f(v) = s·v, and s = 1 copies).
function writeRows(c: usize, rows: usize, np: i32, i0: i32, cnt: i32, j0: i32, w: i32, m: i32, n: i32, transC: i32,
                   s: f32, alpha: f32, wptr: usize): void {
  if (!transC) {
    for (let r = 0; r < cnt; r++) {
      const o = (<usize>(i0 + r) * n + j0) * 4;
      memory.copy(c + o, rows + <usize>r * np * 4, <usize>w * 4);
      if (s != 1 || wptr) scaleAdd(c + o, w, s, wptr ? alpha : 0, wptr + o); // the row is still in L1
    }
  } else {
    const o = (<usize>j0 * m + i0) * 4;
    transposeBlock(rows, cnt, w, np, c + o, m, s, alpha, wptr ? wptr + o : 0);
  }
}

// Byte shuffles that move the lanes of a 4-float group whose bit is set in a 4-bit mask to the front,
// in order (entry mask·16 … mask·16 + 15): compacting a group's nonzeros is one swizzle.
const COMPACT: usize = memory.data<u8>([0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 4, 5, 6, 7, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 4, 5, 6, 7, 0, 1, 2, 3, 0, 1, 2, 3, 8, 9, 10, 11, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 8, 9, 10, 11, 0, 1, 2, 3, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0, 1, 2, 3, 12, 13, 14, 15, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 12, 13, 14, 15, 0, 1, 2, 3, 0, 1, 2, 3, 4, 5, 6, 7, 12, 13, 14, 15, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 4, 5, 6, 7, 12, 13, 14, 15, 0, 1, 2, 3, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15], 16);

// Appends the nonzeros of row ai in depths p0 … p1 to the lists (off[t] = p·NS·4, val[t] = the
// value), starting at entry t; returns the new count. Four depths at a time: the group's nonzero lanes
// are moved to the front with one swizzle and stored as whole vectors, and the count moves past them
// (no branch per pixel: those are mispredicted too often). The stores reach up to 3 entries past the
// new count, which the lists have room for (sparseScratchBytes).
function compressRow(ai: usize, p0: i32, p1: i32, off: usize, val: usize, t: i32): i32 {
  const zero = f32x4.splat(0);
  const step = i32x4(0, NS * 4, 2 * NS * 4, 3 * NS * 4);
  let p = p0;
  for (; p + 4 <= p1; p += 4) {
    const v4 = v128.load(ai + <usize>p * 4);
    const mask = i32x4.bitmask(f32x4.ne(v4, zero));
    if (mask == 0) continue;
    const shuffle = v128.load(COMPACT + (<usize>mask << 4));
    v128.store(off + <usize>t * 4, v128.swizzle(i32x4.add(i32x4.splat(p * NS * 4), step), shuffle));
    v128.store(val + <usize>t * 4, v128.swizzle(v4, shuffle));
    t += <i32>popcnt(mask);
  }
  for (; p < p1; p++) {
    const v = load<f32>(ai + <usize>p * 4);
    if (v != 0) {
      store<u32>(off + <usize>t * 4, <u32>p * NS * 4);
      store<f32>(val + <usize>t * 4, v);
      t++;
    }
  }
  return t;
}

// out[0…NS] += Σ_{t = lo … hi} val[t]·strip[p_t, 0…NS]  (one strip of one row, eight f32x4 in registers).
// Called from two places, so binaryen keeps it a function of its own: inlined into gemmSparse, V8 keeps
// fewer of the accumulators in registers and the loop runs ~1.6× slower.
function sparseStrip(lo: i32, hi: i32, off: usize, val: usize, strip: usize, out: usize): void {
  let y0 = v128.load(out), y1 = v128.load(out, 16), y2 = v128.load(out, 32), y3 = v128.load(out, 48);
  let y4 = v128.load(out, 64), y5 = v128.load(out, 80), y6 = v128.load(out, 96), y7 = v128.load(out, 112);
  for (let t = lo; t < hi; t++) {
    const s = v128.load32_splat(val + <usize>t * 4);
    const r = strip + <usize>load<u32>(off + <usize>t * 4);
    y0 = madd(s, v128.load(r), y0);
    y1 = madd(s, v128.load(r, 16), y1);
    y2 = madd(s, v128.load(r, 32), y2);
    y3 = madd(s, v128.load(r, 48), y3);
    y4 = madd(s, v128.load(r, 64), y4);
    y5 = madd(s, v128.load(r, 80), y5);
    y6 = madd(s, v128.load(r, 96), y6);
    y7 = madd(s, v128.load(r, 112), y7);
  }
  v128.store(out, y0); v128.store(out, y1, 16); v128.store(out, y2, 32); v128.store(out, y3, 48);
  v128.store(out, y4, 64); v128.store(out, y5, 80); v128.store(out, y6, 96); v128.store(out, y7, 112);
}

/** Bytes of scratch gemmSparse needs for a block of `rows` rows and n columns. */
export function sparseScratchBytes(transA: i32, m: i32, n: i32, k: i32, rows: i32): i32 {
  const np = (n + NS - 1) / NS * NS;
  if (!transA) return (k * np + RB * np + RB * ((k + KB - 1) / KB + 1) + 2 * (RB * k + 4)) * 4 + 128;
  return (KS * np + rows * np + rows + rows * KS + 2 * (rows * KS + 4)) * 4 + 128;
}

/**
 * Product with a sparse left factor (most of op(A) is zero, e.g. MNIST pixels): the block rows i0…i1,
 * columns j0…j1 of C = op(A)·op(B), skipping the zeros of op(A) (transA = 1 takes whole rows: j0 = 0,
 * j1 = n). Threads split the columns, so each packs only its own part of op(B). The result goes
 * through the weight-gradient finish as it is written: C = s·(op(A)·op(B)) + α·W (W laid out like C;
 * wptr = 0 leaves out the α·W term, s = 1 and wptr = 0 write the product itself). Each nonzero op(A)[i,p] adds op(A)[i,p]·op(B)[p,:]
 * to row i of C, NS columns at a time in registers. With transC = 1 the m×n result is written
 * transposed (C stored n×m), which lets the caller use this kernel when op(B) is the sparse one:
 * (op(A)·op(B))ᵀ = op(B)ᵀ·op(A)ᵀ.
 */
export function gemmSparse(transA: i32, transB: i32, m: i32, n: i32, k: i32, a: usize, b: usize, c: usize,
                           i0: i32, i1: i32, j0: i32, j1: i32, transC: i32, s: f32, alpha: f32, wptr: usize, scratch: usize): void {
  if (i1 <= i0 || j1 <= j0) return;
  const w = j1 - j0;
  const np = (w + NS - 1) / NS * NS;
  const base = (scratch + 15) & ~15;
  if (!transA) {
    // Rows of op(A) are rows of A. For a chunk of RB rows: compress each row into its list of nonzeros
    // (sorted by depth p), then sweep depth blocks of KB rows of the strips (32 columns × KB depths,
    // small enough to stay in the L1 cache while every row of the chunk uses it).
    const nb = (k + KB - 1) / KB;
    const Bp = base;
    const acc = Bp + <usize>k * np * 4;
    const start = acc + <usize>RB * np * 4;
    const off = (start + <usize>RB * (nb + 1) * 4 + 15) & ~15;
    const val = off + (<usize>RB * k + 4) * 4; // 4 entries of room past each list (compressRow)
    packStrips(transB, b, n, k, 0, k, j0, np, Bp);
    const stripBytes = <usize>k * NS * 4;
    for (let c0 = i0; c0 < i1; c0 += RB) {
      const rows = min(RB, i1 - c0);
      let t = 0;
      for (let r = 0; r < rows; r++) {
        const ai = a + <usize>(c0 + r) * k * 4;
        for (let blk = 0; blk < nb; blk++) {
          store<i32>(start + <usize>(r * (nb + 1) + blk) * 4, t);
          t = compressRow(ai, blk * KB, min(k, blk * KB + KB), off, val, t);
        }
        store<i32>(start + <usize>(r * (nb + 1) + nb) * 4, t);
      }
      memory.fill(acc, 0, <usize>rows * np * 4);
      for (let blk = 0; blk < nb; blk++) {
        for (let jc = 0; jc < np; jc += NS) {
          const strip = Bp + <usize>(jc / NS) * stripBytes;
          for (let r = 0; r < rows; r++) {
            const sp = start + <usize>(r * (nb + 1) + blk) * 4;
            const lo = load<i32>(sp), hi = load<i32>(sp, 4);
            if (hi > lo) sparseStrip(lo, hi, off, val, strip, acc + (<usize>r * np + jc) * 4);
          }
        }
      }
      writeRows(c, acc, np, c0, rows, j0, w, m, n, transC, s, alpha, wptr);
    }
  } else {
    // Rows of op(A) are columns of A (A stored k×m): walk A in KS-deep slabs of whole rows. Each slab
    // is transposed (SIMD, into the scratch) so that output row i's entries A[p,i] lie side by side,
    // compressed into i's list of nonzeros as in the row case, and their contributions added.
    const rows = i1 - i0;
    const Bp = base;
    const acc = Bp + <usize>KS * np * 4;
    const cnt = acc + <usize>rows * np * 4;
    const at = (cnt + <usize>rows * 4 + 15) & ~15; // the slab transposed: rows × ks
    const off = at + <usize>rows * KS * 4;
    const val = off + (<usize>rows * KS + 4) * 4; // 4 entries of room past the lists (compressRow)
    memory.fill(acc, 0, <usize>rows * np * 4);
    for (let pc = 0; pc < k; pc += KS) {
      const ks = min(KS, k - pc);
      packStrips(transB, b, n, k, pc, ks, j0, np, Bp);
      transposeBlock(a + (<usize>pc * m + i0) * 4, ks, rows, m, at, ks, 1, 0, 0);
      for (let r = 0; r < rows; r++) {
        // in order: the stores past a row's count land in entries never read, or in the next row's list before it is written
        store<i32>(cnt + <usize>r * 4, compressRow(at + <usize>r * ks * 4, 0, ks, off + <usize>r * KS * 4, val + <usize>r * KS * 4, 0));
      }
      for (let r = 0; r < rows; r++) {
        const t = load<i32>(cnt + <usize>r * 4);
        if (t == 0) continue;
        for (let jc = 0; jc < np; jc += NS) {
          sparseStrip(0, t, off + <usize>r * KS * 4, val + <usize>r * KS * 4, Bp + <usize>(jc / NS) * ks * NS * 4, acc + (<usize>r * np + jc) * 4);
        }
      }
    }
    writeRows(c, acc, np, i0, rows, j0, w, m, n, transC, s, alpha, wptr);
  }
}

/** dst (cols×rows) ← srcᵀ, src rows×cols; in blocks of 16×16 for the cache, 4×4 SIMD transposes inside. */
export function transpose(src: usize, rows: i32, cols: i32, dst: usize): void {
  transposeBlock(src, rows, cols, cols, dst, rows, 1, 0, 0);
}

// dst[j·ldd + i] ← s·src[i·lds + j] (+ α·W[j·ldd + i] when wdst ≠ 0; W laid out like dst, wdst the
// address matching dst) for i < rows, j < cols (leading dimensions in floats): a block of a matrix
// written transposed into a block of another, scaled as scaleAdd does (s = 1, wdst = 0: a plain copy).
function transposeBlock(src: usize, rows: i32, cols: i32, lds: i32, dst: usize, ldd: i32, s: f32, alpha: f32, wdst: usize): void {
  const ls = <usize>lds * 4, ld = <usize>ldd * 4;
  const vs = f32x4.splat(s), va = f32x4.splat(alpha);
  for (let i0 = 0; i0 < rows; i0 += 16) {
    const i1 = min(rows, i0 + 16);
    for (let j0 = 0; j0 < cols; j0 += 16) {
      const j1 = min(cols, j0 + 16);
      let i = i0;
      for (; i + 4 <= i1; i += 4) {
        let j = j0;
        for (; j + 4 <= j1; j += 4) {
          const p = src + (<usize>i * lds + j) * 4;
          const q0 = v128.load(p), q1 = v128.load(p + ls), q2 = v128.load(p + 2 * ls), q3 = v128.load(p + 3 * ls);
          const t0 = v128.shuffle<f32>(q0, q1, 0, 4, 1, 5), t1 = v128.shuffle<f32>(q2, q3, 0, 4, 1, 5);
          const t2 = v128.shuffle<f32>(q0, q1, 2, 6, 3, 7), t3 = v128.shuffle<f32>(q2, q3, 2, 6, 3, 7);
          const od = (<usize>j * ldd + i) * 4;
          let d0 = v128.shuffle<f32>(t0, t1, 0, 1, 4, 5), d1 = v128.shuffle<f32>(t0, t1, 2, 3, 6, 7);
          let d2 = v128.shuffle<f32>(t2, t3, 0, 1, 4, 5), d3 = v128.shuffle<f32>(t2, t3, 2, 3, 6, 7);
          if (wdst) {
            d0 = f32x4.add(f32x4.mul(vs, d0), f32x4.mul(va, v128.load(wdst + od)));
            d1 = f32x4.add(f32x4.mul(vs, d1), f32x4.mul(va, v128.load(wdst + od + ld)));
            d2 = f32x4.add(f32x4.mul(vs, d2), f32x4.mul(va, v128.load(wdst + od + 2 * ld)));
            d3 = f32x4.add(f32x4.mul(vs, d3), f32x4.mul(va, v128.load(wdst + od + 3 * ld)));
          } else if (s != 1) {
            d0 = f32x4.mul(vs, d0); d1 = f32x4.mul(vs, d1); d2 = f32x4.mul(vs, d2); d3 = f32x4.mul(vs, d3);
          }
          v128.store(dst + od, d0);
          v128.store(dst + od + ld, d1);
          v128.store(dst + od + 2 * ld, d2);
          v128.store(dst + od + 3 * ld, d3);
        }
        for (; j < j1; j++) {
          for (let r = i; r < i + 4; r++) transposeOne(src, lds, dst, ldd, r, j, s, alpha, wdst);
        }
      }
      for (; i < i1; i++) {
        for (let j = j0; j < j1; j++) transposeOne(src, lds, dst, ldd, i, j, s, alpha, wdst);
      }
    }
  }
}

// @ts-ignore: decorator
@inline function transposeOne(src: usize, lds: i32, dst: usize, ldd: i32, i: i32, j: i32, s: f32, alpha: f32, wdst: usize): void {
  const od = (<usize>j * ldd + i) * 4;
  const v = load<f32>(src + (<usize>i * lds + j) * 4);
  store<f32>(dst + od, wdst ? s * v + alpha * load<f32>(wdst + od) : s == 1 ? v : s * v);
}

/**
 * Epilogue of a layer's forward product, in place on C (m×n):  C[i,j] = f(C[i,j] + b[j]),
 * f = ReLU when relu = 1, the identity otherwise; b is skipped when bias = 0 (null).
 */
export function biasActivation(c: usize, m: i32, n: i32, bias: usize, relu: i32): void {
  const zero = f32x4.splat(0);
  for (let i = 0; i < m; i++) {
    const row = c + <usize>i * n * 4;
    let j = 0;
    for (; j + 4 <= n; j += 4) {
      let v = v128.load(row + <usize>j * 4);
      if (bias) v = f32x4.add(v, v128.load(bias + <usize>j * 4));
      if (relu) v = f32x4.max(v, zero);
      v128.store(row + <usize>j * 4, v);
    }
    for (; j < n; j++) {
      let v = load<f32>(row + <usize>j * 4);
      if (bias) v += load<f32>(bias + <usize>j * 4);
      if (relu && v < 0) v = 0;
      store<f32>(row + <usize>j * 4, v);
    }
  }
}

/** Backprop through ReLU, in place on C (len numbers):  C[i] = A[i] > 0 ? C[i] : 0  (A = relu(Z), so A > 0 ⇔ Z > 0). */
export function reluMask(c: usize, len: i32, a: usize): void {
  const zero = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= len; i += 4) {
    const o = <usize>i * 4;
    v128.store(c + o, v128.and(v128.load(c + o), f32x4.gt(v128.load(a + o), zero)));
  }
  for (; i < len; i++) if (!(load<f32>(a + <usize>i * 4) > 0)) store<f32>(c + <usize>i * 4, 0);
}

/** Weight-gradient finish, in place on C (len numbers):  C[i] = s·C[i] + α·W[i]  (mean over the batch plus the L2 term; α = 0 reads no W). */
export function scaleAdd(c: usize, len: i32, s: f32, alpha: f32, w: usize): void {
  const vs = f32x4.splat(s);
  if (alpha == 0) {
    // no L2 term: W is not read (the caller need not copy it in)
    let i = 0;
    for (; i + 4 <= len; i += 4) v128.store(c + <usize>i * 4, f32x4.mul(vs, v128.load(c + <usize>i * 4)));
    for (; i < len; i++) store<f32>(c + <usize>i * 4, s * load<f32>(c + <usize>i * 4));
    return;
  }
  const va = f32x4.splat(alpha);
  let i = 0;
  for (; i + 4 <= len; i += 4) {
    const o = <usize>i * 4;
    v128.store(c + o, f32x4.add(f32x4.mul(vs, v128.load(c + o)), f32x4.mul(va, v128.load(w + o))));
  }
  for (; i < len; i++) store<f32>(c + <usize>i * 4, s * load<f32>(c + <usize>i * 4) + alpha * load<f32>(w + <usize>i * 4));
}

// The byte offsets o (multiples of 16, o < 4·len4) of the 4-float groups of row[0 … len4) that hold a
// nonzero, written to list; returns their count. (NaN counts as nonzero.)
function nonzeroQuads(row: usize, len4: i32, list: usize): i32 {
  const zero = f32x4.splat(0);
  let t = 0;
  for (let p = 0; p < len4; p += 4) {
    const o = <usize>p * 4;
    if (v128.any_true(f32x4.ne(v128.load(row + o), zero))) {
      store<u32>(list + <usize>t * 4, <u32>o);
      t++;
    }
  }
  return t;
}

/**
 * Small products straight on the stored layouts, no packing (for mini-batch steps, where packing and
 * planning would cost more than the arithmetic):  C (m×n) = op(A)·op(B).
 *   NT (transB = 1):  C[i,j] = Σ_p A[i,p]·B[j,p]     dot products of rows, four rows of B at a time,
 *                     over the 4-float groups of row i of A that are not all zero
 *   NN / TN:          C[i,:] = Σ_p op(A)[i,p]·B[p,:]  a scaled row of B added per term (axpy), over the
 *                     4-float groups of row p of B that are not all zero
 * Skipping all-zero groups of the data factor (MNIST rows are ~80 % zeros) leaves out only terms
 * 0·x, as the zero-skipping packed kernels do. scratch: room for max(k, n) / 4 + 1 offsets and, for NT,
 * a row of k zeros (it pads the last group of four columns).
 * (transA = 1 with transB = 1 is not used by Descent; it falls back to the element formula.)
 */
export function gemmSmall(transA: i32, transB: i32, m: i32, n: i32, k: i32, a: usize, b: usize, c: usize, scratch: usize): void {
  const list = (scratch + 15) & ~15;
  if (transB && !transA) {
    const k4 = k & ~3;
    // a row of k zeros stands in for the missing rows of B in the last group of four columns
    const zrow = (list + (<usize>max(k, n) / 4 + 2) * 4 + 15) & ~15;
    memory.fill(zrow, 0, <usize>k * 4);
    for (let i = 0; i < m; i++) {
      const ai = a + <usize>i * k * 4;
      const ci = c + <usize>i * n * 4;
      const cnt = nonzeroQuads(ai, k4, list);
      for (let j = 0; j < n; j += 4) {
        const b0 = b + <usize>j * k * 4;
        const b1 = j + 1 < n ? b0 + <usize>k * 4 : zrow;
        const b2 = j + 2 < n ? b0 + <usize>k * 8 : zrow;
        const b3 = j + 3 < n ? b0 + <usize>k * 12 : zrow;
        // two sets of sums (even and odd list entries) so the multiply-adds do not wait on each other
        let s0 = f32x4.splat(0), s1 = f32x4.splat(0), s2 = f32x4.splat(0), s3 = f32x4.splat(0);
        let u0 = f32x4.splat(0), u1 = f32x4.splat(0), u2 = f32x4.splat(0), u3 = f32x4.splat(0);
        let t = 0;
        for (; t + 2 <= cnt; t += 2) {
          const o = <usize>load<u32>(list + <usize>t * 4);
          const q = <usize>load<u32>(list + <usize>t * 4, 4);
          const x = v128.load(ai + o), y = v128.load(ai + q);
          s0 = madd(x, v128.load(b0 + o), s0);
          s1 = madd(x, v128.load(b1 + o), s1);
          s2 = madd(x, v128.load(b2 + o), s2);
          s3 = madd(x, v128.load(b3 + o), s3);
          u0 = madd(y, v128.load(b0 + q), u0);
          u1 = madd(y, v128.load(b1 + q), u1);
          u2 = madd(y, v128.load(b2 + q), u2);
          u3 = madd(y, v128.load(b3 + q), u3);
        }
        if (t < cnt) {
          const o = <usize>load<u32>(list + <usize>t * 4);
          const x = v128.load(ai + o);
          s0 = madd(x, v128.load(b0 + o), s0);
          s1 = madd(x, v128.load(b1 + o), s1);
          s2 = madd(x, v128.load(b2 + o), s2);
          s3 = madd(x, v128.load(b3 + o), s3);
        }
        s0 = f32x4.add(s0, u0);
        s1 = f32x4.add(s1, u1);
        s2 = f32x4.add(s2, u2);
        s3 = f32x4.add(s3, u3);
        let t0 = f32x4.extract_lane(s0, 0) + f32x4.extract_lane(s0, 1) + (f32x4.extract_lane(s0, 2) + f32x4.extract_lane(s0, 3));
        let t1 = f32x4.extract_lane(s1, 0) + f32x4.extract_lane(s1, 1) + (f32x4.extract_lane(s1, 2) + f32x4.extract_lane(s1, 3));
        let t2 = f32x4.extract_lane(s2, 0) + f32x4.extract_lane(s2, 1) + (f32x4.extract_lane(s2, 2) + f32x4.extract_lane(s2, 3));
        let t3 = f32x4.extract_lane(s3, 0) + f32x4.extract_lane(s3, 1) + (f32x4.extract_lane(s3, 2) + f32x4.extract_lane(s3, 3));
        for (let p = k4; p < k; p++) {
          const o = <usize>p * 4;
          const x = load<f32>(ai + o);
          t0 += x * load<f32>(b0 + o);
          t1 += x * load<f32>(b1 + o);
          t2 += x * load<f32>(b2 + o);
          t3 += x * load<f32>(b3 + o);
        }
        store<f32>(ci + <usize>j * 4, t0);
        if (j + 1 < n) store<f32>(ci + <usize>j * 4, t1, 4);
        if (j + 2 < n) store<f32>(ci + <usize>j * 4, t2, 8);
        if (j + 3 < n) store<f32>(ci + <usize>j * 4, t3, 12);
      }
    }
    return;
  }
  if (!transB) {
    const n4 = n & ~3;
    memory.fill(c, 0, <usize>m * n * 4);
    for (let p = 0; p < k; p++) {
      const bp = b + <usize>p * n * 4;
      const cnt = nonzeroQuads(bp, n4, list);
      for (let i = 0; i < m; i++) {
        const s = opA(transA, a, m, k, i, p);
        const vs = f32x4.splat(s);
        const ci = c + <usize>i * n * 4;
        let t = 0;
        for (; t + 2 <= cnt; t += 2) {
          const o = <usize>load<u32>(list + <usize>t * 4);
          const q = <usize>load<u32>(list + <usize>t * 4, 4);
          v128.store(ci + o, madd(vs, v128.load(bp + o), v128.load(ci + o)));
          v128.store(ci + q, madd(vs, v128.load(bp + q), v128.load(ci + q)));
        }
        if (t < cnt) {
          const o = <usize>load<u32>(list + <usize>t * 4);
          v128.store(ci + o, madd(vs, v128.load(bp + o), v128.load(ci + o)));
        }
        for (let j = n4; j < n; j++) {
          const o = <usize>j * 4;
          store<f32>(ci + o, load<f32>(ci + o) + s * load<f32>(bp + o));
        }
      }
    }
    return;
  }
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let t: f32 = 0;
      for (let p = 0; p < k; p++) t += opA(transA, a, m, k, i, p) * opB(transB, b, n, k, p, j);
      store<f32>(c + (<usize>i * n + j) * 4, t);
    }
  }
}

// C[i0 … i0+rows, j0 … j0+w] ← the tile x (rows×8 in registers, x[r] = (lo, hi)), only the first w ≤ 8
// columns (a partial tile goes through tmp).
// @ts-ignore: decorator
@inline function storeTileRow(c: usize, lo: v128, hi: v128, w: i32, tmp: usize): void {
  if (w >= 8) {
    v128.store(c, lo);
    v128.store(c, hi, 16);
  } else {
    v128.store(tmp, lo);
    v128.store(tmp, hi, 16);
    memory.copy(c, tmp, <usize>w * 4);
  }
}

// C (m×n, leading dimension n) = Â·B̂ with Â: m×k rows (leading dimension lda, readable for ⌈m/4⌉·4
// rows) and B̂: k×n rows (leading dimension ldb, readable for ⌈n/8⌉·8 columns). Tiles of 4 rows × 8
// columns of C stay in eight registers while p runs over the depth: per p, four numbers of Â
// (broadcast) and eight of B̂ make 32 multiply-adds. A last tile of at most 4 columns uses 4 × 4.
function narrowTiles(m: i32, n: i32, k: i32, a: usize, lda: i32, b: usize, ldb: i32, c: usize, tmp: usize): void {
  const la = <usize>lda * 4, lb = <usize>ldb * 4;
  const zero = f32x4.splat(0);
  for (let i = 0; i < m; i += 4) {
    const a0 = a + <usize>i * la, a1 = a0 + la, a2 = a1 + la, a3 = a2 + la;
    const rows = min(4, m - i);
    for (let j = 0; j < n; j += 8) {
      const w = min(8, n - j);
      let bp = b + <usize>j * 4;
      const ci = c + (<usize>i * n + j) * 4;
      if (w <= 4) {
        let x0 = zero, x1 = zero, x2 = zero, x3 = zero;
        for (let p = 0; p < k; p++) {
          const o = <usize>p * 4;
          const b0 = v128.load(bp);
          x0 = madd(v128.load32_splat(a0 + o), b0, x0);
          x1 = madd(v128.load32_splat(a1 + o), b0, x1);
          x2 = madd(v128.load32_splat(a2 + o), b0, x2);
          x3 = madd(v128.load32_splat(a3 + o), b0, x3);
          bp += lb;
        }
        storeTileRow(ci, x0, zero, w, tmp);
        if (rows > 1) storeTileRow(ci + <usize>n * 4, x1, zero, w, tmp);
        if (rows > 2) storeTileRow(ci + <usize>n * 8, x2, zero, w, tmp);
        if (rows > 3) storeTileRow(ci + <usize>n * 12, x3, zero, w, tmp);
        continue;
      }
      let x0 = zero, y0 = zero, x1 = zero, y1 = zero, x2 = zero, y2 = zero, x3 = zero, y3 = zero;
      for (let p = 0; p < k; p++) {
        const o = <usize>p * 4;
        const b0 = v128.load(bp), b1 = v128.load(bp, 16);
        let s = v128.load32_splat(a0 + o);
        x0 = madd(s, b0, x0); y0 = madd(s, b1, y0);
        s = v128.load32_splat(a1 + o);
        x1 = madd(s, b0, x1); y1 = madd(s, b1, y1);
        s = v128.load32_splat(a2 + o);
        x2 = madd(s, b0, x2); y2 = madd(s, b1, y2);
        s = v128.load32_splat(a3 + o);
        x3 = madd(s, b0, x3); y3 = madd(s, b1, y3);
        bp += lb;
      }
      storeTileRow(ci, x0, y0, w, tmp);
      if (rows > 1) storeTileRow(ci + <usize>n * 4, x1, y1, w, tmp);
      if (rows > 2) storeTileRow(ci + <usize>n * 8, x2, y2, w, tmp);
      if (rows > 3) storeTileRow(ci + <usize>n * 12, x3, y3, w, tmp);
    }
  }
}

/** Bytes of scratch gemmNarrow needs. */
export function narrowScratchBytes(m: i32, n: i32, k: i32): i32 {
  return (((m + 3) & ~3) * k + k * ((n + 7) & ~7) + 8) * 4 + 64;
}

/**
 * Products with a narrow side — few rows, columns or depths, such as a layer of 10 classes — where
 * packing the wide factor into panels costs more than the arithmetic:  C (m×n) = op(A)·op(B).
 * op(A) and op(B) are used where they lie when they are already row-major with whole tiles (A not
 * transposed with m a multiple of 4, B not transposed with n a multiple of 8); otherwise the factor
 * is copied (transposed, zero-padded) into the scratch first. (transA = transB = 1 is not used.)
 */
export function gemmNarrow(transA: i32, transB: i32, m: i32, n: i32, k: i32, a: usize, b: usize, c: usize, scratch: usize): void {
  const m4 = (m + 3) & ~3, n8 = (n + 7) & ~7;
  let sp = (scratch + 15) & ~15;
  let ah = a, bh = b, ldb = n;
  if (transA || m4 != m) {
    ah = sp;
    sp += <usize>m4 * k * 4;
    if (transA) transposeBlock(a, k, m, m, ah, k, 1, 0, 0); // A stored k×m
    else memory.copy(ah, a, <usize>m * k * 4);
    memory.fill(ah + <usize>m * k * 4, 0, <usize>(m4 - m) * k * 4);
  }
  if (transB || n8 != n) {
    bh = sp;
    sp += <usize>k * n8 * 4;
    ldb = n8;
    if (transB) transposeBlock(b, n, k, k, bh, n8, 1, 0, 0); // B stored n×k
    else for (let p = 0; p < k; p++) memory.copy(bh + <usize>p * n8 * 4, b + <usize>p * n * 4, <usize>n * 4);
    for (let p = 0; p < k; p++) memory.fill(bh + (<usize>p * n8 + n) * 4, 0, <usize>(n8 - n) * 4);
  }
  narrowTiles(m, n, k, ah, k, bh, ldb, c, sp);
}

/**
 * SGD on len floats in place:  θ[i] ← θ[i] − η·g[i], computed in f64 and rounded once to f32 — the
 * same numbers as the JavaScript loop `theta[i] -= eta * g[i]` on a Float32Array.
 */
export function sgdStep(theta: usize, g: usize, len: i32, eta: f64): void {
  const ve = f64x2.splat(eta);
  let i = 0;
  for (; i + 4 <= len; i += 4) {
    const o = <usize>i * 4;
    const t = v128.load(theta + o), d = v128.load(g + o);
    const lo = f64x2.sub(f64x2.promote_low_f32x4(t), f64x2.mul(ve, f64x2.promote_low_f32x4(d)));
    const hi = f64x2.sub(f64x2.promote_low_f32x4(v128.shuffle<f32>(t, t, 2, 3, 0, 1)), f64x2.mul(ve, f64x2.promote_low_f32x4(v128.shuffle<f32>(d, d, 2, 3, 0, 1))));
    v128.store(theta + o, v128.shuffle<f32>(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 1, 4, 5));
  }
  for (; i < len; i++) {
    const o = <usize>i * 4;
    store<f32>(theta + o, <f32>(<f64>load<f32>(theta + o) - eta * <f64>load<f32>(g + o)));
  }
}

/** ‖v‖² = Σ_i v[i]² over len floats, accumulated in f64 (four f64x2 sums, so as exact as a float64 loop). */
export function sumOfSquares(v: usize, len: i32): f64 {
  let s0 = f64x2.splat(0), s1 = f64x2.splat(0), s2 = f64x2.splat(0), s3 = f64x2.splat(0);
  let i = 0;
  for (; i + 8 <= len; i += 8) {
    // four independent sums, so the additions do not wait on each other
    const x = v128.load(v + <usize>i * 4), y = v128.load(v + <usize>i * 4, 16);
    const x0 = f64x2.promote_low_f32x4(x), x1 = f64x2.promote_low_f32x4(v128.shuffle<f32>(x, x, 2, 3, 0, 1));
    const y0 = f64x2.promote_low_f32x4(y), y1 = f64x2.promote_low_f32x4(v128.shuffle<f32>(y, y, 2, 3, 0, 1));
    s0 = f64x2.add(s0, f64x2.mul(x0, x0));
    s1 = f64x2.add(s1, f64x2.mul(x1, x1));
    s2 = f64x2.add(s2, f64x2.mul(y0, y0));
    s3 = f64x2.add(s3, f64x2.mul(y1, y1));
  }
  s0 = f64x2.add(s0, s2);
  s1 = f64x2.add(s1, s3);
  let s = (f64x2.extract_lane(s0, 0) + f64x2.extract_lane(s1, 0)) + (f64x2.extract_lane(s0, 1) + f64x2.extract_lane(s1, 1));
  for (; i < len; i++) {
    const x = <f64>load<f32>(v + <usize>i * 4);
    s += x * x;
  }
  return s;
}

/**
 * The bias gradient:  out[j] = s·Σ_i D[i,j]  (D: m×n, out: n floats), summed in f64 four columns at
 * a time (the same numbers as a float64 loop over the rows, rounded once to f32).
 */
export function columnSums(d: usize, m: i32, n: i32, s: f64, out: usize): void {
  let j = 0;
  for (; j + 4 <= n; j += 4) {
    let lo = f64x2.splat(0), hi = f64x2.splat(0);
    for (let i = 0; i < m; i++) {
      const v = v128.load(d + (<usize>i * n + j) * 4);
      lo = f64x2.add(lo, f64x2.promote_low_f32x4(v));
      hi = f64x2.add(hi, f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 0, 1)));
    }
    const o = out + <usize>j * 4;
    store<f32>(o, <f32>(s * f64x2.extract_lane(lo, 0)));
    store<f32>(o, <f32>(s * f64x2.extract_lane(lo, 1)), 4);
    store<f32>(o, <f32>(s * f64x2.extract_lane(hi, 0)), 8);
    store<f32>(o, <f32>(s * f64x2.extract_lane(hi, 1)), 12);
  }
  for (; j < n; j++) {
    let t: f64 = 0;
    for (let i = 0; i < m; i++) t += <f64>load<f32>(d + (<usize>i * n + j) * 4);
    store<f32>(out + <usize>j * 4, <f32>(s * t));
  }
}

/**
 * Softmax, cross-entropy and its gradient in one pass over the logits (as fusedSoftmax.ts does it in
 * JavaScript, in f64):  for each row i of Z (m×K) with label y_i (labels: m i32),
 *   M = max_k Z[i,k],  e_k = exp(Z[i,k] − M),  S = Σ_k e_k,  ℓ_i = M + ln S − Z[i, y_i],
 *   P[i,k] = e_k / S (p ≠ 0),   Δ[i,k] = s·(P[i,k] − [k = y_i]) (d ≠ 0).
 * Returns Σ_i ℓ_i. scratch: room for K f64.
 */
export function softmaxCrossEntropy(z: usize, m: i32, K: i32, labels: usize, p: usize, d: usize, s: f64, scratch: usize): f64 {
  const e = (scratch + 7) & ~7;
  let total: f64 = 0;
  for (let i = 0; i < m; i++) {
    const zi = z + <usize>i * K * 4;
    let M = <f64>load<f32>(zi);
    for (let k = 1; k < K; k++) {
      const v = <f64>load<f32>(zi + <usize>k * 4);
      if (v > M) M = v;
    }
    let S: f64 = 0;
    for (let k = 0; k < K; k++) {
      const v = Math.exp(<f64>load<f32>(zi + <usize>k * 4) - M);
      store<f64>(e + <usize>k * 8, v);
      S += v;
    }
    const yi = load<i32>(labels + <usize>i * 4);
    total += M + Math.log(S) - <f64>load<f32>(zi + <usize>yi * 4);
    if (p || d) {
      const inv = 1 / S;
      const o = <usize>i * K * 4;
      for (let k = 0; k < K; k++) {
        const pk = load<f64>(e + <usize>k * 8) * inv;
        if (p) store<f32>(p + o + <usize>k * 4, <f32>pk);
        if (d) store<f32>(d + o + <usize>k * 4, <f32>(s * (k == yi ? pk - 1 : pk)));
      }
    }
  }
  return total;
}

/**
 * Mini-batch gathering inside the wasm memory:  dst[r, :] = src[idx[r], :]  for r0 ≤ r < r1 (rows of
 * d floats; idx: i32 row numbers). The rows of a shuffled batch lie scattered over the data set, so the
 * time goes into waiting for main memory: one float of every 64-byte line of the rows is read first, a
 * line of each row in turn, so that the misses overlap; the copies then find the rows in the cache.
 * Returns the sum of the floats read ahead (only so that those reads are kept).
 */
export function gatherRows(src: usize, d: i32, idx: usize, r0: i32, r1: i32, dst: usize): f32 {
  let touched: f32 = 0;
  const rowBytes = <usize>d * 4;
  for (let p = 0; p < d; p += 16) {
    for (let r = r0; r < r1; r++) touched += load<f32>(src + <usize>load<i32>(idx + <usize>r * 4) * rowBytes + <usize>p * 4);
  }
  for (let r = r0; r < r1; r++) memory.copy(dst + <usize>r * rowBytes, src + <usize>load<i32>(idx + <usize>r * 4) * rowBytes, rowBytes);
  return touched;
}

/**
 * Byte pixels gathered and scaled:  dst[r, j] = f32(src[idx[r]·d + j]) / 255  for r0 ≤ r < r1, j < d
 * (src: rows of d bytes; dst: rows of d floats; idx: i32 row numbers). The float32 division is
 * correctly rounded, so each value is b/255 rounded to float32, as PixelMatrix holds it. The lines of the
 * rows are read ahead as in gatherRows. Returns the sum of the bytes read ahead (only so those reads stay).
 */
export function gatherBytes(src: usize, d: i32, idx: usize, r0: i32, r1: i32, dst: usize): i32 {
  let touched: i32 = 0;
  for (let p = 0; p < d; p += 64) {
    for (let r = r0; r < r1; r++) touched += <i32>load<u8>(src + <usize>load<i32>(idx + <usize>r * 4) * <usize>d + <usize>p);
  }
  const k = f32x4.splat(255);
  for (let r = r0; r < r1; r++) {
    const s = src + <usize>load<i32>(idx + <usize>r * 4) * <usize>d;
    const o = dst + <usize>r * <usize>d * 4;
    let j = 0;
    for (; j + 16 <= d; j += 16) {
      const v = v128.load(s + <usize>j);
      const lo = i16x8.extend_low_i8x16_u(v),
        hi = i16x8.extend_high_i8x16_u(v);
      const q = o + <usize>j * 4;
      v128.store(q, f32x4.div(f32x4.convert_i32x4_u(i32x4.extend_low_i16x8_u(lo)), k));
      v128.store(q + 16, f32x4.div(f32x4.convert_i32x4_u(i32x4.extend_high_i16x8_u(lo)), k));
      v128.store(q + 32, f32x4.div(f32x4.convert_i32x4_u(i32x4.extend_low_i16x8_u(hi)), k));
      v128.store(q + 48, f32x4.div(f32x4.convert_i32x4_u(i32x4.extend_high_i16x8_u(hi)), k));
    }
    for (; j < d; j++) store<f32>(o + <usize>j * 4, <f32>load<u8>(s + <usize>j) / <f32>255);
  }
  return touched;
}

// f32x4 dot product of n floats at a and b (unaligned loads), four vector sums, then the tail.
@inline function dotF32(a: usize, b: usize, n: i32): f32 {
  let s0 = f32x4.splat(0), s1 = f32x4.splat(0);
  let l = 0;
  for (; l + 8 <= n; l += 8) {
    const o = <usize>l * 4;
    s0 = madd(v128.load(a + o), v128.load(b + o), s0);
    s1 = madd(v128.load(a + o + 16), v128.load(b + o + 16), s1);
  }
  for (; l + 4 <= n; l += 4) s0 = madd(v128.load(a + <usize>l * 4), v128.load(b + <usize>l * 4), s0);
  const s = f32x4.add(s0, s1);
  let acc = f32x4.extract_lane(s, 0) + f32x4.extract_lane(s, 1) + (f32x4.extract_lane(s, 2) + f32x4.extract_lane(s, 3));
  for (; l < n; l++) acc += load<f32>(a + <usize>l * 4) * load<f32>(b + <usize>l * 4);
  return acc;
}

@inline function hsum4(s: v128): f32 {
  return f32x4.extract_lane(s, 0) + f32x4.extract_lane(s, 1) + (f32x4.extract_lane(s, 2) + f32x4.extract_lane(s, 3));
}

// a[0 … n) −= g·b[0 … n)  (f32, unaligned loads).
@inline function axpyF32(a: usize, b: usize, n: i32, g: f32): void {
  const vg = f32x4.splat(g);
  let l = 0;
  for (; l + 4 <= n; l += 4) {
    const o = <usize>l * 4;
    v128.store(a + o, f32x4.sub(v128.load(a + o), f32x4.mul(vg, v128.load(b + o))));
  }
  for (; l < n; l++) store<f32>(a + <usize>l * 4, load<f32>(a + <usize>l * 4) - g * load<f32>(b + <usize>l * 4));
}

/**
 * One per-example SGD step of the homework's ReLU network with bias units (src/chapters/biasUnitNetwork.ts,
 * biasUnitSgdStep), in place on V (nHid × (nIn+1)) and W (nOut × (nHid+1)), x: nIn floats, label y:
 *   z¹ = V[x; 1],  ā¹ = [relu(z¹); 1],  z² = W ā¹,  o = softmax(z²)  (f64),  δ² = o − e_y,
 *   δ¹ = [z¹ > 0] ⊙ (Wᵀδ²)[0 … nHid),  W ← W − γ δ² ā¹ᵀ,  V ← V − γ δ¹ [x; 1]ᵀ  (rows with δ¹_i = 0 skipped).
 * Rows of V go four at a time (each load of x serves four rows). Returns J = −ln o_y.
 * scratch: room for 4·(nHid+4) + 4 f32 / i32 and nOut f64, plus 64 bytes of alignment.
 */
export function biasUnitSgdStep(v: usize, w: usize, x: usize, nIn: i32, nHid: i32, nOut: i32, y: i32, gamma: f64, scratch: usize): f64 {
  const c = nIn + 1, cw = nHid + 1;
  const z1 = (scratch + 15) & ~15;
  const a1 = z1 + <usize>(nHid + 4) * 4;
  const d1 = a1 + <usize>(cw + 4) * 4;
  const o = (d1 + <usize>(nHid + 4) * 4 + 7) & ~7;
  const active = o + <usize>nOut * 8; // the rows of V with δ¹_i ≠ 0 (i32)
  const rowBytes = <usize>c * 4;
  let i = 0;
  for (; i + 4 <= nHid; i += 4) {
    const r0 = v + <usize>i * rowBytes, r1 = r0 + rowBytes, r2 = r1 + rowBytes, r3 = r2 + rowBytes;
    let s0 = f32x4.splat(0), s1 = f32x4.splat(0), s2 = f32x4.splat(0), s3 = f32x4.splat(0);
    let l = 0;
    for (; l + 4 <= nIn; l += 4) {
      const off = <usize>l * 4;
      const xv = v128.load(x + off);
      s0 = madd(v128.load(r0 + off), xv, s0);
      s1 = madd(v128.load(r1 + off), xv, s1);
      s2 = madd(v128.load(r2 + off), xv, s2);
      s3 = madd(v128.load(r3 + off), xv, s3);
    }
    let z0 = hsum4(s0), z1v = hsum4(s1), z2 = hsum4(s2), z3 = hsum4(s3);
    for (; l < nIn; l++) {
      const off = <usize>l * 4;
      const xl = load<f32>(x + off);
      z0 += load<f32>(r0 + off) * xl;
      z1v += load<f32>(r1 + off) * xl;
      z2 += load<f32>(r2 + off) * xl;
      z3 += load<f32>(r3 + off) * xl;
    }
    const nb = <usize>nIn * 4;
    z0 += load<f32>(r0 + nb);
    z1v += load<f32>(r1 + nb);
    z2 += load<f32>(r2 + nb);
    z3 += load<f32>(r3 + nb);
    const zo = z1 + <usize>i * 4, ao = a1 + <usize>i * 4;
    store<f32>(zo, z0);
    store<f32>(zo + 4, z1v);
    store<f32>(zo + 8, z2);
    store<f32>(zo + 12, z3);
    store<f32>(ao, z0 > 0 ? z0 : 0);
    store<f32>(ao + 4, z1v > 0 ? z1v : 0);
    store<f32>(ao + 8, z2 > 0 ? z2 : 0);
    store<f32>(ao + 12, z3 > 0 ? z3 : 0);
  }
  for (; i < nHid; i++) {
    const row = v + <usize>i * c * 4;
    const zi = dotF32(row, x, nIn) + load<f32>(row + <usize>nIn * 4);
    store<f32>(z1 + <usize>i * 4, zi);
    store<f32>(a1 + <usize>i * 4, zi > 0 ? zi : 0);
  }
  store<f32>(a1 + <usize>nHid * 4, 1);
  let M: f64 = -Infinity;
  for (let k = 0; k < nOut; k++) {
    const zk = <f64>dotF32(w + <usize>k * cw * 4, a1, cw);
    store<f64>(o + <usize>k * 8, zk);
    if (zk > M) M = zk;
  }
  let S: f64 = 0;
  const zy = load<f64>(o + <usize>y * 8);
  for (let k = 0; k < nOut; k++) {
    const e = Math.exp(load<f64>(o + <usize>k * 8) - M);
    store<f64>(o + <usize>k * 8, e);
    S += e;
  }
  const J = M + Math.log(S) - zy;
  for (let k = 0; k < nOut; k++) store<f64>(o + <usize>k * 8, load<f64>(o + <usize>k * 8) / S - (k == y ? 1 : 0)); // δ²
  // δ¹ with W before its update
  for (let i = 0; i < nHid; i++) {
    let s: f64 = 0;
    if (load<f32>(z1 + <usize>i * 4) > 0) {
      for (let k = 0; k < nOut; k++) s += <f64>load<f32>(w + (<usize>k * cw + i) * 4) * load<f64>(o + <usize>k * 8);
    }
    store<f32>(d1 + <usize>i * 4, <f32>s);
  }
  for (let k = 0; k < nOut; k++) axpyF32(w + <usize>k * cw * 4, a1, cw, <f32>(gamma * load<f64>(o + <usize>k * 8)));
  let t = 0;
  for (let h = 0; h < nHid; h++) {
    if (load<f32>(d1 + <usize>h * 4) != 0) {
      store<i32>(active + <usize>t * 4, h);
      t++;
    }
  }
  let q = 0;
  for (; q + 4 <= t; q += 4) {
    // four active rows at a time: V_i ← V_i − (γ δ¹_i) x̄ᵀ, each load of x serving four rows
    const h0 = load<i32>(active + <usize>q * 4), h1 = load<i32>(active + <usize>q * 4 + 4);
    const h2 = load<i32>(active + <usize>q * 4 + 8), h3 = load<i32>(active + <usize>q * 4 + 12);
    const g0 = <f32>(gamma * <f64>load<f32>(d1 + <usize>h0 * 4)), g1 = <f32>(gamma * <f64>load<f32>(d1 + <usize>h1 * 4));
    const g2 = <f32>(gamma * <f64>load<f32>(d1 + <usize>h2 * 4)), g3 = <f32>(gamma * <f64>load<f32>(d1 + <usize>h3 * 4));
    const r0 = v + <usize>h0 * rowBytes, r1 = v + <usize>h1 * rowBytes, r2 = v + <usize>h2 * rowBytes, r3 = v + <usize>h3 * rowBytes;
    const v0 = f32x4.splat(g0), v1 = f32x4.splat(g1), v2 = f32x4.splat(g2), v3 = f32x4.splat(g3);
    let l = 0;
    for (; l + 4 <= nIn; l += 4) {
      const off = <usize>l * 4;
      const xv = v128.load(x + off);
      v128.store(r0 + off, f32x4.sub(v128.load(r0 + off), f32x4.mul(v0, xv)));
      v128.store(r1 + off, f32x4.sub(v128.load(r1 + off), f32x4.mul(v1, xv)));
      v128.store(r2 + off, f32x4.sub(v128.load(r2 + off), f32x4.mul(v2, xv)));
      v128.store(r3 + off, f32x4.sub(v128.load(r3 + off), f32x4.mul(v3, xv)));
    }
    for (; l < nIn; l++) {
      const off = <usize>l * 4;
      const xl = load<f32>(x + off);
      store<f32>(r0 + off, load<f32>(r0 + off) - g0 * xl);
      store<f32>(r1 + off, load<f32>(r1 + off) - g1 * xl);
      store<f32>(r2 + off, load<f32>(r2 + off) - g2 * xl);
      store<f32>(r3 + off, load<f32>(r3 + off) - g3 * xl);
    }
    const nb = <usize>nIn * 4;
    store<f32>(r0 + nb, load<f32>(r0 + nb) - g0);
    store<f32>(r1 + nb, load<f32>(r1 + nb) - g1);
    store<f32>(r2 + nb, load<f32>(r2 + nb) - g2);
    store<f32>(r3 + nb, load<f32>(r3 + nb) - g3);
  }
  for (; q < t; q++) {
    const h = load<i32>(active + <usize>q * 4);
    const g = <f32>(gamma * <f64>load<f32>(d1 + <usize>h * 4));
    const row = v + <usize>h * rowBytes;
    axpyF32(row, x, nIn, g);
    store<f32>(row + <usize>nIn * 4, load<f32>(row + <usize>nIn * 4) - g);
  }
  return J;
}
