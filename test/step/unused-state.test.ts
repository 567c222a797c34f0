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
    args: fn.args.filter((a) => a.role === "state" && a.name.includes("/")).map((a) => a.name),
    outputs: fn.outputs.map((o) => o.name).filter((n) => n.includes("/")),
    init: m.init.outputs.map((o) => o.name).filter((n) => n.includes("/")),
    specs: m.train!.states.map((s) => s.name).filter((n) => n.includes("/")),
  };
};

describe("the learning rate", () => {
  it("is a state of its own, `lr`, initialised to the train block's value and returned unchanged", () => {
    const m = compileModel(source("keeps_one(lr: 0.25)"));
    const fn = m.train!.fn;
    expect(fn.args.filter((a) => a.name === "lr").map((a) => [a.role, a.shape])).toEqual([["state", []]]);
    const lr = fn.args.findIndex((a) => a.name === "lr");
    const out = fn.outputs.find((o) => o.name === "lr")!;
    expect(fn.nodes[out.id]).toMatchObject({ op: "arg", index: lr });
    expect(m.train!.states.find((s) => s.name === "lr")?.init).toEqual({ kind: "number", value: 0.25, isInt: false });
  });

  it("is left out when the update never reads it", () => {
    const m = compileModel(source("keeps_one()").replace("p = p - lr * g", "p = p - 0.1 * g"));
    expect(m.train!.fn.args.map((a) => a.name)).not.toContain("lr");
    expect(m.init.outputs.map((o) => o.name)).not.toContain("lr");
  });
});

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
