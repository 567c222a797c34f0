// Runtime of every generated module (both targets): the public types of the model API and what
// the runtime knows of a model as data (its description: name, parameters, the tensors save()
// writes), with the parameter lookups and checks both targets' classes share. Real, type-checked
// code that the emitters paste (minus `export`) into the module (backend/runtime-parts.ts).
import { describe } from "./describe.ts";
// dnnc:helpers-begin

export interface TensorSpec {
  readonly name: string;
  readonly dtype: "f32" | "i32";
  readonly shape: readonly (number | string)[];
}

export interface LoadOptions {
  /** Skip tensors of the file that the model does not have, instead of refusing the file. */
  ignoreUnknown?: boolean;
}

/** A model as the runtime sees it: the generated class hands it to the runtime's base class. */
export interface ModelDescription {
  /** The model's name, as messages and save() write it. */
  readonly name: string;
  readonly parameters: readonly TensorSpec[];
  /** Names and shapes of the tensors save() writes and load() reads: the parameters, then the optimizer state. */
  readonly stored: readonly { readonly name: string; readonly shape: readonly number[] }[];
  /** The optimizer state's initial values, one per state tensor. */
  readonly stateInitial: readonly number[];
  /** Whether the model has a train block (trainStep, a step count saved with the weights). */
  readonly trains: boolean;
}

/** The index of parameter `name` of `model`; a RangeError naming the method and the parameters there are when it has none. */
export function parameterIndex(model: ModelDescription, name: string, method: string): number {
  const i = model.parameters.findIndex((p) => p.name === name);
  if (i < 0) throw new RangeError(`${model.name}.${method}: no parameter "${name}"; parameters are ${model.parameters.map((p) => p.name).join(", ")}`);
  return i;
}

/** The index of parameter `name`, after checking that `values` is an array of its `size(i)` values. */
export function checkParameterValues(model: ModelDescription, method: string, name: string, values: ArrayLike<number>, size: (i: number) => number): number {
  const i = parameterIndex(model, name, method);
  const n = values !== null && typeof values === "object" ? values.length : undefined;
  const expected = size(i);
  if (typeof n !== "number") throw new TypeError(`${model.name}.${method}: "${name}" must be an array of numbers, received ${describe(values)}`);
  if (n !== expected) throw new RangeError(`${model.name}.${method}: "${name}" has ${expected} values (shape [${model.parameters[i]!.shape.join(", ")}]), received ${n}`);
  return i;
}

/** setParameters' argument, every name and size checked before anything is written: [index, values] pairs. */
export function checkParameterRecord(model: ModelDescription, values: Record<string, ArrayLike<number>>, size: (i: number) => number): (readonly [number, ArrayLike<number>])[] {
  if (typeof values !== "object" || values === null) throw new TypeError(`${model.name}.setParameters: expects an object of parameters by name, received ${describe(values)}`);
  return Object.entries(values).map(([name, v]) => [checkParameterValues(model, "setParameters", name, v, size), v] as const);
}

/** What save() writes in `__metadata__`: the model's name and, for a trained model, its step count. */
export const savedMetadata = (model: ModelDescription, steps: number): Record<string, string> =>
  model.trains ? { "dnnc.model": model.name, "dnnc.steps": String(steps) } : { "dnnc.model": model.name };
// dnnc:helpers-end
