// std.attention as the checker and the generated code see it: the weights and parameter counts
// a model gets (Keras's), the diagnostics for arguments out of range and inputs of the wrong
// rank, dropout, and the generated code of both CPU targets (ts, wasm) against the reference
// interpreter on a small Transformer block (test/helpers/attention-model.ts), forward and
// training step (on WebGPU in test/webgpu/attention.test.ts). Values and gradients against
// TensorFlow.js are in test/oracle/attention.test.ts.
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compile } from "../../src/compiler.ts";
import { interpret } from "../../src/ir/interpret.ts";
import type { Fn } from "../../src/ir/ir.ts";
import { evalDim } from "../../src/ir/dim.ts";
import { size } from "../../src/ir/shape.ts";
import { wasmFlavour } from "../../src/backend/wasm/target.ts";
import { compileFns, type TsModule } from "../helpers/run-ts.ts";
import { mulberry32 } from "../../src/runtime/random-order.ts";
import { ROOT, compileModel, run } from "./harness.ts";
import { ATTENTION_DIMS, attentionArgs, attentionBlock } from "../helpers/attention-model.ts";

const IMPORTS = "import std.attention.{MultiHeadAttention, PositionalEmbedding, SinusoidalPositionEncoding}";

describe("MultiHeadAttention's weights", () => {
  it("are Keras's names, shapes and counts, with and without biases", () => {
    const m = compileModel(`${IMPORTS}
model M {
  input  x: f32[B, 6, 8]
  output y: f32[B, 6, 8]
  y = x |> MultiHeadAttention(4, 16) |> MultiHeadAttention(2, 3, value_dim: 5, use_bias: false)
}`);
    expect(m.params.map((p) => [p.name, p.shape])).toEqual([
      ["multi_head_attention.query_kernel", [8, 4, 16]],
      ["multi_head_attention.query_bias", [4, 16]],
      ["multi_head_attention.key_kernel", [8, 4, 16]],
      ["multi_head_attention.key_bias", [4, 16]],
      ["multi_head_attention.value_kernel", [8, 4, 16]],
      ["multi_head_attention.value_bias", [4, 16]],
      ["multi_head_attention.output_kernel", [4, 16, 8]],
      ["multi_head_attention.output_bias", [8]],
      ["multi_head_attention_1.query_kernel", [8, 2, 3]],
      ["multi_head_attention_1.key_kernel", [8, 2, 3]],
      ["multi_head_attention_1.value_kernel", [8, 2, 5]],
      ["multi_head_attention_1.output_kernel", [2, 5, 8]],
    ]);
    const counts = m.summary.filter((r) => r.kind === "layer").map((r) => r.params);
    // Keras: 3·(d·h·k + h·k) + h·k·d + d with value_dim = key_dim; without biases d·h·k·2 + d·h·v + h·v·d.
    expect(counts).toEqual([3 * (8 * 4 * 16 + 4 * 16) + 4 * 16 * 8 + 8, 8 * 2 * 3 * 2 + 8 * 2 * 5 + 2 * 5 * 8]);
  });
});

describe("masks and contexts", () => {
  it("cross-attention sizes the key and value kernels by the context's width, Keras's count", () => {
    const m = compileModel(`${IMPORTS}
model M {
  input  x: f32[B, 5, 8]
  input  c: f32[B, 3, 6]
  input  pad: i32[B, 3]
  output y: f32[B, 5, 8]
  y = x |> MultiHeadAttention(2, 3, value_dim: 4, context: c, mask: pad)
}`);
    expect(m.params.map((p) => [p.name.slice("multi_head_attention.".length), p.shape])).toEqual([
      ["query_kernel", [8, 2, 3]],
      ["query_bias", [2, 3]],
      ["key_kernel", [6, 2, 3]],
      ["key_bias", [2, 3]],
      ["value_kernel", [6, 2, 4]],
      ["value_bias", [2, 4]],
      ["output_kernel", [2, 4, 8]],
      ["output_bias", [8]],
    ]);
    // Keras: d·h·k + dc·h·k + dc·h·v + h·v·d + (h·k + h·k + h·v + d).
    expect(m.summary.find((r) => r.kind === "layer")!.params).toBe(8 * 2 * 3 + 6 * 2 * 3 + 6 * 2 * 4 + 2 * 4 * 8 + (6 + 6 + 8 + 8));
  });
});

describe("dropout", () => {
  // Forward (inference) and the training step's output y through the capture optimizer.
  const source = (rate: number) => `${IMPORTS}
import std.losses.{mse}
import std.optimizers.{sgd}
model M {
  input  x: f32[2, 5, 8]
  output y: f32[2, 5, 8]
  y = x |> MultiHeadAttention(2, 4, dropout: ${rate})
}
train M {
  loss = mean(y ^ 2)
  optimizer = sgd()
}`;
  const next = mulberry32(11);
  const [plain, dropped] = [compileModel(source(0)), compileModel(source(0.5))];
  const args = (fn: Fn) => Object.fromEntries(fn.args.map((a) => [a.name, Array.from({ length: evalDim(size(a.shape), {})! }, () => (a.role === "seed" || a.role === "step" ? 1 : Math.fround(next() - 0.5)))]));
  const forwardArgs = args(plain.forward);

  it("is the identity at inference: the forward function is the same as without it", () => {
    expect(run(dropped.forward, forwardArgs)["y"]).toEqual(run(plain.forward, forwardArgs)["y"]);
  });

  it("changes the training step: seeded noise drops attention weights, so the updated weights differ", () => {
    const trainArgs = args(plain.train!.fn);
    const [a, b] = [run(plain.train!.fn, trainArgs), run(dropped.train!.fn, trainArgs)];
    const kernel = "multi_head_attention.value_kernel";
    expect(b[kernel]!.every(Number.isFinite)).toBe(true);
    expect(b[kernel]!.some((v, i) => Math.abs(v - a[kernel]![i]!) > 1e-9)).toBe(true);
    // The same seed draws the same noise: the step is reproducible.
    expect(run(dropped.train!.fn, trainArgs)[kernel]).toEqual(b[kernel]);
  });
});

describe("diagnostics", () => {
  const diagnosed: [string, string, string, RegExp][] = [
    ["MultiHeadAttention(0, 8)", "f32[B, 5, 8]", "DNN0216", /MultiHeadAttention: num_heads must be at least 1/],
    ["MultiHeadAttention(2, 0)", "f32[B, 5, 8]", "DNN0216", /MultiHeadAttention: key_dim must be at least 1/],
    ["MultiHeadAttention(2, 4, value_dim: 0)", "f32[B, 5, 8]", "DNN0216", /MultiHeadAttention: value_dim must be at least 1/],
    ["MultiHeadAttention(2, 4, dropout: 1.0)", "f32[B, 5, 8]", "DNN0216", /MultiHeadAttention: dropout must be less than 1/],
    ["MultiHeadAttention(2, 4)", "f32[B, 8]", "DNN0302", /MultiHeadAttention expects f32\[B, T, d\]/],
    ["MultiHeadAttention(2, 4)", "f32[B, 2, 5, 8]", "DNN0302", /MultiHeadAttention expects f32\[B, T, d\]/],
    ["PositionalEmbedding(0, 8)", "f32[B, 5, 8]", "DNN0216", /PositionalEmbedding: sequence_length must be at least 1/],
    ["PositionalEmbedding(10, 6)", "f32[B, 5, 8]", "DNN0301", /PositionalEmbedding expects f32\[B, 5, 6\]/],
    ["SinusoidalPositionEncoding()", "f32[B, 8]", "DNN0302", /SinusoidalPositionEncoding expects f32\[B, T, d\]/],
    // Masks and contexts: the mask's rank, then its sizes against the scores [B, heads, T, S].
    ["MultiHeadAttention(2, 4, mask: m_vector)", "f32[B, 5, 8]", "DNN0216", /mask must be a padding mask of the keys \[B, S\] or an attention mask \[B, T, S\]/],
    ["MultiHeadAttention(2, 4, mask: m_short)", "f32[B, 5, 8]", "DNN0301", /`padding_mask` expects f32\[B, 5\] for `mask`, found f32\[B, 4\]/],
    ["MultiHeadAttention(2, 4, mask: m_swapped)", "f32[B, 5, 8]", "DNN0301", /`attention_mask` expects f32\[B, 5, 5\] for `mask`, found f32\[B, 4, 5\]/],
    ["MultiHeadAttention(2, 4, context: c_other_batch)", "f32[B, 5, 8]", "DNN0301", /`attention_context` expects f32\[B, S, e\] for `context`, found f32\[C, 3, 8\]/],
    ["MultiHeadAttention(2, 4, context: c_flat)", "f32[B, 5, 8]", "DNN0216", /context must be a sequence \[B, S, d_context\]/],
    ["MultiHeadAttention(2, 4, context: c_int)", "f32[B, 5, 8]", "DNN0201", /`context_width` expects f32\[B, S, e\] for `context`, found i32\[B, 3, 8\]/],
    ["MultiHeadAttention(2, 4, context: c_flat[:, :6], mask: m_short)", "f32[B, 5, 8]", "DNN0216", /context must be a sequence/],
  ];
  // Arguments for the mask and context cases; those a case does not name are unused.
  const others = ["m_vector: f32[5]", "m_short: f32[B, 4]", "m_swapped: f32[B, 4, 5]", "c_other_batch: f32[C, 3, 8]", "c_flat: f32[B, 8]", "c_int: i32[B, 3, 8]"].map((d) => `  input  ${d}\n`).join("");
  it.each(diagnosed)("x: %s |> … %s is %s", (stage, type, code, message) => {
    const src = `${IMPORTS}\nmodel M {\n  input  x: ${type}\n${others}  output y: f32[B, 1]\n  y = reshape(x |> ${stage}, [B, -1])[:, :1]\n}\n`;
    const errors = compile(join(ROOT, "attention_test.dnn"), src).diagnostics.filter((d) => d.severity === "error");
    expect(errors.map((d) => d.code)).toEqual([code]);
    expect(errors[0]!.message).toMatch(message);
    expect(src.slice(errors[0]!.span.start, errors[0]!.span.end)).toBe(stage); // at the call in the user's file
  });
});

describe.each(["ts", "wasm"])("generated code = reference interpreter on a causal attention block with masks and a context (%s target)", (target) => {
  const m = attentionBlock();
  const fns = [m.forward, m.train!.fn];
  let mod: TsModule;
  beforeAll(async () => {
    mod = await compileFns(Object.fromEntries(fns.map((fn) => [fn.name, fn])), target === "wasm" ? wasmFlavour() : undefined);
  }, 120_000);
  afterAll(() => mod.cleanup());

  it("the module passes tsc --strict alone", () => expect(mod.tsc.output).toBe(""));
  it.each(fns.map((fn): [string, Fn] => [fn.name, fn]))("%s", (name, fn) => {
    const a = attentionArgs(fn);
    const want = interpret(fn, a.map((v) => Float64Array.from(v)), ATTENTION_DIMS);
    const got = mod.run(name, a, ATTENTION_DIMS);
    fn.outputs.forEach((o, k) => {
      const w = want[k]!;
      const g = got[k]!;
      expect(g.length, o.name).toBe(w.length);
      const i = Array.from(w).findIndex((v, j) => !(Math.abs(g[j]! - v) <= 2e-5 * (1 + Math.abs(v))));
      if (i >= 0) expect.fail(`${name} ${o.name}[${i}] = ${g[i]}, interpreter ${w[i]}`);
    });
  });
});
