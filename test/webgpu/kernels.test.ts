// The WGSL kernels (src/backend/wgsl/) run for real on WebGPU (Dawn; lavapipe without a GPU),
// planned and run as a generated module runs them, and compute what the float64 reference
// interpreter computes, for every function of every sample (init, forward, evaluate, the whole
// training step, recurrent ones as loops of dispatches). Every shader compiles with no message.
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { compile } from "../../src/compiler.ts";
import { evalDim } from "../../src/ir/dim.ts";
import { interpret } from "../../src/ir/interpret.ts";
import type { Fn } from "../../src/ir/ir.ts";
import { size } from "../../src/ir/shape.ts";
import { fuse } from "../../src/schedule/fuse.ts";
import { requireGpu, gpuSamples } from "../helpers/webgpu.ts";
import { runOnGpu } from "../helpers/run-wgsl.ts";

const B = 5;
const noise = (n: number, seed: number) => Array.from({ length: n }, (_, i) => Math.fround(Math.sin(12.9898 * (i + 1) + 78.233 * seed)));
// Each training step also with sgd(lr: 0.1) in place of its optimizer: new parameters linear in
// the gradients, so they are compared as tightly as everything else. (Adam's first step,
// lr·g/(|g| + ε), turns float32 noise in a gradient that is 0 in exact arithmetic — an L1
// penalty's sign at a weight that cancels, a bias before BatchNorm — into a step of a sizeable
// fraction of lr, either way: in the shipped steps at most 1 in 1,000 entries may differ, by
// less than 2·lr.)
const withSgd = (text: string) => text.replace(/import std\.optimizers\.\{\w+\}/, "import std.optimizers.{sgd}").replace(/optimizer\s*=\s*[^\n]+/g, "optimizer = sgd(lr: 0.1)");
const all: [string, Fn, Fn][] = gpuSamples(readdirSync("samples"))
  .flatMap((file) => {
    const base = file.replace(/\.dnn$/, "");
    return [
      ...compile(`samples/${file}`).models.flatMap((m) =>
        [m.init, m.forward, ...(m.evaluate ? [m.evaluate] : []), ...(m.train ? [m.train.fn] : [])].map((fn): [string, Fn, Fn] => [`${base} ${m.name}.${fn.name}`, fn, m.init]),
      ),
      ...compile(`samples/${file}`, withSgd(readFileSync(`samples/${file}`, "utf8"))).models.flatMap((m) => (m.train ? [[`${base} ${m.name}.train_step with sgd`, m.train.fn, m.init] as [string, Fn, Fn]] : [])),
    ];
  });
const cases = all;

describe("WGSL kernels on WebGPU", () => {
  it("cover every sample's functions, recurrent ones too", () => {
    expect(cases.some(([, fn]) => fn.nodes.some((n) => n.op === "scan"))).toBe(true);
    expect(cases.length).toBeGreaterThanOrEqual(20);
    expect(cases.some(([, fn]) => fuse(fn).kernels.some((k) => k.kind === "op"))).toBe(true);
  });

  it.each(cases)("%s equals the reference interpreter", async (name, fn, init) => {
    const g = await requireGpu();
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
      // float32 on the GPU (exp/log to a few ulp) against float64, relative to the output's
      // largest entry; the shipped training steps' noise-driven Adam steps as above.
      const shipped = fn.name === "train_step" && !name.endsWith("with sgd");
      const off = [...w.keys()].filter((i) => !(Math.abs(got[i]! - w[i]!) <= 1e-4 + 1e-4 * scale));
      const show = (i: number) => `${name} ${o.name}[${i}] = ${got[i]}, interpreter ${w[i]}`;
      if (!shipped) expect(off.map(show)).toEqual([]);
      else {
        expect(off.length, `${off.length} of ${w.length} entries differ; first: ${off.slice(0, 3).map(show).join("; ")}`).toBeLessThanOrEqual(w.length / 1000);
        for (const i of off) expect(Math.abs(got[i]! - w[i]!), show(i)).toBeLessThan(2e-3);
      }
    });
  }, 60_000);
});
