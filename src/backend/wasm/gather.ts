// Rows of a table by index, and their adjoint, in WebAssembly SIMD128: the loops of gatherRows and
// scatterRows (runtime/cpu/nn.ts), which are the reference semantics, over linear memory.
//
// An index is a float (the module's indices are float32 arrays); it picks a row only where it is
// an integer r with 0 ≤ r < rows, as there: NaN, ±∞, fractions and indices out of range pick
// none (a gathered row of zeros; nothing added). The test is made in f64, where rows (an i32) and
// every float32 are exact. A row moves four floats at a time, then a scalar tail. The adjoint adds
// each update row into its table row in index order, element by element as float32 (f32x4.add is
// four independent float32 additions), so repeated indices sum in the same order as there; the
// runtime zeroes the output first.
import { FuncBuilder, type Local } from "./builder.ts";
import type { Func, Instr } from "./encode.ts";

/**
 * `gather_rows(out, table, indices, n, rows, row)`: out[i] ← table[indices[i]] (a row of `row`
 * floats), zeros where the index picks no row. `scatter_rows(out, updates, indices, n, rows, row)`:
 * out[indices[i]] += updates[i] where the index picks a row. Pointers in bytes.
 */
export function gatherFuncs(): Func[] {
  return [rowsFunc("gather_rows"), rowsFunc("scatter_rows")];
}

function rowsFunc(name: "gather_rows" | "scatter_rows"): Func {
  const scatter = name === "scatter_rows";
  const f = new FuncBuilder(name, [["out", "i32"], ["src", "i32"], ["indices", "i32"], ["n", "i32"], ["rows", "i32"], ["row", "i32"]]);
  const [out, src, indices, n, rows, row] = f.params as [Local, Local, Local, Local, Local, Local];
  const { get, i32 } = f;
  const i = f.local("i");
  const k = f.local("k");
  const whole = f.local("whole");
  const rowBytes = f.local("rowBytes");
  const r = f.local("r", "f64");
  const index = f.local("index", "f32");
  // The picked row's address in the table (gather) or in out (scatter); the other side's row i.
  const picked = f.local("picked");
  const other = f.local("other");
  f.assign(rowBytes, get(row), i32(4), ["i32.mul"]);
  f.assign(whole, get(row), i32(-4), ["i32.and"]);
  /** `body(width)` over the row's floats at byte offset 4k: vectors of four, then one by one. */
  const eachFloat = (body: (vector: boolean) => void) => {
    f.forRange(k, [i32(0)], [get(whole)], 4, () => body(true));
    f.forRange(k, [get(whole)], [get(row)], 1, () => body(false));
  };
  const at = (base: Local): Instr[] => [get(base), get(k), i32(4), ["i32.mul"], ["i32.add"]];
  f.forRange(i, [i32(0)], [get(n)], 1, () => {
    f.assign(index, get(indices), get(i), i32(4), ["i32.mul"], ["i32.add"], ["f32.load", 0]);
    f.assign(r, get(index), ["f64.promote_f32"]);
    f.assign(other, get(scatter ? src : out), get(i), get(rowBytes), ["i32.mul"], ["i32.add"]);
    // 0 ≤ r < rows and r an integer: false for NaN and ±∞ too.
    const valid: Instr[] = [get(r), ["f32.const", 0], ["f64.promote_f32"], ["f64.ge"], get(r), get(rows), ["f64.convert_i32_u"], ["f64.lt"], ["i32.and"], get(index), ["f32.trunc"], get(index), ["f32.eq"], ["i32.and"]];
    const pick = () => f.assign(picked, get(scatter ? out : src), get(r), ["i32.trunc_f64_u"], get(rowBytes), ["i32.mul"], ["i32.add"]);
    if (scatter)
      f.when(valid, () => {
        pick();
        eachFloat((v) => f.emit(...at(picked), ...at(picked), v ? ["v128.load", 0, 2] : ["f32.load", 0], ...at(other), v ? ["v128.load", 0, 2] : ["f32.load", 0], v ? ["f32x4.add"] : ["f32.add"], v ? ["v128.store", 0, 2] : ["f32.store", 0]));
      });
    else
      f.either(
        valid,
        () => {
          pick();
          eachFloat((v) => f.emit(...at(other), ...at(picked), v ? ["v128.load", 0, 2] : ["f32.load", 0], v ? ["v128.store", 0, 2] : ["f32.store", 0]));
        },
        () => eachFloat((v) => f.emit(...at(other), ...(v ? [i32(0), ["i32x4.splat"] as Instr] : [["f32.const", 0] as Instr]), v ? ["v128.store", 0, 2] : ["f32.store", 0])),
      );
  });
  return f.finish(true);
}
