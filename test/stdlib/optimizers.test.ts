// std.optimizers against plain-JS transcriptions of the update_step methods of Keras 3's
// optimizers (keras/src/optimizers/{sgd,adagrad,rmsprop,adam}.py, and the base optimizer's
// _apply_weight_decay for AdamW), in float64. A linear model y = x @ w + b with an MSE loss is
// compiled with each optimizer; three training steps run in the reference interpreter, feeding
// parameters and optimizer states back in, and after every step both are compared with the
// transcription, which computes the gradient of the MSE by hand.
import { describe, expect, it } from "vitest";
import { compileModel, expectClose, run, runInit } from "./harness.ts";

type Vec = number[];
interface KerasOptimizer {
  /** Our state names (after "<param>/<optimizer>.") mapped to initial values. */
  init: () => Record<string, number>;
  /** One step for one element: (p, g, states, t) → new p; updates `s` in place. t = iterations + 1. */
  step: (p: number, g: number, s: Record<string, number>, t: number) => number;
}

// ---- Keras's update rules, transcribed ------------------------------------------------------

function sgd({ lr = 0.01, momentum = 0.0, nesterov = false } = {}): KerasOptimizer {
  return {
    init: () => ({ velocity: 0 }),
    step: (p, g, s) => {
      if (momentum === 0) return p - g * lr; // Keras keeps no state then; ours is unused
      s["velocity"] = s["velocity"]! * momentum - g * lr;
      return nesterov ? p + (s["velocity"]! * momentum - g * lr) : p + s["velocity"]!;
    },
  };
}

function adagrad({ lr = 0.001, initial_accumulator_value = 0.1, epsilon = 1e-7 } = {}): KerasOptimizer {
  return {
    init: () => ({ accumulator: initial_accumulator_value }),
    step: (p, g, s) => {
      s["accumulator"] = s["accumulator"]! + g * g;
      return p - (lr * g) / Math.sqrt(s["accumulator"]! + epsilon);
    },
  };
}

function rmsprop({ lr = 0.001, rho = 0.9, momentum = 0.0, epsilon = 1e-7, centered = false } = {}): KerasOptimizer {
  return {
    init: () => ({ velocity: 0, average_gradient: 0, momentum_buffer: 0 }),
    step: (p, g, s) => {
      s["velocity"] = rho * s["velocity"]! + (1 - rho) * g * g;
      let denominator: number;
      if (centered) {
        s["average_gradient"] = rho * s["average_gradient"]! + (1 - rho) * g;
        denominator = s["velocity"]! - s["average_gradient"]! ** 2 + epsilon;
      } else denominator = s["velocity"]! + epsilon;
      const increment = (lr * g) / Math.sqrt(denominator);
      if (momentum > 0) {
        s["momentum_buffer"] = momentum * s["momentum_buffer"]! + increment;
        return p - s["momentum_buffer"]!;
      }
      return p - increment;
    },
  };
}

function adamStep(lr: number, beta_1: number, beta_2: number, epsilon: number) {
  return (p: number, g: number, s: Record<string, number>, t: number): number => {
    const alpha = (lr * Math.sqrt(1 - beta_2 ** t)) / (1 - beta_1 ** t);
    s["m"] = s["m"]! + (g - s["m"]!) * (1 - beta_1);
    s["v"] = s["v"]! + (g * g - s["v"]!) * (1 - beta_2);
    return p - (s["m"]! * alpha) / (Math.sqrt(s["v"]!) + epsilon);
  };
}

function adam({ lr = 0.001, beta_1 = 0.9, beta_2 = 0.999, epsilon = 1e-7 } = {}): KerasOptimizer {
  return { init: () => ({ m: 0, v: 0 }), step: adamStep(lr, beta_1, beta_2, epsilon) };
}

function adamw({ lr = 0.001, weight_decay = 0.004, beta_1 = 0.9, beta_2 = 0.999, epsilon = 1e-7 } = {}): KerasOptimizer {
  const inner = adamStep(lr, beta_1, beta_2, epsilon);
  // Optimizer._apply_weight_decay runs before update_step: variable - variable * wd * lr.
  return { init: () => ({ m: 0, v: 0 }), step: (p, g, s, t) => inner(p - p * weight_decay * lr, g, s, t) };
}

// ---- the model and its data -----------------------------------------------------------------

const W0 = [0.5, -0.3];
const B0 = 0.1;
const BATCHES: { x: Vec; t: Vec }[] = [
  { x: [1, 2, -1, 0.5, 3, -2], t: [1, -1, 2] },
  { x: [0.2, -0.4, 2, 2, -1, 1], t: [0.5, 3, -0.5] },
  { x: [-3, 1, 0.1, 0.1, 1, -1], t: [-2, 0, 4] },
];

/** ∂/∂w and ∂/∂b of mean((x @ w + b − t)²) over a batch of 3. */
function mseGrads(w: Vec, b: number, x: Vec, t: Vec): { gw: Vec; gb: number } {
  const n = t.length;
  const r = t.map((ti, i) => x[2 * i]! * w[0]! + x[2 * i + 1]! * w[1]! + b - ti);
  return {
    gw: [0, 1].map((j) => (2 / n) * r.reduce((s, ri, i) => s + ri * x[2 * i + j]!, 0)),
    gb: (2 / n) * r.reduce((s, ri) => s + ri, 0),
  };
}

function source(opt: string): string {
  return `import std.optimizers.{sgd, momentum, adagrad, rmsprop, adam, adamw}

model Linear {
  input x: f32[B, 2]
  output y: f32[B]
  param w: f32[2] = [${W0}]
  param b: f32[] = ${B0}
  y = x @ w + b
}

train Linear {
  target t: f32[B]
  loss = mean((y - t) ^ 2)
  optimizer = ${opt}
}`;
}

const CASES: [string, KerasOptimizer][] = [
  ["sgd()", sgd()],
  ["sgd(lr: 0.1, momentum: 0.9)", sgd({ lr: 0.1, momentum: 0.9 })],
  ["sgd(lr: 0.1, momentum: 0.9, nesterov: true)", sgd({ lr: 0.1, momentum: 0.9, nesterov: true })],
  ["sgd(lr: 0.05, nesterov: true)", sgd({ lr: 0.05, nesterov: true })],
  // momentum(…) is SGD with momentum 0.9 unless given.
  ["momentum()", sgd({ lr: 0.01, momentum: 0.9 })],
  ["momentum(lr: 0.05, nesterov: true)", sgd({ lr: 0.05, momentum: 0.9, nesterov: true })],
  ["momentum(lr: 0.1, momentum: 0.5)", sgd({ lr: 0.1, momentum: 0.5 })],
  ["adagrad()", adagrad()],
  ["adagrad(lr: 0.1, initial_accumulator_value: 0.5, epsilon: 1e-3)", adagrad({ lr: 0.1, initial_accumulator_value: 0.5, epsilon: 1e-3 })],
  ["rmsprop()", rmsprop()],
  ["rmsprop(lr: 0.01, momentum: 0.9)", rmsprop({ lr: 0.01, momentum: 0.9 })],
  ["rmsprop(centered: true)", rmsprop({ centered: true })],
  ["rmsprop(lr: 0.01, rho: 0.8, momentum: 0.5, epsilon: 1e-4, centered: true)", rmsprop({ lr: 0.01, rho: 0.8, momentum: 0.5, epsilon: 1e-4, centered: true })],
  ["adam()", adam()],
  ["adam(lr: 0.01, beta_1: 0.8, beta_2: 0.99, epsilon: 1e-3)", adam({ lr: 0.01, beta_1: 0.8, beta_2: 0.99, epsilon: 1e-3 })],
  ["adamw()", adamw()],
  ["adamw(lr: 0.01, weight_decay: 0.1, beta_1: 0.8, beta_2: 0.99, epsilon: 1e-3)", adamw({ lr: 0.01, weight_decay: 0.1, beta_1: 0.8, beta_2: 0.99, epsilon: 1e-3 })],
];

describe("std.optimizers: three training steps against Keras's update rules", () => {
  it.each(CASES)("%s", (opt, keras) => {
    const optName = opt.slice(0, opt.indexOf("("));
    const model = compileModel(source(opt));
    const fn = model.train!.fn;

    // Our state names, and their initial values from the compiled init function.
    // The learning rate is a state of its own (src/step/step.ts), checked apart from Keras's.
    const stateArgs = fn.args.filter((a) => a.role === "state" && a.name !== "lr").map((a) => a.name);
    expect(fn.args.filter((a) => a.name === "lr").map((a) => a.role)).toEqual(["state"]);
    const kerasStates = { w: [keras.init(), keras.init()], b: [keras.init()] };
    const stateKey = (name: string) => name.slice(name.indexOf(`/${optName}.`) + optName.length + 2);
    // A state the update never reads nor changes leaves the step (uncentered RMSprop's average
    // gradient; Keras does not create it either); every other state is Keras's.
    const expected = Object.keys(keras.init()).filter((k) => !(optName === "rmsprop" && k === "average_gradient" && !opt.includes("centered: true")));
    expect(new Set(stateArgs.map(stateKey)), "state names").toEqual(new Set(expected));
    const values: Record<string, number[]> = runInit(model, 1);
    expectClose("w (init)", values["w"]!, W0, 0, 0);
    for (const s of stateArgs) {
      const param = s.slice(0, s.indexOf("/")) as "w" | "b";
      expectClose(`${s} (init)`, values[s]!, kerasStates[param].map((st) => st[stateKey(s)]!), 0, 0);
    }

    // Keras, by hand.
    let w = [...W0];
    let b = B0;
    BATCHES.forEach((batch, i) => {
      const t = i + 1;
      const { gw, gb } = mseGrads(w, b, batch.x, batch.t);
      w = w.map((wj, j) => keras.step(wj, gw[j]!, kerasStates.w[j]!, t));
      b = keras.step(b, gb, kerasStates.b[0]!, t);

      // Ours, through the interpreter.
      const out = run(fn, { ...values, x: batch.x, t: batch.t, step: [t] }, { B: batch.t.length });
      for (const o of fn.outputs) if (o.name !== "loss") values[o.name] = out[o.name]!;

      expectClose(`w after step ${t}`, values["w"]!, w, 1e-12, 1e-15);
      expectClose(`b after step ${t}`, values["b"]!, [b], 1e-12, 1e-15);
      for (const s of stateArgs) {
        const key = stateKey(s);
        // Keras's plain SGD (momentum 0) has no state to compare.
        if (optName === "sgd" && !/momentum: 0\.[1-9]/.test(opt)) continue;
        // Keras keeps no momentum buffer for rmsprop without momentum, nor an average gradient uncentered.
        if (optName === "rmsprop" && key === "momentum_buffer" && !/momentum: 0\.[1-9]/.test(opt)) continue;
        const param = s.slice(0, s.indexOf("/")) as "w" | "b";
        expectClose(`${s} after step ${t}`, values[s]!, kerasStates[param].map((st) => st[key]!), 1e-12, 1e-15);
      }
    });
    // Three steps moved the parameters (so the comparison is not of constants).
    expect(Math.abs(w[0]! - W0[0]!)).toBeGreaterThan(1e-5);
  });

  it("the transcription of SGD(0.1, momentum=0.9) (as samples/resnet_small.dnn uses) agrees with two steps by hand", () => {
    // Two steps on one scalar by hand: g₁ = 1 → v = −0.1, p = 0.9; g₂ = 1 → v = −0.19, p = 0.71.
    const k = sgd({ lr: 0.1, momentum: 0.9 });
    const s = k.init();
    const p1 = k.step(1, 1, s, 1);
    const p2 = k.step(p1, 1, s, 2);
    expect(p1).toBeCloseTo(0.9, 15);
    expect(p2).toBeCloseTo(0.71, 15);
    expect(s["velocity"]).toBeCloseTo(-0.19, 15);
  });
});
