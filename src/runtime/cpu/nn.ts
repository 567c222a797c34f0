// CPU runtime: loops for the neural-network primitives (windows, gathers, recurrence),
// pasted (minus `export`) into the generated modules that use them; each writes into
// memory it is given.
import type { Workspace } from "./memory.ts";
// dnnc:helpers-begin

/** erf(x) to float32 accuracy (Abramowitz & Stegun 7.1.26, |error| < 1.5e-7). */
export function erf(x: number): number {
  const t = 1 / (1 + 0.3275911 * Math.abs(x));
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return x < 0 ? -y : y;
}

/**
 * Sliding windows of an NHWC image: out [N, OH, OW, KH, KW, C] (im2col, so a convolution is one
 * matmul). With `add` false, out ← windows (positions outside read `fill`); with `add` true, the
 * adjoint: image += each window element at its source (`out` is then the windows, read).
 * Each window row (b, oh, ow, kh) is at most three runs: positions left of the image, those
 * inside it, those right of it. The inside run is found once per row, so the copy loops test no
 * bounds; without dilation it is one contiguous span of the image (KW·C floats at most), copied
 * by copyWithin where both arrays are views of one buffer (an arena): a memmove, allocating
 * nothing. Where rows are short (C = 1), a window wholly inside the image is one loop. The
 * adjoint visits the elements in window order, as one loop over every (b, oh, ow, kh, kw, c)
 * would, so its float32 sums round exactly as that loop's.
 */
export function windowsOf(win: Float32Array, img: Float32Array, image: readonly number[], shape: readonly number[], stride: readonly number[], dilation: readonly number[], padBefore: readonly number[], fill: number, add: boolean): void {
  const [N, H, W, C] = image as [number, number, number, number];
  const [, OH, OW, KH, KW] = shape as [number, number, number, number, number];
  const [sh, sw] = stride as [number, number];
  const [dh, dw] = dilation as [number, number];
  const [ph, pw] = padBefore as [number, number];
  if (add) img.fill(0);
  const row = KW * C;
  const shared = !add && win.buffer === img.buffer ? new Float32Array(win.buffer) : undefined;
  // Windows that never overlap (pooling) give each pixel at most one element: the adjoint then
  // stores 0 + x, the zeroed pixel's sum, without reading the pixel.
  const disjoint = add && sh >= (KH - 1) * dh + 1 && sw >= (KW - 1) * dw + 1;
  const winAt = win.byteOffset >> 2, imgAt = img.byteOffset >> 2;
  // Short window rows (a channel or few, as a first convolution has): the offset of each window
  // element from the window's first, so a window wholly inside the image is one loop.
  const small = !add && row < 16;
  const rel = new Int32Array(small ? KH * row : 0);
  if (small) for (let kh = 0, j = 0; kh < KH; kh++) for (let kw = 0; kw < KW; kw++) for (let c = 0; c < C; c++) rel[j++] = (kh * dh * W + kw * dw) * C + c;
  let w = 0;
  for (let b = 0; b < N; b++)
    for (let oh = 0; oh < OH; oh++)
      for (let ow = 0; ow < OW; ow++) {
        // The kw range whose column v = v0 + kw·dw lies inside the image: the same for every kh.
        const v0 = ow * sw - pw;
        const lo = v0 >= 0 ? 0 : Math.min(KW, dw === 1 ? -v0 : Math.ceil(-v0 / dw));
        const hi = v0 >= W ? lo : Math.max(lo, Math.min(KW, dw === 1 ? W - v0 : Math.floor((W - 1 - v0) / dw) + 1));
        const h0 = oh * sh - ph;
        if (small && lo === 0 && hi === KW && h0 >= 0 && h0 + (KH - 1) * dh < H) {
          const first = ((b * H + h0) * W + v0) * C;
          for (let j = 0; j < rel.length; j++) win[w + j] = img[first + rel[j]!]!;
          w += rel.length;
          continue;
        }
        for (let kh = 0; kh < KH; kh++, w += row) {
          const h = h0 + kh * dh;
          if (h < 0 || h >= H || lo === hi) {
            if (!add) win.fill(fill, w, w + row);
            continue;
          }
          if (!add && lo > 0) win.fill(fill, w, w + lo * C);
          const start = w + lo * C;
          const base = ((b * H + h) * W + v0 + lo * dw) * C;
          if (dw === 1) {
            // Columns lo..hi−1 of image row h: one span (a call costs more than a short loop).
            const n = (hi - lo) * C;
            if (disjoint) for (let i = 0; i < n; i++) img[base + i] = 0 + win[start + i]!;
            else if (add) for (let i = 0; i < n; i++) img[base + i]! += win[start + i]!;
            else if (shared && n >= 16) shared.copyWithin(winAt + start, imgAt + base, imgAt + base + n);
            else for (let i = 0; i < n; i++) win[start + i] = img[base + i]!;
          } else
            for (let kw = lo, at = start, src = base; kw < hi; kw++, at += C, src += dw * C) {
              if (add) for (let c = 0; c < C; c++) img[src + c]! += win[at + c]!;
              else for (let c = 0; c < C; c++) win[at + c] = img[src + c]!;
            }
          if (!add && hi < KW) win.fill(fill, w + hi * C, w + row);
        }
      }
}

/** out ← rows of `table` ([V, row]) at `indices`; rows out of range read 0. */
export function gatherRows(out: Float32Array, table: Float32Array, rows: number, row: number, indices: Float32Array): void {
  for (let i = 0; i < indices.length; i++) {
    const r = indices[i]!;
    if (r >= 0 && r < rows && Number.isInteger(r)) out.set(table.subarray(r * row, (r + 1) * row), i * row);
    else out.fill(0, i * row, (i + 1) * row);
  }
}

/** out ([rows, row]) ← Σ updates at their indices: the adjoint of gatherRows. */
export function scatterRows(out: Float32Array, updates: Float32Array, rows: number, row: number, indices: Float32Array): void {
  out.fill(0);
  for (let i = 0; i < indices.length; i++) {
    const r = indices[i]!;
    if (r < 0 || r >= rows || !Number.isInteger(r)) continue;
    for (let k = 0; k < row; k++) out[r * row + k]! += updates[i * row + k]!;
  }
}

/**
 * Runs `step` over axis `axis` of xs (shape `xShape`), stacking every carry along the same axis
 * of out (shape `shape`). `ws.scratch` holds the step's input slice and the carry between
 * steps (the step's result lives in its own workspace, which the next step reuses).
 */
export function scanInto(out: Float32Array, init: Float32Array, xs: Float32Array, xShape: readonly number[], shape: readonly number[], axis: number, reverse: boolean, ws: Workspace, step: (carry: Float32Array, x: Float32Array) => Float32Array): void {
  const size = (s: readonly number[]) => s.reduce((a, b) => a * b, 1);
  const T = xShape[axis]!;
  const xOuter = size(xShape.slice(0, axis));
  const xInner = size(xShape.slice(axis + 1));
  const cOuter = size(shape.slice(0, axis));
  const cInner = size(shape.slice(axis + 1));
  const [x, carry] = ws.scratch as [Float32Array, Float32Array];
  carry.set(init);
  for (let k = 0; k < T; k++) {
    const t = reverse ? T - 1 - k : k;
    for (let o = 0; o < xOuter; o++) x.set(xs.subarray((o * T + t) * xInner, (o * T + t + 1) * xInner), o * xInner);
    carry.set(step(carry, x));
    for (let o = 0; o < cOuter; o++) out.set(carry.subarray(o * cInner, (o + 1) * cInner), (o * T + t) * cInner);
  }
}
// dnnc:helpers-end
