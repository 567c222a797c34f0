// `clip_norm = c` in a train block: every gradient is scaled by c / max(‖g‖, c), with ‖g‖ the
// norm of all gradients together (tf.clip_by_global_norm, Keras's `global_clipnorm`). Gradients
// are read through the capture optimizer; the loss makes them equal to chosen targets.
import { describe, expect, it } from "vitest";
import { CAPTURE } from "../helpers/capture.ts";
import { compile } from "../../src/compiler.ts";
import { compileModel, expectClose, run } from "../stdlib/harness.ts";

const source = (clip: string, optimizer = "capture()") => `${CAPTURE}
import std.optimizers.{sgd}
model M {
  input x: f32[B, 2]
  output y: f32[B]
  param a: f32[2] = [1, 2]
  param b: f32[] = 0.5
  y = x @ a + b
}
train M {
  target u: f32[2]
  target v: f32[]
  loss = sum(a * u) + b * v
  ${clip}
  optimizer = ${optimizer}
}`;

/** The gradients of a and b at u, v (they equal u and v before clipping). */
function grads(clip: string, u: number[], v: number): { a: number[]; b: number[] } {
  const fn = compileModel(source(clip)).train!.fn;
  const values: Record<string, number[]> = { x: [0, 0], a: [1, 2], b: [0.5], u, v: [v], step: [1], "a/capture.grad": [0, 0], "b/capture.grad": [0] };
  const out = run(fn, values, { B: 1 });
  return { a: out["a/capture.grad"]!, b: out["b/capture.grad"]! };
}

describe("clip_norm", () => {
  it("scales every gradient together when the global norm exceeds the limit", () => {
    // ‖(3, 0, 4)‖ = 5 > 1: all three are divided by 5.
    const g = grads("clip_norm = 1.0", [3, 0], 4);
    expectClose("a's gradient", g.a, [0.6, 0], 1e-12, 1e-15);
    expectClose("b's gradient", g.b, [0.8], 1e-12, 1e-15);
    // The same by tf.clip_by_global_norm's definition: g · c / max(‖g‖, c) with ‖g‖ = 13 here.
    const h = grads("clip_norm = 2.5", [12, -3], 4);
    const scale = 2.5 / 13;
    expectClose("a's gradient", h.a, [12 * scale, -3 * scale], 1e-12, 1e-15);
    expectClose("b's gradient", h.b, [4 * scale], 1e-12, 1e-15);
  });

  it("leaves gradients whose global norm is within the limit untouched", () => {
    const g = grads("clip_norm = 1.0", [0.3, 0], 0.4);
    expectClose("a's gradient", g.a, [0.3, 0], 1e-12, 1e-15);
    expectClose("b's gradient", g.b, [0.4], 1e-12, 1e-15);
  });

  it("without clip_norm, gradients are not clipped", () => {
    const g = grads("", [3, 0], 4);
    expect([...g.a, ...g.b]).toEqual([3, 0, 4]);
  });

  it("clips what the optimizer sees: sgd(lr: 0.1) moves a by −0.1 · the clipped gradient", () => {
    const fn = compileModel(source("clip_norm = 1.0", "sgd(lr: 0.1)")).train!.fn;
    const states = Object.fromEntries(fn.args.filter((a) => a.role === "state").map((a) => [a.name, a.name === "lr" ? [0.1] : a.name.startsWith("a/") ? [0, 0] : [0]]));
    const out = run(fn, { x: [0, 0], a: [1, 2], b: [0.5], u: [3, 0], v: [4], step: [1], ...states }, { B: 1 });
    expectClose("a", out["a"]!, [1 - 0.06, 2], 1e-12, 1e-15);
    expectClose("b", out["b"]!, [0.5 - 0.08], 1e-12, 1e-15);
  });

  it.each([
    ["clip_norm = 0.0", "found 0"],
    ["clip_norm = -1.0", "found -1"],
    ['clip_norm = "big"', "found string"],
    ["clip_norm = a", "found f32[2]"],
  ])("%s is DNN0410", (clip, found) => {
    const c = compile("clip.dnn", source(clip));
    expect(c.diagnostics.map((d) => d.code)).toEqual(["DNN0410"]);
    expect(c.diagnostics[0]!.message).toContain(found);
  });
});
