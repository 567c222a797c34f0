// std.attention on WebGPU (lavapipe without a GPU): the Transformer block of
// test/helpers/attention-model.ts (batched matmuls over heads, transposes, masked softmax, a
// causal mask from tril, a gathered position table) equals the reference
// interpreter, forward and training step, as on the CPU targets (test/stdlib/attention.test.ts).
import { describe, expect, it } from "vitest";
import { interpret } from "../../src/ir/interpret.ts";
import type { Fn } from "../../src/ir/ir.ts";
import { requireGpu } from "../helpers/webgpu.ts";
import { runOnGpu } from "../helpers/run-wgsl.ts";
import { ATTENTION_DIMS, attentionArgs, attentionBlock } from "../helpers/attention-model.ts";

describe("std.attention on WebGPU", () => {
  const m = attentionBlock();
  it.each([m.forward, m.train!.fn].map((fn): [string, Fn] => [fn.name, fn]))("%s equals the reference interpreter", async (_name, fn) => {
    const g = await requireGpu();
    const args = attentionArgs(fn);
    const want = interpret(fn, args.map((a) => Float64Array.from(a)), ATTENTION_DIMS);
    const run = await runOnGpu(g.device, fn, args, ATTENTION_DIMS);
    expect(run.messages).toEqual([]);
    fn.outputs.forEach((o, k) => {
      const w = want[k]!;
      const got = run.outputs[k]!;
      expect(got.length, o.name).toBe(w.length);
      // float32 through two softmaxes: a few ulps of each value's scale.
      const i = w.findIndex((v, j) => !(Math.abs(got[j]! - v) <= 2e-5 * (1 + Math.abs(v))));
      if (i >= 0) expect.fail(`${fn.name} ${o.name}[${i}] = ${got[i]}, interpreter ${w[i]}`);
    });
  }, 300_000);
});
