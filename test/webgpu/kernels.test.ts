// The WGSL kernels (src/backend/wgsl/render.ts) run for real on WebGPU (Dawn; lavapipe without
// a GPU) and compute what the float64 reference interpreter computes, for every function of the
// samples whose kernels are all elementwise, reductions and matmuls (the MLPs: their forward,
// evaluate and whole training step). Every shader compiles with no message at all.
import { describe, expect, it } from "vitest";
import { compile } from "../../src/compiler.ts";
import { evalDim } from "../../src/ir/dim.ts";
import { interpret } from "../../src/ir/interpret.ts";
import type { Fn } from "../../src/ir/ir.ts";
import { size } from "../../src/ir/shape.ts";
import { fuse } from "../../src/schedule/fuse.ts";
import { gpu, webgpuRequired } from "../helpers/webgpu.ts";
import { runOnGpu } from "../helpers/run-wgsl.ts";

const B = 5;
const noise = (n: number, seed: number) => Array.from({ length: n }, (_, i) => Math.fround(Math.sin(12.9898 * (i + 1) + 78.233 * seed)));
const cases: [string, Fn, Fn][] = ["backprop_221", "mlp_digits"].flatMap((name) =>
  compile(`samples/${name}.dnn`).models.flatMap((m) => [m.forward, ...(m.evaluate ? [m.evaluate] : []), ...(m.train ? [m.train.fn] : [])].map((fn): [string, Fn, Fn] => [`${name} ${m.name}.${fn.name}`, fn, m.init])),
);

describe("WGSL kernels on WebGPU", () => {
  it("cover the cases: elementwise, reduce and matmul kernels only", () => {
    for (const [, fn] of cases) expect(fuse(fn).kernels.every((k) => k.kind !== "op")).toBe(true);
  });

  it.each(cases)("%s equals the reference interpreter", async (name, fn, init) => {
    const g = await gpu();
    if (typeof g === "string") {
      if (webgpuRequired()) throw new Error(g);
      return console.warn(`*** WebGPU tests not run: ${g} ***`);
    }
    const initValues = interpret(init, init.args.map(() => Float64Array.of(3)), {});
    const byName = new Map(init.outputs.map((o, i) => [o.name, [...initValues[i]!].map(Math.fround)]));
    const args = fn.args.map((a, i) => {
      if (a.role === "param" || a.role === "state") return byName.get(a.name)!;
      if (a.role === "step") return [1];
      const n = evalDim(size(a.shape), { B })!;
      return a.dtype === "i32" ? Array.from({ length: n }, (_, j) => (j * 3 + i) % 10) : noise(n, i + 1).map((v) => Math.fround(Math.abs(v) * 8));
    });
    const want = interpret(fn, args.map((a) => Float64Array.from(a)), { B });
    const run = await runOnGpu(g.device, fn, args, { B });
    expect(run.messages).toEqual([]);
    fn.outputs.forEach((o, k) => {
      const w = want[k]!;
      const got = run.outputs[k]!;
      expect(got.length, o.name).toBe(w.length);
      const scale = w.reduce((acc, v) => Math.max(acc, Math.abs(v)), 0);
      // float32 on the GPU (exp/log to a few ulp) against float64; Adam's first step amplifies
      // float32 noise in gradients that cancel to ~0, hence the absolute 1e-4 (0.1·lr).
      for (let i = 0; i < w.length; i++) expect(Math.abs(got[i]! - w[i]!) <= 1e-4 + 1e-4 * scale, `${name} ${o.name}[${i}] = ${got[i]}, interpreter ${w[i]}`).toBe(true);
    });
  }, 60_000);
});
