// The folds of backend/wasm/elementwise.ts's reductions that are more than one instruction: a
// row reduced in locals (f64 lanes for a sum, f32 for a maximum, a zero maximum's sign as the
// TypeScript loop keeps it), and the identity filled into a thread's part of a folded output.
import type { ReductionOp } from "../../ir/ops.ts";
import type { FuncBuilder, Local } from "./builder.ts";
import type { Instr } from "./encode.ts";

/** Lanes 2 and 3 of an f32x4 as lanes 0 and 1 (of the shuffle of it with itself): f64x2.promote_low_f32x4 then widens them. */
export const HIGH_HALF: Instr = ["i8x16.shuffle", 8, 9, 10, 11, 12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15];

/** Fills the floats at byte `ptr` + [from·stride, to·stride) with `value`: four at a time, then one by one. */
export function fillOuterPart(f: FuncBuilder, ptr: Local, stride: Instr[], from: Local, to: Local, value: number): void {
  const { get } = f;
  const at = f.local("fill"), end = f.local("fillEnd"), whole = f.local("fillWhole");
  f.assign(at, get(ptr), get(from), ...stride, ["i32.mul"], ["i32.add"]);
  f.assign(end, get(ptr), get(to), ...stride, ["i32.mul"], ["i32.add"]);
  f.assign(whole, get(at), get(end), get(at), ["i32.sub"], f.i32(-16), ["i32.and"], ["i32.add"]);
  f.forRange(at, [get(at)], [get(whole)], 16, () => f.emit(get(at), ["f32.const", value], ["f32x4.splat"], ["v128.store", 0, 2]));
  f.forRange(at, [get(at)], [get(end)], 4, () => f.emit(get(at), ["f32.const", value], ["f32.store", 0]));
}

/**
 * A row's reduction in locals (the reduced loops innermost): `start` before its loops, `fold` per
 * element (four lanes or one), `end` after them, leaving the f32 result in `result`.
 * A sum accumulates in f64 — each float32 value exact in it, as in the TypeScript loop's double —
 * and rounds once: lane by lane in two f64x2 (1.7–1.9× faster than one f64 in the elements' order
 * over rows of 100 to 8192; about even over rows of 10), so its double differs from the loop's in
 * summation order only, which changes the float32 result where the two round either side of a
 * boundary (1 ulp; none in 51k realistic rows, rows.test.ts). A maximum is f32.max over lanes, then the scalar tail, which is the TypeScript
 * loop's `if (r > acc || r !== r) acc = r` but for a zero's sign (f32.max(−0, +0) is +0; the loop
 * keeps the first zero): where the maximum is 0, `end` runs the row again one element at a time by
 * that rule.
 */
export interface RowReduction {
  start: () => void;
  fold: (width: "vector" | "scalar", value: Instr[], exact: boolean) => void;
  end: (again: () => void) => void;
  result: Instr[];
}

export function rowReduction(f: FuncBuilder, reduction: ReductionOp): RowReduction {
  const { get, i32 } = f;
  const x = f.local("x", "v128");
  if (reduction === "sum") {
    const acc = f.local("sum", "f64");
    const low = f.local("sum01", "v128");
    const high = f.local("sum23", "v128");
    return {
      start: () => {
        f.assign(acc, ["f32.const", 0], ["f64.promote_f32"]);
        for (const l of [low, high]) f.assign(l, i32(0), ["i32x4.splat"]);
      },
      fold: (width, value) => {
        if (width === "scalar") return void f.assign(acc, get(acc), ...value, ["f64.promote_f32"], ["f64.add"]);
        f.assign(x, ...value);
        f.assign(low, get(low), get(x), ["f64x2.promote_low_f32x4"], ["f64x2.add"]);
        f.assign(high, get(high), get(x), get(x), HIGH_HALF, ["f64x2.promote_low_f32x4"], ["f64x2.add"]);
      },
      end: () => {
        // Lanes 0, 1, 2, 3, then the tail.
        f.assign(acc, get(low), ["f64x2.extract_lane", 0], get(low), ["f64x2.extract_lane", 1], ["f64.add"], get(high), ["f64x2.extract_lane", 0], ["f64.add"], get(high), ["f64x2.extract_lane", 1], ["f64.add"], get(acc), ["f64.add"]);
      },
      result: [get(acc), ["f32.demote_f64"]],
    };
  }
  const acc = f.local("max", "f32");
  const r = f.local("r", "f32");
  return {
    start: () => {
      f.assign(acc, ["f32.const", -Infinity]);
      f.assign(x, ["f32.const", -Infinity], ["f32x4.splat"]);
    },
    fold: (width, value, exact) => {
      if (width === "vector") return void f.assign(x, get(x), ...value, ["f32x4.max"]);
      if (!exact) return void f.assign(acc, get(acc), ...value, ["f32.max"]);
      f.assign(r, ...value);
      f.assign(acc, get(r), get(acc), get(r), get(acc), ["f32.gt"], get(r), get(r), ["f32.ne"], ["i32.or"], ["select"]);
    },
    end: (again) => {
      for (let i = 0; i < 4; i++) f.assign(acc, get(acc), get(x), ["f32x4.extract_lane", i], ["f32.max"]);
      f.when([get(acc), ["f32.const", 0], ["f32.eq"]], () => {
        f.assign(acc, ["f32.const", -Infinity]);
        again();
      });
    },
    result: [get(acc)],
  };
}
