// Runtime of every generated module (TypeScript and WebGPU targets alike): the checks of data at
// the module's boundary that go beyond types and lengths — integer inputs against the range their
// uses need (ir/index-ranges.ts), symbolic sizes given by the caller. Real,
// type-checked code that the emitters paste (minus `export`) into the module.
import { describe } from "./describe.ts";
// dnnc:helpers-begin

/**
 * Refuses integer data outside [0, below): throws a RangeError naming the method (`where`), the
 * input, the first offending position (per axis of `shape`, and flat), its value, the valid range
 * and what needs it (`why`). One pass over the values, nothing allocated unless it throws.
 */
export function checkIndices(where: string, name: string, values: Int32Array, below: number, shape: readonly number[], why: string): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v < 0 || v >= below) throw indexError(where, name, i, v, below, shape, why);
  }
}

function indexError(where: string, name: string, flat: number, value: number, below: number, shape: readonly number[], why: string): RangeError {
  const at: number[] = [];
  let rest = flat;
  for (let k = shape.length - 1; k >= 0; k--) {
    at.unshift(rest % shape[k]!);
    rest = Math.floor(rest / shape[k]!);
  }
  const position = shape.length <= 1 ? `index ${flat}` : `index [${at.join(", ")}] (flat ${flat})`;
  return new RangeError(`${where}: "${name}" has ${value} at ${position}, outside the valid range [0, ${below}): ${why}`);
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
// dnnc:helpers-end
