// The training step continues from the forward function's elaboration when the model read nothing
// that depends on the mode (step.ts, `continuing`): the step must be exactly the one a second,
// training-mode elaboration gives, and a model that reads `training` (dropout, batch statistics,
// user code) must be elaborated again.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadProgram } from "../../src/check/modules.ts";
import { forwardFn } from "../../src/check/program.ts";
import { printFn } from "../../src/ir/print.ts";
import { trainStepFn } from "../../src/step/step.ts";
import { ROOT } from "../stdlib/harness.ts";

const source = (body: string) => `
import std.layers.{Dense, Dropout, BatchNorm}
import std.optimizers.{adam}
model M {
  input x: f32[B, 4]
  output y: f32[B, 2]
${body}
}
train M {
  target t: f32[B, 2]
  loss = mean((y - t) ^ 2)
  optimizer = adam(lr: 0.01)
}`;

function steps(body: string) {
  const { entry } = loadProgram(join(ROOT, "derived_test.dnn"), source(body));
  const decl = entry.models.get("M")!;
  const train = entry.trains[0]!;
  const forward = forwardFn(decl, entry);
  expect(forward.el.diagnostics).toEqual([]);
  const fresh = trainStepFn(train, decl, entry);
  const derived = trainStepFn(train, decl, entry, { forward });
  return { readTraining: forward.el.readTraining, fresh: printFn(fresh.step!.fn), derived: printFn(derived.step!.fn), states: [fresh.step!.states, derived.step!.states].map((s) => s.map((x) => x.name)) };
}

describe("a training step continued from the forward elaboration", () => {
  it("is the step a training-mode elaboration makes, for a model that does not read the mode", () => {
    const s = steps("  let h = x |> Dense(8, activation: relu)\n  y = h |> Dense(2)");
    expect(s.readTraining).toBe(false);
    expect(s.derived).toBe(s.fresh);
    expect(s.states[1]).toEqual(s.states[0]);
    expect(s.fresh).toContain("train_step");
  });

  for (const [what, body] of [
    ["Dropout", "  y = x |> Dense(8) |> Dropout(0.5) |> Dense(2)"],
    ["BatchNorm", "  y = x |> Dense(8) |> BatchNorm() |> Dense(2)"],
    ["`if training`", "  let h = x |> Dense(2)\n  y = if training { h * 0.5 } else { h }"],
  ] as const)
    it(`is elaborated again for a model that reads the mode (${what})`, () => {
      const s = steps(body);
      expect(s.readTraining).toBe(true);
      // The forward (inference) elaboration is not the training one: continuing from it would be wrong.
      expect(s.derived).toBe(s.fresh);
    });
});
