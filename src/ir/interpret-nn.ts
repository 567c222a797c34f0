// The reference interpreter's neural-network primitives, as plain loops that state their meaning.
import type { Fn, Node } from "./ir.ts";

const numel = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** erf to double precision: the Maclaurin series near 0, the continued fraction of erfc beyond. */
export function erf(x: number): number {
  const a = Math.abs(x);
  if (a < 2.5) {
    let term = a;
    let sum = a;
    for (let k = 1; k < 60; k++) {
      term *= (-a * a) / k;
      sum += term / (2 * k + 1);
    }
    return Math.sign(x) * ((2 / Math.sqrt(Math.PI)) * sum);
  }
  // erfc(a) = e^(−a²)/√π · 1/(a + 1/2/(a + 1/(a + 3/2/(a + …))))
  let f = a;
  for (let k = 60; k >= 1; k--) f = a + k / 2 / f;
  return Math.sign(x) * (1 - Math.exp(-a * a) / Math.sqrt(Math.PI) / f);
}

type WindowNode = Extract<Node, { op: "window" | "unwindow" }>;

/** Calls f(flat index into the window tensor, flat index into the image or −1 for padding). */
function eachWindowElement(n: WindowNode, image: readonly number[], windows: readonly number[], f: (w: number, src: number) => void): void {
  const [N, H, W, C] = image as [number, number, number, number];
  const [, OH, OW, KH, KW] = windows as [number, number, number, number, number];
  let w = 0;
  for (let b = 0; b < N; b++)
    for (let oh = 0; oh < OH; oh++)
      for (let ow = 0; ow < OW; ow++)
        for (let kh = 0; kh < KH; kh++)
          for (let kw = 0; kw < KW; kw++) {
            const h = oh * n.stride[0] - n.padBefore[0] + kh * n.dilation[0];
            const v = ow * n.stride[1] - n.padBefore[1] + kw * n.dilation[1];
            const inside = h >= 0 && h < H && v >= 0 && v < W;
            for (let c = 0; c < C; c++) f(w++, inside ? ((b * H + h) * W + v) * C + c : -1);
          }
}

export function windowOp(n: WindowNode, x: Float64Array, image: number[], windows: number[]): Float64Array {
  const out = new Float64Array(numel(windows));
  eachWindowElement(n, image, windows, (w, src) => (out[w] = src < 0 ? n.fill : x[src]!));
  return out;
}

export function unwindowOp(n: WindowNode, x: Float64Array, windows: number[], image: number[]): Float64Array {
  const out = new Float64Array(numel(image));
  eachWindowElement(n, image, windows, (w, src) => {
    if (src >= 0) out[src] = out[src]! + x[w]!;
  });
  return out;
}

export function gatherOp(table: Float64Array, tableShape: number[], idx: Float64Array, idxShape: number[]): Float64Array {
  const row = numel(tableShape.slice(1));
  const out = new Float64Array(numel(idxShape) * row);
  idx.forEach((r, i) => {
    if (r >= 0 && r < tableShape[0]! && Number.isInteger(r)) out.set(table.subarray(r * row, (r + 1) * row), i * row);
  });
  return out;
}

export function scatterAddOp(updates: Float64Array, idx: Float64Array, idxShape: number[], shape: number[]): Float64Array {
  const row = numel(shape.slice(1));
  const out = new Float64Array(numel(shape));
  for (let i = 0; i < numel(idxShape); i++) {
    const r = idx[i]!;
    if (r < 0 || r >= shape[0]! || !Number.isInteger(r)) continue;
    for (let k = 0; k < row; k++) out[r * row + k] = out[r * row + k]! + updates[i * row + k]!;
  }
  return out;
}

type Interpret = (fn: Fn, args: readonly Float64Array[], dims: Readonly<Record<string, number>>) => Float64Array[];

/** Runs the body once per step; the step slice of xs and the stacked output are gathered along `axis`. */
export function scanOp(n: Extract<Node, { op: "scan" }>, xs: Float64Array[], ins: number[][], shape: number[], dims: Readonly<Record<string, number>>, run: Interpret): Float64Array {
  const [init, seq, ...consts] = xs as [Float64Array, Float64Array, ...Float64Array[]];
  const xShape = ins[1]!;
  const T = xShape[n.axis]!;
  const outer = numel(xShape.slice(0, n.axis));
  const xInner = numel(xShape.slice(n.axis + 1));
  const cOuter = numel(shape.slice(0, n.axis));
  const cInner = numel(shape.slice(n.axis + 1));
  const out = new Float64Array(numel(shape));
  let carry = init;
  for (let k = 0; k < T; k++) {
    const t = n.reverse ? T - 1 - k : k;
    const xt = new Float64Array(outer * xInner);
    for (let o = 0; o < outer; o++) xt.set(seq.subarray((o * T + t) * xInner, (o * T + t + 1) * xInner), o * xInner);
    carry = run(n.body, [carry, xt, ...consts], dims)[0]!;
    for (let o = 0; o < cOuter; o++) out.set(carry.subarray(o * cInner, (o + 1) * cInner), (o * T + t) * cInner);
  }
  return out;
}
