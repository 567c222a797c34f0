// Deterministic values for running a compiled sample's IR functions in tests: its parameters and
// states as init makes them (seed 5; interpreted once per model, seconds for the big ones) and
// float32-exact noise for inputs.
import type { CompiledModel } from "../../src/compiler.ts";
import { interpret } from "../../src/ir/interpret.ts";

const initialised = new Map<CompiledModel, Map<string, number[]>>();

/** init's outputs by name, rounded to float32. */
export function initialValues(m: CompiledModel): Map<string, number[]> {
  let byName = initialised.get(m);
  if (!byName) {
    const init = interpret(m.init, m.init.args.map(() => Float64Array.of(5)), {});
    initialised.set(m, (byName = new Map(m.init.outputs.map((o, i) => [o.name, Array.from(init[i]!, Math.fround)]))));
  }
  return byName;
}

/** Deterministic values in (−1, 1), float32-exact. */
export const noise = (n: number, seed: number) => Array.from({ length: n }, (_, i) => Math.fround(Math.sin(12.9898 * (i + 1) + 78.233 * seed)));
