// Runtime of every generated module (both targets): how a value the caller passed is named in
// an error message ("Float32Array of 12 values", "an array of 3 values", "undefined").
// dnnc:helpers-begin

/** A short description of a value for error messages. */
export function describe(v: unknown): string {
  if (v === null || v === undefined) return String(v);
  if (ArrayBuffer.isView(v)) return `${v.constructor.name} of ${(v as Float32Array).length} values`;
  if (Array.isArray(v)) return `an array of ${v.length} values`;
  return typeof v;
}

// dnnc:helpers-end
