// Drives small .dnn models through the compiler and the float64 reference interpreter, so the
// stdlib tests can compare a definition with a plain-JS formula written from its specification
// (Keras's documentation and source), never with the compiler's own output.
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";
import { compile, type CompiledModel } from "../../src/compiler.ts";
import { interpret } from "../../src/ir/interpret.ts";
import type { Fn } from "../../src/ir/ir.ts";
import { CAPTURE } from "../helpers/capture.ts";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** Compiles `text` as a file at the repository root and returns its models; throws with the diagnostics otherwise. */
export function compileModels(text: string): CompiledModel[] {
  const c = compile(join(ROOT, "stdlib_test.dnn"), text);
  const errors = c.diagnostics.filter((d) => d.severity === "error");
  if (errors.length > 0 || c.models.length === 0)
    throw new Error(`compilation failed:\n${c.diagnostics.map((d) => `${d.code} ${d.message} (at offset ${d.span.start} of ${d.span.file})`).join("\n")}\n--- source ---\n${text}`);
  return c.models;
}

export function compileModel(text: string): CompiledModel {
  return compileModels(text)[0]!;
}

/** Runs `fn` on arguments given by name (every argument must be given); returns the outputs by name. */
export function run(fn: Fn, args: Record<string, ArrayLike<number>>, dims: Record<string, number> = {}): Record<string, number[]> {
  const values = fn.args.map((a) => {
    const v = args[a.name];
    if (!v) throw new Error(`${fn.name}: no value for argument ${a.name} (${a.role}); its arguments are ${fn.args.map((x) => x.name).join(", ")}`);
    return Float64Array.from(v);
  });
  const outs = interpret(fn, values, dims);
  return Object.fromEntries(fn.outputs.map((o, i) => [o.name, [...outs[i]!]]));
}

/** Runs a model's init function with `seed`: every parameter and optimizer state by name. */
export function runInit(m: CompiledModel, seed: number): Record<string, number[]> {
  const seedArg = m.init.args.find((a) => a.role === "seed");
  return run(m.init, seedArg ? { [seedArg.name]: [seed] } : {});
}

/** |actual − expected| ≤ atol + rtol·|expected| element-wise; both must be finite where expected is. */
export function expectClose(what: string, actual: readonly number[], expected: readonly number[], rtol = 1e-12, atol = 1e-12): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    if (Number.isFinite(e) && !Number.isFinite(a)) expect.fail(`${what}[${i}] = ${a}, expected the finite ${e}`);
    const ok = a === e || Math.abs(a - e) <= atol + rtol * Math.abs(e);
    if (!ok) expect.fail(`${what}[${i}] = ${a}, expected ${e} (|diff| = ${Math.abs(a - e)}, rtol ${rtol}, atol ${atol})`);
  }
}

/** Every std.losses definition, and log_softmax, in scope for lossValue's and lossGrad's expressions. */
export const LOSS_IMPORTS = `import std.losses.{mse, rmse, mae, msle, rmsle, huber, log_cosh, poisson, kl_divergence, half_sse, binary_cross_entropy,
  binary_cross_entropy_from_logits, cross_entropy, sparse_cross_entropy, nll, log_probabilities}
import std.activations.{log_softmax}`;

/**
 * The value of a loss expression over p and t (both f32[B, n], row-major) and labels l (i32[B]), with
 * B = p.length / n, through the forward function in the float64 interpreter.
 */
export function lossValue(expr: string, p: readonly number[], t: readonly number[], labels: readonly number[], n: number): number {
  const m = compileModel(`${LOSS_IMPORTS}
model L {
  input p: f32[B, ${n}]
  input t: f32[B, ${n}]
  input l: i32[B]
  output loss_value: f32[]
  loss_value = ${expr}
}`);
  const args = Object.fromEntries(m.forward.args.map((a) => [a.name, a.name === "p" ? p : a.name === "t" ? t : labels]));
  return run(m.forward, args, { B: p.length / n })["loss_value"]![0]!;
}

/**
 * The gradient of the same loss expression with respect to p, at p (t and l fixed): p becomes a parameter,
 * the expression the training loss, and the CAPTURE optimizer stores the gradient the compiled training
 * step (reverse-mode autodiff) hands it.
 */
export function lossGrad(expr: string, p: readonly number[], t: readonly number[], labels: readonly number[], n: number): number[] {
  const b = p.length / n;
  const m = compileModel(`${LOSS_IMPORTS}
${CAPTURE}
model L {
  input t: f32[${b}, ${n}]
  input l: i32[${b}]
  param p: f32[${b}, ${n}] = 0.0
  output pred: f32[${b}, ${n}]
  pred = p
}
train L {
  loss = ${expr.replaceAll(/\bp\b/g, "pred")}
  optimizer = capture()
}`);
  const byName: Record<string, readonly number[]> = { p, t, l: labels, step: [1], "p/capture.grad": p.map(() => 0) };
  return run(m.train!.fn, Object.fromEntries(m.train!.fn.args.map((a) => [a.name, byName[a.name]!])))["p/capture.grad"]!;
}
