// A state an optimizer's update neither reads nor assigns never changes: the training step
// drops it from its arguments and outputs, and init does not create it.
import { describe, expect, it } from "vitest";
import { compileModel } from "../stdlib/harness.ts";

const source = (optimizer: string) => `
optimizer keeps_one(lr: float = 0.1, use_trace: bool = false) {
  state trace = 0.0
  state unused = 5.0
  update(p, g) {
    trace = if use_trace { 0.5 * trace + g } else { trace }
    p = p - lr * g
  }
}
model M {
  input x: f32[B, 2]
  output y: f32[B]
  param w: f32[2] = [1, 2]
  y = x @ w
}
train M {
  target t: f32[B]
  loss = mean((y - t) ^ 2)
  optimizer = ${optimizer}
}`;

const stateNames = (optimizer: string) => {
  const m = compileModel(source(optimizer));
  const fn = m.train!.fn;
  return {
    args: fn.args.filter((a) => a.role === "state").map((a) => a.name),
    outputs: fn.outputs.map((o) => o.name).filter((n) => n.includes("/")),
    init: m.init.outputs.map((o) => o.name).filter((n) => n.includes("/")),
    specs: m.train!.states.map((s) => s.name),
  };
};

describe("optimizer states the update never reads", () => {
  it("are dropped from the step's arguments and outputs and from init", () => {
    const s = stateNames("keeps_one()");
    expect(s).toEqual({ args: [], outputs: [], init: [], specs: [] });
  });

  it("are kept when the update reads them", () => {
    const s = stateNames("keeps_one(use_trace: true)");
    expect(s).toEqual({ args: ["w/keeps_one.trace"], outputs: ["w/keeps_one.trace"], init: ["w/keeps_one.trace"], specs: ["w/keeps_one.trace"] });
  });
});
