// Runtime of every generated module (TypeScript and WebGPU targets alike): the checks of data at
// the module's boundary that go beyond types and lengths — integer inputs against the range their
// uses need (ir/index-ranges.ts); the caller's symbolic sizes are checked in inputs.ts. Real,
// type-checked code that the emitters paste (minus `export`) into the module.
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
// dnnc:helpers-end
