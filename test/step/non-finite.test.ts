// The training step's guard, in the IR itself (src/step/step.ts), so that every target gets
// it by construction: on the float64 reference interpreter, a step whose batch holds a NaN or
// an infinity returns every parameter, optimizer state and layer state exactly as it received
// them, and its last output, the finiteness flag, is 0; on a finite batch the flag is 1 and the
// states move. (The generated modules' behaviour is tested in test/backend/ts/non-finite.test.ts
// and test/webgpu/non-finite.test.ts.)
import { describe, expect, it } from "vitest";
import { compile } from "../../src/compiler.ts";
import { evalDim } from "../../src/ir/dim.ts";
import { interpret } from "../../src/ir/interpret.ts";
import { size } from "../../src/ir/shape.ts";
import { FINITE_OUTPUT } from "../../src/model.ts";
import { withoutGuard } from "../../src/step/step.ts";
import { initialValues, noise } from "../helpers/sample-values.ts";

const DIMS = { B: 2 };

describe("the training step keeps every state when the loss or a gradient is not finite", () => {
  for (const sample of ["mlp_digits", "regularized_mlp", "backprop_221"])
    for (const bad of [NaN, Infinity])
      it(`${sample}, ${bad} in the first float input`, () => {
        const m = compile(`samples/${sample}.dnn`).models[0]!;
        const fn = m.train!.fn;
        const init = initialValues(m);
        const args = (poison: boolean) =>
          fn.args.map((a, k) => {
            if (a.role === "step") return Float64Array.of(1);
            if (a.role === "param" || a.role === "state") return Float64Array.from(init.get(a.name)!);
            const n = evalDim(size(a.shape), DIMS)!;
            const v = a.dtype === "i32" ? Float64Array.from({ length: n }, (_, j) => (j + k) % 2) : Float64Array.from(noise(n, k + 1));
            if (poison && a.role === "input" && a.dtype === "f32") v[n - 1] = bad;
            return v;
          });
        expect(fn.outputs.at(-1)!.name).toBe(FINITE_OUTPUT);
        const stateOutputs = fn.outputs.map((o, i) => [o.name, i] as const).filter(([name]) => init.has(name));
        expect(stateOutputs.length).toBe(fn.args.filter((a) => a.role === "param" || a.role === "state").length);
        const inputs = args(true);
        const out = interpret(fn, inputs, DIMS);
        expect([...out.at(-1)!]).toEqual([0]);
        for (const [name, i] of stateOutputs) expect([...out[i]!], name).toEqual([...inputs[fn.args.findIndex((a) => a.name === name)]!]);
        // The same step on a finite batch is taken, and moves some state.
        const fine = args(false);
        const ok = interpret(fn, fine, DIMS);
        expect([...ok.at(-1)!]).toEqual([1]);
        expect(stateOutputs.some(([name, i]) => ok[i]!.some((v, j) => v !== fine[fn.args.findIndex((a) => a.name === name)]![j]))).toBe(true);
        // …and gives exactly what the step without the guard gives: loss, parameters, states.
        const plain = withoutGuard(fn);
        const unguarded = interpret(plain, fine, DIMS);
        plain.outputs.forEach((o, i) => expect([...ok[fn.outputs.findIndex((x) => x.name === o.name)]!], o.name).toEqual([...unguarded[i]!]));
      }, 120_000);
});
