// The `evaluate` IR function of every sample's train block, named programs' too (src/step/evaluate.ts): inputs,
// parameters and targets in, the loss out, in inference mode. Checked three ways: its signature
// (nothing an update needs: no optimizer state, no step), the reference interpreter against the
// training step's loss where inference and training agree (no dropout, no BatchNorm), and the
// generated code against the interpreter on every sample.
import { readdirSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compile, type CompiledModel } from "../../../src/compiler.ts";
import { evalDim, symbolsOf } from "../../../src/ir/dim.ts";
import { interpret } from "../../../src/ir/interpret.ts";
import type { Fn } from "../../../src/ir/ir.ts";
import { size } from "../../../src/ir/shape.ts";
import { compileFns, type TsModule } from "../../helpers/run-ts.ts";
import { initialValues, noise } from "../../helpers/sample-values.ts";

const DIMS = { B: 3 };
const samples = readdirSync("samples").filter((f) => f.endsWith(".dnn"));
/** A training program of a sample's model: the default one, or a named one (`train M.name`). */
interface Program {
  train: NonNullable<CompiledModel["train"]>;
  evaluate?: Fn;
}
const programsOf = (m: CompiledModel): [string, Program][] => [
  ...(m.train ? [["", { train: m.train, ...(m.evaluate ? { evaluate: m.evaluate } : {}) }] as [string, Program]] : []),
  ...(m.programs ?? []).map((p): [string, Program] => [`_${p.name}`, p]),
];
const models: [string, CompiledModel, Program][] = samples.flatMap((file) =>
  compile(`samples/${file}`).models.flatMap((m) => programsOf(m).map(([suffix, p]): [string, CompiledModel, Program] => [`${file.replace(/\.dnn$/, "")}_${m.name}${suffix}`, m, p])),
);
/** Models whose forward pass does not depend on `training` (no dropout, no BatchNorm). */
/** Inference and training compute the same loss unless training draws noise (dropout) or
 * normalises by batch statistics (BatchNorm: a layer state the step updates). */
function trainingDiffers(m: CompiledModel, p: Program): boolean {
  const fn = p.train.fn;
  const updatesState = m.params.some((p) => !p.trainable && fn.nodes[fn.outputs.find((o) => o.name === p.name)!.id]!.op !== "arg");
  return updatesState || fn.nodes.some((n) => n.op === "random");
}

/** Arguments of `fn` by name: parameters and states from init (seed 5), inputs and targets deterministic. */
function argsFor(fn: Fn, m: CompiledModel, p: Program): number[][] {
  const initByName = initialValues(m);
  const inputs = [...m.inputs, ...p.train.targets];
  return fn.args.map((a) => {
    if (a.role === "step") return [1];
    if (a.role === "param" || a.role === "state") return initByName.get(a.name)!;
    const k = inputs.findIndex((t) => t.name === a.name);
    const n = evalDim(size(a.shape), DIMS)!;
    return a.dtype === "i32" ? Array.from({ length: n }, (_, j) => (j * 7 + k) % 2) : noise(n, k + 1);
  });
}
const dimsOf = (fn: Fn) => Object.fromEntries([...new Set(fn.args.flatMap((a) => a.shape.flatMap((d) => symbolsOf(d))))].map((x) => [x, DIMS[x as "B"]]));

let mod: TsModule;
beforeAll(async () => {
  const fns: Record<string, Fn> = {};
  for (const [name, , p] of models) if (p.evaluate) fns[`${name}_evaluate`] = p.evaluate;
  mod = await compileFns(fns);
}, 180_000);
afterAll(() => mod?.cleanup());

describe("evaluate of every sample", () => {
  it("every model with a train block has one: inputs, parameters and targets in, the loss out", () => {
    expect(models.length).toBeGreaterThanOrEqual(7);
    for (const [name, m, p] of models) {
      expect(p.evaluate, name).toBeDefined();
      const fn = p.evaluate!;
      expect(fn.outputs.map((o) => o.name), name).toEqual(["loss"]);
      expect(fn.args.map((a) => a.role).filter((r) => r !== "input" && r !== "param" && r !== "target"), name).toEqual([]);
      expect(fn.args.filter((a) => a.role === "param").map((a) => a.name), name).toEqual(m.params.map((p) => p.name));
      expect(fn.args.filter((a) => a.role === "target").map((a) => a.name), name).toEqual(p.train.targets.map((t) => t.name));
    }
  });

  it("the generated module of every evaluate function passes tsc --strict alone", () => {
    expect(mod.tsc.output).toBe("");
  });

  it.each(models)("%s: generated code = interpreter; = the training step's loss exactly where inference and training agree, another loss elsewhere", (name, m, p) => {
    const fn = p.evaluate!;
    const args = argsFor(fn, m, p);
    const want = interpret(fn, args.map((a) => Float64Array.from(a)), dimsOf(fn))[0]![0]!;
    const got = mod.run(`${name}_evaluate`, args, dimsOf(fn))[0]![0]!;
    expect(Number.isFinite(want)).toBe(true);
    expect(Math.abs(got - want), `${name}: generated ${got}, interpreter ${want}`).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(want)));
    const step = p.train.fn;
    const loss = interpret(step, argsFor(step, m, p).map((a) => Float64Array.from(a)), dimsOf(step))[0]![0]!;
    if (!trainingDiffers(m, p)) expect(Math.abs(loss - want), `${name}: training step's loss ${loss}, evaluate ${want}`).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(want)));
    // With dropout or BatchNorm, training mode gives another loss: evaluate is not the training forward.
    else expect(Math.abs(loss - want), `${name}: training step's loss ${loss}, evaluate ${want}`).toBeGreaterThan(1e-6);
  }, 60_000);
});
