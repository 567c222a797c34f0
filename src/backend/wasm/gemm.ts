// The matrix product in WebAssembly SIMD128: C (m×n, row-major) = op(A) · op(B), both operands
// packed first into panels (A into panels of MR rows, B of NR columns, each k-major), then a
// register-blocked micro-kernel keeps an MR×NR tile of C in MR·NR/4 vector accumulators: per step
// of k it loads NR/4 vectors of B and MR splatted numbers of A for MR·NR multiply-adds. One
// panel of the larger operand stays in L1 while the smaller one's panels sweep past it from L2.
//
// The tile is 4×8: measured in V8 (Node 20, x86-64, TurboFan) on 64×784·784×256, 4×8, 3×8 and
// 2×16 run at ~41 GFLOP/s, 6×4 at 33, while 5×8, 6×8 and 3×12 (10 or more accumulators) fall to
// 17–21: V8's allocator then spills accumulators inside the loop. A's number is splatted once
// per row into a local and used for both vectors of B: a splat per multiply (loads V8 does not
// merge) hoisted ahead of the arithmetic spilled even 4×8.
//
// Edges need no zero-filling: a panel's rows past the matrix repeat its last row, so every load
// is in bounds, and the tile's rows and columns past C are never stored. Every element of C is
// summed over k in the same order whatever the shapes around it, so a split of the rows between
// threads gives bit-identical results.
import { FuncBuilder, type Local } from "./builder.ts";
import type { Func, Instr } from "./encode.ts";
import { packWindowFunc, WINDOW_GEOMETRY, windowStart } from "./windowed.ts";

/** Columns of a B panel: two vectors. */
export const NR = 8;

/** Rows of A per micro-kernel tile. */
export const MR = 4;

/**
 * `pack<R>(src, count, rs, ks, k, dst)`: `count` vectors of length k (the i-th's element kk at
 * byte src + i·rs + kk·ks) into panels of R, each stored k-major: R floats per step of k. The
 * last panel's missing vectors repeat vector count − 1.
 */
export function packFunc(R: number): Func {
  const f = new FuncBuilder(`pack${R}`, [["src", "i32"], ["count", "i32"], ["rs", "i32"], ["ks", "i32"], ["k", "i32"], ["dst", "i32"]]);
  const [src, count, rs, ks, k, dst] = f.params as [Local, Local, Local, Local, Local, Local];
  const q = f.local("q");
  const kk = f.local("kk");
  const off = f.local("off");
  const ptr = Array.from({ length: R }, (_, ii) => f.local(`p${ii}`));
  f.forRange(q, [f.i32(0)], [f.get(count)], R, () => {
    f.assign(off, f.i32(0));
    f.either(
      // The panel's vectors side by side in memory (B's columns, A's rows stored transposed) and
      // all there: each step of k is R adjacent floats, moved as R/4 vectors.
      [f.get(rs), f.i32(4), ["i32.sub"], ["i32.eqz"], f.get(count), f.get(q), f.i32(R), ["i32.add"], ["i32.lt_u"], ["i32.eqz"], ["i32.and"]],
      () => {
        f.assign(ptr[0]!, f.get(src), f.get(q), f.i32(4), ["i32.mul"], ["i32.add"]);
        f.forRange(kk, [f.i32(0)], [f.get(k)], 1, () => {
          for (let v = 0; v < R / 4; v++) f.emit(f.get(dst), f.get(ptr[0]!), f.get(off), ["i32.add"], ["v128.load", 16 * v, 2], ["v128.store", 16 * v, 2]);
          f.addTo(dst, f.i32(4 * R));
          f.addTo(off, f.get(ks));
        });
      },
      () => {
        // Vector q + ii, or the last one past the end.
        ptr.forEach((p, ii) =>
          f.assign(p, f.get(src), f.get(q), f.i32(ii), ["i32.add"], f.get(count), f.i32(1), ["i32.sub"], f.get(q), f.i32(ii), ["i32.add"], f.get(count), ["i32.lt_u"], ["select"], f.get(rs), ["i32.mul"], ["i32.add"]),
        );
        f.forRange(kk, [f.i32(0)], [f.get(k)], 1, () => {
          ptr.forEach((p, ii) => f.emit(f.get(dst), f.get(p), f.get(off), ["i32.add"], ["f32.load", 0], ["f32.store", 4 * ii]));
          f.addTo(dst, f.i32(4 * R));
          f.addTo(off, f.get(ks));
        });
      },
    );
  });
  return f.finish(false);
}

/** The product's parameters: its operands, then (from `row0`) where A's windows are, when it is the windows of an image. */
const PARAMS = ["A", "ta", "lda", "B", "tb", "C", "ldc", "m", "n", "k", "Ap", "Bp", "packs", "row0", "segs", "seg", "skip", ...WINDOW_GEOMETRY] as const;

/**
 * `product(A, ta, lda, B, tb, C, ldc, m, n, k, Ap, Bp, packs, row0, segs, seg, skip, …geometry)`,
 * pointers in bytes: A is m×k row-major, or k×m when ta (1), the rows of A as stored lda floats
 * apart; B k×n, or n×k when tb; C's rows ldc floats apart, as are B's when it is k×n (so a thread
 * can take some of the rows or of the columns of a larger product); Ap and Bp are room for the
 * packed panels (⌈m/MR⌉·MR·k and ⌈n/NR⌉·NR·k floats). `packs`: 1, pack A (when ta); 2, pack B —
 * else the panels there are reused, as a thread taking chunk after chunk of one product packs
 * what they share once.
 * Where the geometry's `ohow` is not 0, A is the windows of the image at A (windowed.ts), never
 * stored: row0 + i is the window of row i (ta: the feature of row i), and row-major A is read in
 * `segs` runs of `seg` floats, `skip` bytes apart (one run per kernel row); else segs = 1, seg = k. `fma`: each multiply-add as relaxed SIMD's `f32x4.relaxed_madd` (one
 * rounding where the engine fuses it), for engines that have relaxed SIMD.
 */
export function gemmFunc(MR: number, NR: number, packA: number, packB: number, packWindow: number, fma = false): Func {
  const f = new FuncBuilder("product", PARAMS.map((n) => [n, "i32"] as const));
  const [A, ta, lda, B, tb, C, ldc, m, n, k, Ap, Bp, packs, row0, segs, seg, skip] = f.params as Local[] as [Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local];
  const geometry = f.params.slice(PARAMS.indexOf(WINDOW_GEOMETRY[0]));
  const windowed: Instr[] = [f.get(geometry[WINDOW_GEOMETRY.indexOf("ohow")]!)];
  const { get, i32 } = f;
  const bytes = (l: Local): Instr[] => [get(l), i32(4), ["i32.mul"]];
  const pick = (cond: Local, yes: Instr[], no: Instr[]): Instr[] => [...yes, ...no, get(cond), ["select"]];
  // A stored transposed is packed (its rows as vectors of k: 4 bytes apart, k steps lda apart).
  // Row-major A is read where it is: each row of a tile is one stream, a panel's rows fit L1.
  f.when([get(ta), get(packs), i32(1), ["i32.and"], ["i32.and"]], () =>
    f.either(
      windowed,
      () => f.emit(get(A), get(row0), get(m), get(k), get(Ap), ...geometry.map(get), ["call", packWindow]),
      () => f.emit(get(A), get(m), i32(4), ...bytes(lda), get(k), get(Ap), ["call", packA]),
    ),
  );
  // B's columns as vectors of k.
  f.when([get(packs), i32(2), ["i32.and"]], () => f.emit(get(B), get(n), ...pick(tb, bytes(k), [i32(4)]), ...pick(tb, [i32(4)], bytes(ldc)), get(k), get(Bp), ["call", packB]));

  const j0 = f.local("j0");
  const i0 = f.local("i0");
  const pa = f.local("pa");
  const pb = f.local("pb");
  const steps = f.local("steps");
  const runs = f.local("runs");
  const row = f.local("row");
  const rows = f.local("rows");
  const cols = f.local("cols");
  const V = NR / 4;
  const b = Array.from({ length: V }, (_, h) => f.local(`b${h}`, "v128"));
  const a = f.local("a", "v128");
  /** Per row of the tile, where its A is from pa (in bytes); and how far pa moves per step of k. */
  const rowAt = Array.from({ length: MR }, (_, r) => f.local(`r${r}`));
  const kStep = f.local("kStep");
  const acc = Array.from({ length: MR }, (_, r) => Array.from({ length: V }, (_, h) => f.local(`c${r}_${h}`, "v128")));
  const zero: Instr[] = [["f32.const", 0], ["f32x4.splat"]];

  /** The MR×NR tile of C at rows i0…, columns j0…: its k steps, then its store. */
  const tile = () => {
    f.assign(cols, get(n), get(j0), ["i32.sub"]);
    f.assign(rows, get(m), get(i0), ["i32.sub"]);
    f.either(
      [get(ta)],
      () => {
        f.assign(pa, get(Ap), get(i0), get(k), ["i32.mul"], i32(4), ["i32.mul"], ["i32.add"]);
        rowAt.forEach((at, r) => f.assign(at, i32(4 * r)));
        f.assign(kStep, i32(4 * MR));
      },
      () => {
        // Rows past the matrix read its last row, as a packed panel repeats it.
        const row = (r: number): Instr[] => [i32(r), get(rows), i32(1), ["i32.sub"], i32(r), get(rows), ["i32.lt_u"], ["select"]];
        f.either(
          windowed,
          () => {
            // Each row's window starts where its output pixel's does in the image.
            f.assign(pa, get(A));
            rowAt.forEach((at, r) => windowStart(f, geometry, [get(row0), get(i0), ["i32.add"], ...row(r), ["i32.add"]], at));
          },
          () => {
            f.assign(pa, get(A), get(i0), ...bytes(lda), ["i32.mul"], ["i32.add"]);
            rowAt.forEach((at, r) => f.assign(at, ...row(r), ...bytes(lda), ["i32.mul"]));
          },
        );
        f.assign(kStep, i32(4));
      },
    );
    f.assign(pb, get(Bp), get(j0), get(k), ["i32.mul"], i32(4), ["i32.mul"], ["i32.add"]);
    for (const c of acc.flat()) f.assign(c, ...zero);
    // k in `segs` runs of `seg` steps (one when A is stored), A's rows moving on by `skip` between runs.
    f.assign(runs, get(segs));
    f.emit(["block", ""], get(runs), ["i32.eqz"], ["br_if", 0], ["loop", ""]);
    f.assign(steps, get(seg));
    f.emit(["block", ""], get(steps), ["i32.eqz"], ["br_if", 0], ["loop", ""]);
    b.forEach((bh, h) => f.assign(bh, get(pb), ["v128.load", 16 * h, 4]));
    acc.forEach((cr, r) => {
      // A's number for this row, splatted once for every vector of B.
      f.assign(a, get(pa), get(rowAt[r]!), ["i32.add"], ["v128.load32_splat", 0]);
      cr.forEach((c, h) =>
        fma
          ? f.assign(c, get(a), get(b[h]!), get(c), ["f32x4.relaxed_madd"])
          : f.assign(c, get(c), get(a), get(b[h]!), ["f32x4.mul"], ["f32x4.add"]),
      );
    });
    f.addTo(pa, get(kStep)).addTo(pb, i32(4 * NR));
    f.assign(steps, get(steps), i32(1), ["i32.sub"]);
    f.emit(get(steps), ["br_if", 0], ["end"], ["end"]);
    f.addTo(pa, get(skip));
    f.assign(runs, get(runs), i32(1), ["i32.sub"]);
    f.emit(get(runs), ["br_if", 0], ["end"], ["end"]);

    // The tile into C: whole vectors inside, lane by lane on the bottom and right edges.
    f.assign(row, get(C), get(i0), get(ldc), ["i32.mul"], get(j0), ["i32.add"], i32(4), ["i32.mul"], ["i32.add"]);
    const nextRow = () => f.addTo(row, ...bytes(ldc));
    f.either(
      [get(rows), i32(MR), ["i32.ge_u"], get(cols), i32(NR), ["i32.ge_u"], ["i32.and"]],
      () => acc.forEach((cr) => (cr.forEach((c, h) => f.emit(get(row), get(c), ["v128.store", 16 * h, 4])), nextRow())),
      () =>
        acc.forEach((cr, r) => {
          f.when([get(rows), i32(r), ["i32.gt_u"]], () => {
            for (let c = 0; c < NR; c++)
              f.when([get(cols), i32(c), ["i32.gt_u"]], () => f.emit(get(row), get(cr[c >> 2]!), ["f32x4.extract_lane", c & 3], ["f32.store", 4 * c]));
          });
          nextRow();
        }),
    );
  };
  // The larger packed operand is swept once, its panels in the outer loop, while the smaller one
  // is swept again from cache for each: a convolution's A (thousands of rows) would otherwise
  // stream from memory once per panel of B.
  const overA = () => f.forRange(i0, [i32(0)], [get(m)], MR, () => f.forRange(j0, [i32(0)], [get(n)], NR, tile));
  const overB = () => f.forRange(j0, [i32(0)], [get(n)], NR, () => f.forRange(i0, [i32(0)], [get(m)], MR, tile));
  f.either([get(m), get(n), ["i32.gt_u"]], overA, overB);
  return f.finish(true);
}

/** The kernels' functions: the packers (A's and B's, A's windows) and the product (which calls them by index). */
export function gemmFuncs(fma = false, mr = MR, nr = NR): Func[] {
  const packers = mr === nr ? [packFunc(mr)] : [packFunc(mr), packFunc(nr)];
  return [...packers, packWindowFunc(mr), gemmFunc(mr, nr, 0, packers.length - 1, packers.length, fma)];
}
