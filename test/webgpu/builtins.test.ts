// The built-ins added for issue 20 on WebGPU (lavapipe without a GPU): sin and cos are WGSL
// kernels' own expressions, and argmax, range, tril, reversed slices and i32 arithmetic reach
// the shaders as iotas, comparisons, selects and gathers. The forward function and the training
// step (gradients through sin, cos, tril and a reversed slice) equal the reference interpreter.
import { describe, expect, it } from "vitest";
import { interpret } from "../../src/ir/interpret.ts";
import type { Fn } from "../../src/ir/ir.ts";
import { requireGpu } from "../helpers/webgpu.ts";
import { runOnGpu } from "../helpers/run-wgsl.ts";
import { argsFor, DIMS, model } from "../helpers/builtins-model.ts";

describe("the new built-ins on WebGPU", () => {
  it.each([model.forward, model.train!.fn].map((fn): [string, Fn] => [fn.name, fn]))("%s equals the reference interpreter", async (_name, fn) => {
    const g = await requireGpu();
    const args = argsFor(fn);
    const want = interpret(fn, args.map((a) => Float64Array.from(a)), DIMS);
    const run = await runOnGpu(g.device, fn, args, DIMS);
    expect(run.messages).toEqual([]);
    fn.outputs.forEach((o, k) => {
      const w = want[k]!;
      const got = run.outputs[k]!;
      expect(got.length, o.name).toBe(w.length);
      // WGSL's sin and cos are good to a few float32 ulps over these small arguments.
      const i = w.findIndex((v, j) => !(Math.abs(got[j]! - v) <= 1e-5 * (1 + Math.abs(v))));
      if (i >= 0) expect.fail(`${fn.name} ${o.name}[${i}] = ${got[i]}, interpreter ${w[i]}`);
    });
  }, 120_000);
});
