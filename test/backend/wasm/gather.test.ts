// Gather and scatter_add in WebAssembly (backend/wasm/gather.ts) against the TypeScript target's
// gatherRows and scatterRows on the same IR: rows of every length the vector tail reaches (1, 3,
// 4, 5, 8, 17), symbolic sizes, repeated indices (summed in index order, bit for bit), and every
// index the TypeScript runtime skips — negative, past the table, fractional, NaN, ±∞ — skipped
// alike (a gathered row of zeros, nothing added); −0 picks row 0 as there.
import * as workerThreads from "node:worker_threads";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Builder, type Fn } from "../../../src/ir/ir.ts";
import type { Shape } from "../../../src/ir/shape.ts";
import { verify } from "../../../src/ir/verify.ts";
import { wasmApi } from "../../helpers/wasm.ts";
import { wasmFlavour, wasmKernelsBinary } from "../../../src/backend/wasm/target.ts";
import { compileFns, type TsModule } from "../../helpers/run-ts.ts";
import { MR, NR } from "../../../src/backend/wasm/gemm.ts";
import { WasmKernels } from "../../../src/runtime/wasm/kernels.ts";
import { base64 } from "../../../src/runtime/wasm/binary.ts";
import type { WorkerThreads } from "../../../src/runtime/cpu/threads.ts";

function fn(name: string, args: [string, Shape, "f32" | "i32"][], body: (b: Builder, a: number[]) => number): Fn {
  const b = new Builder(name);
  const ids = args.map(([n, shape, dtype]) => b.arg(n, "input", shape, dtype));
  b.output("y", body(b, ids));
  verify(b.fn);
  return b.fn;
}

const ROWS = [1, 3, 4, 5, 8, 17];
const FNS: Record<string, Fn> = Object.fromEntries(
  ROWS.flatMap((d) => [
    [`gather${d}`, fn(`gather${d}`, [["table", [6, d], "f32"], ["idx", ["B", 2], "i32"]], (b, [t, i]) => b.gather(t!, i!))],
    [`scatter${d}`, fn(`scatter${d}`, [["updates", ["B", 2, d], "f32"], ["idx", ["B", 2], "i32"]], (b, [u, i]) => b.scatterAdd(u!, i!, 6))],
  ]),
);
// A table of symbolic size (a scatter's output size is a literal: a size no argument has is no parameter).
FNS.symbolic = fn("symbolic", [["table", ["V", 5], "f32"], ["idx", ["B"], "i32"]], (b, [t, i]) => b.gather(t!, i!));

/** Indices: in range (repeated), and every kind the runtime skips. */
const INDICES = [0, 5, 2, 2, -1, 6, 2.5, NaN, Infinity, -Infinity, -0, 5, 1e9, 3, 2];
const values = (n: number, seed: number) => Array.from({ length: n }, (_, i) => Math.fround(Math.sin(i * 1.7 + seed) * 10 ** ((i % 7) - 3)));

describe("gather and scatter_add in WebAssembly", () => {
  let ts: TsModule;
  let wasm: TsModule;
  beforeAll(async () => {
    ts = await compileFns(FNS);
    wasm = await compileFns(FNS, wasmFlavour());
  }, 180_000);
  afterAll(() => (ts?.cleanup(), wasm?.cleanup()));

  it("calls the WebAssembly rows for every gather and scatter_add; the module passes tsc --strict and the binary validates", () => {
    expect(wasm.tsc.output).toBe("");
    expect(wasm.text).not.toMatch(/gatherRows\(|scatterRows\(/);
    expect(wasm.text.match(/wasmKernels\.rows\(/g)?.length).toBe(Object.keys(FNS).length);
    expect(wasmApi.validate(wasmKernelsBinary())).toBe(true);
  });

  it.each(Object.keys(FNS))("%s: the TypeScript runtime's values, bit for bit", (name) => {
    for (const B of [0, 1, 4, 7])
      for (const shift of [0, 3]) {
        const dims = { B, V: 6 };
        const f = FNS[name]!;
        const size = (shape: Shape) => shape.reduce<number>((n, d) => n * (typeof d === "number" ? d : dims[d as "B" | "V"]), 1);
        const args = f.args.map((a, i) => (a.dtype === "i32" ? Array.from({ length: size(a.shape) }, (_, j) => INDICES[(j + shift) % INDICES.length]!) : values(size(a.shape), i + B)));
        const [want] = ts.run(name, args, dims);
        const [got] = wasm.run(name, args, dims);
        expect(got!.length).toBe(want!.length);
        for (let i = 0; i < want!.length; i++) if (!Object.is(got![i], want![i])) expect.fail(`${name} B=${B} [${i}]: wasm ${got![i]}, ts ${want![i]}`);
      }
  });
});

describe("gather on three threads", () => {
  // Each index's row is its own: the threads take parts of the indices, with the same result.
  it("gives one thread's rows, bit for bit", () => {
    const binary = base64(wasmKernelsBinary());
    const [single, threaded] = [new WasmKernels(binary, binary, MR, NR), new WasmKernels(binary, binary, MR, NR)];
    threaded.createSeed("gather.test", { threads: 3, workerThreads: workerThreads as unknown as WorkerThreads });
    const [rows, row, n] = [50, 33, 4000];
    const table = Float32Array.from(values(rows * row, 1));
    const indices = Float32Array.from({ length: n }, (_, i) => INDICES[i % INDICES.length]! + (i % 40));
    const [one, three] = [new Float32Array(n * row), new Float32Array(n * row)];
    single.rows(false, one, table, rows, row, indices);
    threaded.rows(false, three, table, rows, row, indices);
    expect(three).toEqual(one);
    expect(one.some((v) => v !== 0)).toBe(true);
  });
});
