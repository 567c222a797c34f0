// Reductions without a prologue in WebAssembly (backend/wasm/reduce.ts) against the order the
// TypeScript loop sums in (float32, the reduced rows one after another from the identity): sums
// bit for bit, maxima equal (a zero maximum's sign may differ), NaN propagated; shapes whose row
// is not a multiple of four floats, unaligned addresses, guard floats left untouched.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { reduceFuncs } from "../../../src/backend/wasm/reduce.ts";
import { encodeModule } from "../../../src/backend/wasm/encode.ts";
import { instantiate, wasmApi } from "../../helpers/wasm.ts";

const bytes = encodeModule({ funcs: reduceFuncs(), memoryPages: 1 });
const { exports, memory } = instantiate(bytes);
const run = exports as Record<"reduce_sum" | "reduce_max", (x: number, out: number, outer: number, R: number, inner: number) => void>;

/** The TypeScript loop's order: each output from the identity, combined with rows 0…R−1 in float32. */
function reference(op: "sum" | "max", x: Float32Array, outer: number, R: number, inner: number): Float32Array {
  const out = new Float32Array(outer * inner).fill(op === "sum" ? 0 : -Infinity);
  for (let o = 0; o < outer; o++)
    for (let r = 0; r < R; r++)
      for (let j = 0; j < inner; j++) {
        const v = x[(o * R + r) * inner + j]!;
        const i = o * inner + j;
        if (op === "sum") out[i] = out[i]! + v;
        else if (v > out[i]! || v !== v) out[i] = v;
      }
  return out;
}

const GUARD = 3;

function check(op: "sum" | "max", outer: number, R: number, inner: number, seed: number, nan = false): void {
  const n = outer * R * inner;
  const x = Float32Array.from({ length: n }, (_, i) => Math.fround(Math.sin(seed + i * 1.7) * 2 ** ((i * 7) % 30 - 15)));
  if (nan && n > 0) x[Math.floor(n / 2)] = NaN;
  const need = 4 * (2 * GUARD + n + 1 + outer * inner + 2 * GUARD) + 64;
  const have = memory.buffer.byteLength;
  if (need > have) (memory as unknown as { grow(pages: number): number }).grow(Math.ceil((need - have) / 65536));
  const f32 = new Float32Array(memory.buffer);
  // Addresses one float past 16-byte alignment, guards around both.
  const xAt = GUARD + 1;
  const outAt = xAt + n + 2 * GUARD;
  f32.fill(1234.5, 0, outAt + outer * inner + GUARD);
  f32.set(x, xAt);
  run[op === "sum" ? "reduce_sum" : "reduce_max"](4 * xAt, 4 * outAt, outer, R, inner);
  const want = reference(op, x, outer, R, inner);
  const got = f32.slice(outAt, outAt + outer * inner);
  const [g, w] = [new Uint32Array(got.buffer), new Uint32Array(want.buffer)];
  const same = (i: number) => (op === "sum" ? g[i] === w[i] : got[i] === want[i] || (got[i] !== got[i] && want[i] !== want[i]));
  const wrong = got.findIndex((_, i) => !same(i));
  if (wrong >= 0) expect.fail(`${op} [${outer}, ${R}, ${inner}]: out[${wrong}] = ${got[wrong]}, want ${want[wrong]}`);
  expect(f32.subarray(outAt - GUARD, outAt).every((v) => v === 1234.5) && f32.subarray(outAt + outer * inner, outAt + outer * inner + GUARD).every((v) => v === 1234.5)).toBe(true);
  expect(f32.subarray(xAt, xAt + n).every((v, i) => Object.is(v, x[i]))).toBe(true);
}

describe("WebAssembly reductions", () => {
  it("the module validates", () => expect(wasmApi.validate(bytes)).toBe(true));

  it.each([
    ["max pooling's windows", 8 * 13 * 13, 4, 32],
    ["a bias's gradient over batch and pixels", 1, 8 * 121, 64],
    ["rows of three", 5, 7, 3],
    ["one column", 9, 11, 1],
    ["the last axis (inner 1)", 17, 10, 1],
    ["a single row", 3, 1, 6],
  ])("%s: sum and max as the TypeScript loop", (_, outer, R, inner) => {
    check("sum", outer, R, inner, outer + R);
    check("max", outer, R, inner, outer + R);
  });

  it("propagates NaN in both", () => {
    check("sum", 4, 5, 6, 1, true);
    check("max", 4, 5, 6, 1, true);
  });

  it("random shapes (fast-check)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 7 }), fc.integer({ min: 0, max: 9 }), fc.integer({ min: 1, max: 13 }), fc.integer(), (outer, R, inner, seed) => {
        check("sum", outer, R, inner, seed % 1000);
        check("max", outer, R, inner, seed % 1000);
      }),
      { numRuns: 200 },
    );
  });
});
