// The WebAssembly encoder (src/backend/wasm/encode.ts) against the binary format: LEB128 as the
// specification's examples give it, and modules the engine itself accepts and runs.
import { describe, expect, it } from "vitest";
import { encodeModule, sleb, uleb, type Func } from "../../../src/backend/wasm/encode.ts";
import { FuncBuilder } from "../../../src/backend/wasm/builder.ts";
import { printModule } from "../../../src/backend/wasm/print.ts";
import { instantiate, wasmApi } from "../../helpers/wasm.ts";

describe("LEB128", () => {
  it("unsigned", () => {
    expect(uleb(0)).toEqual([0]);
    expect(uleb(127)).toEqual([0x7f]);
    expect(uleb(128)).toEqual([0x80, 0x01]);
    expect(uleb(624485)).toEqual([0xe5, 0x8e, 0x26]);
    expect(uleb(2 ** 32 - 1)).toEqual([0xff, 0xff, 0xff, 0xff, 0x0f]);
    expect(() => uleb(-1)).toThrow(/not an unsigned integer/);
  });

  it("signed", () => {
    expect(sleb(0)).toEqual([0]);
    expect(sleb(63)).toEqual([0x3f]);
    expect(sleb(64)).toEqual([0xc0, 0x00]);
    expect(sleb(-1)).toEqual([0x7f]);
    expect(sleb(-64)).toEqual([0x40]);
    expect(sleb(-65)).toEqual([0xbf, 0x7f]);
    expect(sleb(-123456)).toEqual([0xc0, 0xbb, 0x78]);
    expect(sleb(2 ** 31 - 1)).toEqual([0xff, 0xff, 0xff, 0xff, 0x07]);
    expect(() => sleb(0.5)).toThrow(/not a 32-bit integer/);
  });
});

/** sum(p, n): the n floats at byte p summed by a SIMD loop, four lanes at a time (n a multiple of 4). */
function sumFunc(): Func {
  const f = new FuncBuilder("sum", [["p", "i32"], ["n", "i32"]], ["f32"]);
  const [p, n] = f.params as [{ index: number; name: string }, { index: number; name: string }];
  const i = f.local("i");
  const acc = f.local("acc", "v128");
  f.assign(acc, ["f32.const", 0], ["f32x4.splat"]);
  f.forRange(i, [f.i32(0)], [f.get(n)], 4, () => f.assign(acc, f.get(acc), f.get(p), f.get(i), f.i32(4), ["i32.mul"], ["i32.add"], ["v128.load", 0, 4], ["f32x4.add"]));
  f.emit(f.get(acc), ["f32x4.extract_lane", 0], f.get(acc), ["f32x4.extract_lane", 1], ["f32.add"], f.get(acc), ["f32x4.extract_lane", 2], ["f32.add"], f.get(acc), ["f32x4.extract_lane", 3], ["f32.add"]);
  return f.finish();
}

describe("modules", () => {
  it("a SIMD loop validates, runs, and prints", () => {
    const m = { funcs: [sumFunc()], memoryPages: 1 };
    const bytes = encodeModule(m);
    expect(wasmApi.validate(bytes)).toBe(true);
    const { exports, memory } = instantiate(bytes);
    const f32 = new Float32Array(memory.buffer);
    f32.set([1, 2, 3, 4, 5, 6, 7, 8.5], 4);
    expect((exports.sum as (p: number, n: number) => number)(16, 8)).toBe(36.5);
    expect((exports.sum as (p: number, n: number) => number)(16, 0)).toBe(0);
    expect(printModule(m)).toContain("v128.load align=16");
  });

  it("an unknown instruction or a missing immediate is an error, not a broken binary", () => {
    const bad = (body: Func["body"]) => () => encodeModule({ funcs: [{ name: "f", type: { params: [], results: [] }, locals: [], body, exported: true }], memoryPages: 1 });
    expect(bad([["nope" as "drop"]])).toThrow(/unknown instruction nope/);
    expect(bad([["i32.const"]])).toThrow(/i32.const needs a number immediate/);
  });
});
