// A small Transformer block on std.attention, shared by the tests that run it through generated
// code (test/stdlib/attention.test.ts on the ts and wasm targets, test/webgpu/attention.test.ts
// on WebGPU) against the reference interpreter: learned positions, causal self-attention with an
// i32 padding mask over a symbolic length T, then cross-attention to a memory of 3 positions,
// trained one step. Small, as lavapipe compiles every kernel's shader on the CPU.
import type { Fn } from "../../src/ir/ir.ts";
import { evalDim } from "../../src/ir/dim.ts";
import { size } from "../../src/ir/shape.ts";
import { mulberry32 } from "../../src/runtime/random-order.ts";
import { compileModel } from "../stdlib/harness.ts";

export const ATTENTION_BLOCK = `import std.attention.{MultiHeadAttention, PositionalEmbedding}
import std.losses.{mse}
import std.optimizers.{sgd}

model Block {
  input  x: f32[B, T, 8]
  input  pad: i32[B, T]
  input  memory: f32[B, 3, 6]
  output y: f32[B, T, 8]
  let h = x |> PositionalEmbedding(6, 8)
  y = h |> MultiHeadAttention(2, 4, value_dim: 3, causal: true, mask: pad) |> MultiHeadAttention(2, 4, context: memory)
}

train Block {
  target t: f32[B, T, 8]
  loss = mse(y, t)
  optimizer = sgd()
}`;

export const ATTENTION_DIMS = { B: 2, T: 5 };

export const attentionBlock = () => compileModel(ATTENTION_BLOCK);

/** Arguments for `fn`: seeds and steps 1, the padding mask 0 or 1, everything else uniform on [−0.5, 0.5) (seeded). */
export function attentionArgs(fn: Fn): number[][] {
  const next = mulberry32(7);
  const value = (a: Fn["args"][number]) => () => (a.dtype === "i32" ? Math.round(next()) : Math.fround(next() - 0.5));
  return fn.args.map((a) => (a.role === "seed" || a.role === "step" ? [1] : Array.from({ length: evalDim(size(a.shape), ATTENTION_DIMS)! }, value(a))));
}
