// A reduction with no prologue — a sum or a maximum over a block of adjacent axes of a tensor in
// memory (max pooling over its windows, a bias's gradient over the batch) — in WebAssembly
// SIMD128. The input is read as [outer, R, inner], reduced over R: each output row is set to the
// reduction's identity, then combined with the R input rows in order, four columns at a time
// (then the last one to three). That is the order, and the float32 rounding, of the TypeScript
// loop (render.ts accumulates in the output's memory), so sums are bit-identical to it. Maxima
// are too, up to the sign of a zero maximum (max(−0, +0) is +0 here, the first of them there).
// The output row stays in L1 while the input streams through once.
import { FuncBuilder } from "./builder.ts";
import type { Func, Instr } from "./encode.ts";

/** The reductions: each one's exported name, identity and instructions, for four lanes and for one. */
export const REDUCTIONS = {
  sum: { name: "reduce_sum", identity: 0, vector: ["f32x4.add"], scalar: ["f32.add"] },
  reduce_max: { name: "reduce_max", identity: -Infinity, vector: ["f32x4.max"], scalar: ["f32.max"] },
} as const;

/** `reduce_sum(x, out, outer, R, inner)` and `reduce_max(…)`: out [outer, inner] ← x [outer, R, inner] reduced over R; pointers in bytes. */
export function reduceFuncs(): Func[] {
  return Object.values(REDUCTIONS).map(({ name, identity, vector, scalar }) => {
    const f = new FuncBuilder(name, [["x", "i32"], ["out", "i32"], ["outer", "i32"], ["R", "i32"], ["inner", "i32"]]);
    const [x, out, outer, R, inner] = f.params as [typeof f.params[0], typeof f.params[0], typeof f.params[0], typeof f.params[0], typeof f.params[0]];
    const { get, i32 } = f;
    const o = f.local("o");
    const r = f.local("r");
    const j = f.local("j");
    const rowBytes = f.local("rowBytes");
    const whole = f.local("whole");
    const init = f.local("init", "v128");
    /** Over one row's bytes: whole vectors, then single floats. */
    const columns = (body: (isVector: boolean) => Instr[]) => {
      f.forRange(j, [i32(0)], [get(whole)], 16, () => f.emit(...body(true)));
      f.forRange(j, [get(whole)], [get(rowBytes)], 4, () => f.emit(...body(false)));
    };
    const at = (base: typeof x): Instr[] => [get(base), get(j), ["i32.add"]];
    const [vload, vstore, load, store]: Instr[] = [["v128.load", 0, 2], ["v128.store", 0, 2], ["f32.load", 0], ["f32.store", 0]];
    f.assign(rowBytes, get(inner), i32(4), ["i32.mul"]);
    f.assign(whole, get(rowBytes), i32(-16), ["i32.and"]);
    f.assign(init, ["f32.const", identity], ["f32x4.splat"]);
    f.forRange(o, [i32(0)], [get(outer)], 1, () => {
      columns((v) => [...at(out), v ? get(init) : ["f32.const", identity], v ? vstore : store]);
      f.forRange(r, [i32(0)], [get(R)], 1, () => {
        columns((v) => [...at(out), ...at(out), v ? vload : load, ...at(x), v ? vload : load, [v ? vector[0] : scalar[0]], v ? vstore : store]);
        f.addTo(x, get(rowBytes));
      });
      f.addTo(out, get(rowBytes));
    });
    return f.finish(true);
  });
}
