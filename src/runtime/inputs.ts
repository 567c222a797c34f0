// Runtime of every generated module (both targets): validating a method's arrays and learning
// its symbolic sizes (B, T, …) from their lengths, as the compiler planned it (backend/size-plan.ts)
// and handed it over as data. Each refusal names the method, the tensor, what was expected and,
// when a length disagrees with a size learnt earlier, where that size came from. Real,
// type-checked code pasted (minus `export`) into the module (backend/runtime-parts.ts).
import { describe } from "./describe.ts";
// dnnc:helpers-begin

/**
 * One step of the plan: check tensor `name`'s type and length — binding `binds` from it (the
 * length is a multiple of the product of `per`), or taking `given` from the caller. `uses`: the
 * sizes bound earlier that its length depends on, which a refusal says the origin of.
 */
export interface InputStep {
  readonly name: string;
  readonly dtype: "f32" | "i32";
  readonly shape: readonly (number | string)[];
  readonly uses: readonly string[];
  readonly binds?: string;
  readonly per?: readonly (number | string)[];
  readonly given?: string;
}

/** How a method learns its sizes: its tensors' names, its symbolic sizes in order, the steps. */
export interface InputPlan {
  readonly names: readonly string[];
  readonly symbols: readonly string[];
  readonly steps: readonly InputStep[];
}

/**
 * The caller's `sizes` (an object of symbolic sizes by name, or undefined), checked: an object
 * whose every key is one of `names` and every value a positive integer.
 */
export function checkSizes(where: string, sizes: unknown, names: readonly string[]): Readonly<Record<string, number | undefined>> {
  if (sizes === undefined) return {};
  if (typeof sizes !== "object" || sizes === null) throw new TypeError(`${where}: sizes must be an object such as { ${names.map((n) => `${n}: 8`).join(", ")} }, received ${describe(sizes)}`);
  for (const [k, v] of Object.entries(sizes)) {
    if (!names.includes(k)) throw new RangeError(`${where}: sizes has "${k}", which is not a size of this model; its sizes are ${names.join(", ")}`);
    if (v !== undefined && (typeof v !== "number" || !Number.isInteger(v) || v < 1)) throw new TypeError(`${where}: sizes.${k} must be a positive integer, received ${typeof v === "number" ? v : describe(v)}`);
  }
  return sizes as Record<string, number | undefined>;
}
/** A size ("B", "T - 1", "169*B": the IR's canonical polynomial text, ir/dim.ts) given the values of its symbols. */
export function dimValue(d: number | string, sizes: ReadonlyMap<string, number>): number {
  if (typeof d === "number") return d;
  let total = 0;
  for (const term of d.replace(/ - /g, " + -").split(" + ")) {
    let v = 1;
    for (const f of term.split("*")) v *= /^-?\d+$/.test(f) ? Number(f) : f.startsWith("-") ? -sizes.get(f.slice(1))! : sizes.get(f)!;
    total += v;
  }
  return total;
}

/**
 * Checks the arrays of `values` (an object of a method `where`, "Model.forward") as `plan` says
 * and returns the value of each of its symbols, in order (1 for a symbol no array uses).
 * `options`, for a method that takes sizes, is the caller's options object.
 */
export function bindInputs(where: string, plan: InputPlan, values: unknown, options?: { sizes?: unknown }): number[] {
  if (typeof values !== "object" || values === null) throw new TypeError(`${where}: expects an object with ${plan.names.map((n) => `"${n}"`).join(", ")}, received ${describe(values)}`);
  const given = options ? checkSizes(where, (options ?? {}).sizes, plan.symbols) : undefined;
  const obj = values as Record<string, unknown>;
  const method = where.slice(where.lastIndexOf(".") + 1);
  const bound = new Map<string, number>();
  const from = new Map<string, string>();
  const typed = new Set<string>();
  for (const step of plan.steps) {
    const v = obj[step.name] as Float32Array | Int32Array;
    const type = `${step.dtype}[${step.shape.join(", ")}]`;
    if (!typed.has(step.name)) {
      typed.add(step.name);
      const kind = step.dtype === "i32" ? Int32Array : Float32Array;
      if (!(v instanceof kind)) throw new TypeError(`${where}: "${step.name}" must be ${kind === Int32Array ? "an" : "a"} ${kind.name} (${type}), received ${describe(v)}`);
    }
    if (step.given !== undefined) {
      const s = step.given;
      const n = given![s];
      if (n === undefined) throw new RangeError(`${where}: the length of "${step.name}" (${type}, ${v.length} values) does not determine ${s}: give it, as in ${method}(…, { sizes: { ${s}: … } })`);
      bound.set(s, n);
      from.set(s, `${s} = ${n} given in sizes`);
      continue;
    }
    // Where the sizes this input's length uses came from: "B = 32 from the length of "x"".
    const known = step.uses.map((s) => from.get(s)).join(", ");
    const note = known ? ` (${known})` : "";
    if (step.binds !== undefined) {
      const s = step.binds;
      const per = step.per!.reduce<number>((a, d) => a * dimValue(d, bound), 1);
      const n = v.length / per;
      if (!Number.isInteger(n) || n < 1) throw new RangeError(`${where}: "${step.name}" expects ${type}, a positive multiple of ${per} values${note}, received ${v.length}`);
      if (given && given[s] !== undefined && given[s] !== n)
        throw new RangeError(`${where}: sizes.${s} is ${given[s]}, but the length of "${step.name}" (${type}, ${v.length} values${known ? `, ${known}` : ""}) makes ${s} = ${n}`);
      bound.set(s, n);
      from.set(s, `${s} = ${n} from the length of "${step.name}"`);
    } else {
      const size = step.shape.reduce<number>((a, d) => a * dimValue(d, bound), 1);
      if (v.length !== size) throw new RangeError(`${where}: "${step.name}" expects ${type}, ${size} values${note}, received ${v.length}`);
    }
  }
  return plan.symbols.map((s) => bound.get(s) ?? 1);
}
// dnnc:helpers-end
