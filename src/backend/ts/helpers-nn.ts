// Loops the generated TypeScript calls for the neural-network primitives (windows, gathers,
// recurrence). Like helpers.ts, copied verbatim (minus `export`) into every generated module.
// dnnc:helpers-begin

/** erf(x) to float32 accuracy (Abramowitz & Stegun 7.1.26, |error| < 1.5e-7). */
export function erf(x: number): number {
  const t = 1 / (1 + 0.3275911 * Math.abs(x));
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return x < 0 ? -y : y;
}

/** Calls f(position in the [N, OH, OW, KH, KW, C] windows, position in the [N, H, W, C] image or -1). */
function eachWindow(image: readonly number[], windows: readonly number[], stride: readonly number[], dilation: readonly number[], padBefore: readonly number[], f: (w: number, src: number) => void): void {
  const [N, H, W, C] = image as [number, number, number, number];
  const [, OH, OW, KH, KW] = windows as [number, number, number, number, number];
  let w = 0;
  for (let b = 0; b < N; b++)
    for (let oh = 0; oh < OH; oh++)
      for (let ow = 0; ow < OW; ow++)
        for (let kh = 0; kh < KH; kh++) {
          const h = oh * stride[0]! - padBefore[0]! + kh * dilation[0]!;
          for (let kw = 0; kw < KW; kw++) {
            const v = ow * stride[1]! - padBefore[1]! + kw * dilation[1]!;
            const base = h >= 0 && h < H && v >= 0 && v < W ? ((b * H + h) * W + v) * C : -1;
            for (let c = 0; c < C; c++) f(w++, base < 0 ? -1 : base + c);
          }
        }
}

export function windows(src: Float32Array, image: readonly number[], shape: readonly number[], stride: readonly number[], dilation: readonly number[], padBefore: readonly number[], fill: number): Float32Array {
  const out = new Float32Array(shape.reduce((a, b) => a * b, 1));
  eachWindow(image, shape, stride, dilation, padBefore, (w, s) => (out[w] = s < 0 ? fill : src[s]!));
  return out;
}

export function unwindows(src: Float32Array, shape: readonly number[], image: readonly number[], stride: readonly number[], dilation: readonly number[], padBefore: readonly number[]): Float32Array {
  const out = new Float32Array(image.reduce((a, b) => a * b, 1));
  eachWindow(image, shape, stride, dilation, padBefore, (w, s) => {
    if (s >= 0) out[s] = out[s]! + src[w]!;
  });
  return out;
}

/** Rows of `table` ([V, row]) at `indices`; rows out of range read 0. */
export function gatherRows(table: Float32Array, rows: number, row: number, indices: Float32Array): Float32Array {
  const out = new Float32Array(indices.length * row);
  for (let i = 0; i < indices.length; i++) {
    const r = indices[i]!;
    if (r >= 0 && r < rows && Number.isInteger(r)) out.set(table.subarray(r * row, (r + 1) * row), i * row);
  }
  return out;
}

export function scatterRows(updates: Float32Array, rows: number, row: number, indices: Float32Array): Float32Array {
  const out = new Float32Array(rows * row);
  for (let i = 0; i < indices.length; i++) {
    const r = indices[i]!;
    if (r < 0 || r >= rows || !Number.isInteger(r)) continue;
    for (let k = 0; k < row; k++) out[r * row + k] = out[r * row + k]! + updates[i * row + k]!;
  }
  return out;
}

/** Runs `step` over axis `axis` of xs (shape `xShape`), stacking every carry along the same axis of `shape`. */
export function scan(init: Float32Array, xs: Float32Array, xShape: readonly number[], shape: readonly number[], axis: number, reverse: boolean, step: (carry: Float32Array, x: Float32Array) => Float32Array): Float32Array {
  const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
  const T = xShape[axis]!;
  const xOuter = size(xShape.slice(0, axis));
  const xInner = size(xShape.slice(axis + 1));
  const cOuter = size(shape.slice(0, axis));
  const cInner = size(shape.slice(axis + 1));
  const out = new Float32Array(size(shape));
  let carry = init;
  for (let k = 0; k < T; k++) {
    const t = reverse ? T - 1 - k : k;
    const x = new Float32Array(xOuter * xInner);
    for (let o = 0; o < xOuter; o++) x.set(xs.subarray((o * T + t) * xInner, (o * T + t + 1) * xInner), o * xInner);
    carry = step(carry, x);
    for (let o = 0; o < cOuter; o++) out.set(carry.subarray(o * cInner, (o + 1) * cInner), (o * T + t) * cInner);
  }
  return out;
}
// dnnc:helpers-end
