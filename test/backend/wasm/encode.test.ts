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

  it("v128 constants of each lane shape, a shuffle, and a call by the callee's name", () => {
    // lanes(): [1.5, -2] as f32x4 and as f64x2, 7 as i32x4, mixed by a shuffle and passed to a helper.
    const helper = new FuncBuilder("twice", [["v", "v128"]], ["v128"]);
    helper.emit(helper.get(helper.params[0]!), helper.get(helper.params[0]!), ["f32x4.add"]);
    const f = new FuncBuilder("lanes", [["p", "i32"]]);
    const [p] = f.params as [{ index: number; name: string }];
    const store = (offset: number, ...value: Func["body"]) => f.emit(f.get(p), ...value, ["v128.store", offset, 4]);
    store(0, ["v128.const", "f32x4", 1.5, -2, 0.25, 3]);
    store(16, ["v128.const", "i32x4", 7, -1, 0x7fffffff, -0x80000000]);
    store(32, ["v128.const", "f64x2", 1.5, -2]);
    store(48, ["v128.const", "f32x4", 1, 2, 3, 4], ["v128.const", "f32x4", 5, 6, 7, 8], ["i8x16.shuffle", 0, 1, 2, 3, 20, 21, 22, 23, 8, 9, 10, 11, 28, 29, 30, 31], ["call", "twice"]);
    const m = { funcs: [f.finish(), helper.finish(false)], memoryPages: 1 };
    const { exports, memory } = instantiate(encodeModule(m));
    (exports.lanes as (p: number) => void)(0);
    expect([...new Float32Array(memory.buffer, 0, 4)]).toEqual([1.5, -2, 0.25, 3]);
    expect([...new Int32Array(memory.buffer, 16, 4)]).toEqual([7, -1, 0x7fffffff, -0x80000000]);
    expect([...new Float64Array(memory.buffer, 32, 2)]).toEqual([1.5, -2]);
    expect([...new Float32Array(memory.buffer, 48, 4)]).toEqual([2, 12, 6, 16]);
    expect(printModule(m)).toContain("call $twice");
    expect(printModule(m)).toContain("v128.const f32x4 1.5 -2 0.25 3");
  });

  it("an unknown instruction or a missing immediate is an error, not a broken binary", () => {
    const bad = (body: Func["body"]) => () => encodeModule({ funcs: [{ name: "f", type: { params: [], results: [] }, locals: [], body, exported: true }], memoryPages: 1 });
    expect(bad([["nope" as "drop"]])).toThrow(/unknown instruction nope/);
    expect(bad([["i32.const"]])).toThrow(/i32.const needs a number immediate/);
    expect(bad([["call", "absent"]])).toThrow(/a call to absent, which the module does not define/);
    expect(bad([["v128.const", "i8x16", 1], ["drop"]])).toThrow(/v128.const needs a lane shape/);
  });
});
