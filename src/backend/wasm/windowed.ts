// A convolution's windows read from the image by the product itself, never stored: the im2col
// matrix of a window op without padding or dilation (whose windows lie inside the image) is, row
// by row, KH runs of KW·C adjacent floats of the image, one per kernel row, W·C floats apart. The
// forward product reads A's rows that way in place (gemm.ts's `segs` runs of `seg` floats), and
// the filter gradient's transposed A — a feature of every window — is packed from the image by
// `packWindow`, as `pack` packs a stored one. The values and the order of every sum are those of
// the product over the stored windows, so results are bit-identical; what is saved is writing
// the windows (often the step's largest array) and reading them back: the MNIST CNN's second
// convolution, im2col and product 7.36 ms, read in place 6.31 ms (64×13×13×32, 3×3, 64 filters).
import type { Node } from "../../ir/ir.ts";
import type { Schedule } from "../../schedule/kernel.ts";
import { FuncBuilder, type Local } from "./builder.ts";
import type { Func, Instr } from "./encode.ts";

/**
 * The windows' geometry as the product and `packWindow` take it, after their own parameters, in
 * bytes where a name ends in 4 or says so: OW, OH·OW (0: A is stored, not windowed), sw·C·4,
 * sh·W·C·4, H·W·C·4, KW·C, W·C·4.
 */
export const WINDOW_GEOMETRY = ["ow", "ohow", "swc4", "shwc4", "hwc4", "kwc", "wc4"] as const;

/** The shortest run of a window row (KW·C floats) the product reads in place. */
const MIN_RUN = 8;

/** A window op whose windows a product can read from its image: no padding, no dilation, a static image. */
export interface WindowShape {
  H: number;
  W: number;
  C: number;
  OH: number;
  OW: number;
  KH: number;
  KW: number;
  sh: number;
  sw: number;
}

/** The window op `w`'s geometry, or undefined where the product cannot read it from the image. */
export function windowShape(w: Node, image: readonly (number | string)[]): WindowShape | undefined {
  if (w.op !== "window" || image.length !== 4) return undefined;
  const [, H, W, C] = image;
  const [, OH, OW, KH, KW] = w.shape;
  const dims = [H, W, C, OH, OW, KH, KW];
  if (!dims.every((d) => typeof d === "number")) return undefined;
  if (w.padBefore.some((p) => p !== 0) || w.dilation.some((d) => d !== 1)) return undefined;
  const [h, wd, c, oh, ow, kh, kw] = dims as number[];
  // Runs shorter than two vectors cost the product more than storing the windows saves (a first
  // convolution's 3 floats: 1.54 against 1.45 ms for im2col and the product, at 64×28×28×1).
  if (kw! * c! < MIN_RUN) return undefined;
  const [sh, sw] = w.stride as [number, number];
  // Every window inside the image: no padding after it either.
  if ((oh! - 1) * sh + kh! > h! || (ow! - 1) * sw + kw! > wd!) return undefined;
  return { H: h!, W: wd!, C: c!, OH: oh!, OW: ow!, KH: kh!, KW: kw!, sh, sw };
}

/** The geometry arguments (WINDOW_GEOMETRY's order) of windows of this shape; all 0 for none. */
export function windowGeometry(g: WindowShape | undefined): number[] {
  if (!g) return WINDOW_GEOMETRY.map(() => 0);
  return [g.OW, g.OH * g.OW, 4 * g.sw * g.C, 4 * g.sh * g.W * g.C, 4 * g.H * g.W * g.C, g.KW * g.C, 4 * g.W * g.C];
}

/**
 * Window ops (by node) every reader of which is a product reading them as its A operand, plain
 * or transposed — products `readable` says the target renders itself — whose windows the product
 * reads from the image: they are not stored. schedule/memory.ts keeps a window's image alive as
 * long as the window, so the image is still there when the product reads it.
 */
export function windowsReadInPlace(s: Schedule, readable: (matmul: Node) => boolean): Map<number, WindowShape> {
  const fn = s.fn;
  const result = new Map<number, WindowShape>();
  for (const k of s.kernels) {
    const w = k.kind === "op" && fn.nodes[k.head!]!.op === "window" ? fn.nodes[k.head!]! : undefined;
    const g = w && windowShape(w, fn.nodes[w.inputs[0]!]!.shape);
    if (!w || !g || fn.outputs.some((o) => s.base[o.id] === w.id)) continue;
    const readers = fn.nodes.filter((n) => s.base[n.id] !== w.id && n.inputs.some((x) => s.base[x] === w.id));
    const inPlace = (n: Node) => n.op === "matmul" && n.shape.length === 2 && s.base[n.inputs[0]!] === w.id && s.base[n.inputs[1]!] !== w.id && readable(n);
    if (readers.length > 0 && readers.every(inPlace)) result.set(w.id, g);
  }
  return result;
}

/**
 * Products (by matmul node) whose only reader is a window op's adjoint (unwindow): a convolution's
 * input gradient, dY·Wᵀ, the gradient of every window. The runtime adds each block of images'
 * windows into the image as soon as they are computed, so the windows' gradient is never stored
 * whole: `productUnwindow` in runtime/wasm/kernels.ts. Alone, unbatched, with row-major A.
 */
export function productsIntoUnwindow(s: Schedule): Map<number, Node> {
  const fn = s.fn;
  const result = new Map<number, Node>();
  for (const k of s.kernels) {
    const u = k.kind === "op" && fn.nodes[k.head!]!.op === "unwindow" ? fn.nodes[k.head!]! : undefined;
    if (!u || u.op !== "unwindow") continue;
    const p = fn.nodes[s.base[u.inputs[0]!]!]!;
    const product = s.kernels.find((x) => x.head === p.id);
    if (p.op !== "matmul" || !product || product.body.length > 0 || p.shape.length !== 2 || s.storage[p.inputs[0]!] === "transposed") continue;
    if (fn.outputs.some((o) => s.base[o.id] === p.id)) continue;
    const readers = fn.nodes.filter((n) => s.base[n.id] !== p.id && n.inputs.some((x) => s.base[x] === p.id));
    if (readers.length === 1 && readers[0] === u && u.shape.every((d, i) => i === 0 || typeof d === "number")) result.set(p.id, u);
  }
  return result;
}

/** Two scratch locals per function for `windowStart`. */
const scratch = new WeakMap<FuncBuilder, [Local, Local]>();

/** `into` ← the byte offset in the image of the window of output pixel `pixel` (geometry: the function's WINDOW_GEOMETRY parameters). */
export function windowStart(f: FuncBuilder, geometry: readonly Local[], pixel: Instr[], into: Local): void {
  const [ow, ohow, swc4, shwc4, hwc4] = geometry as [Local, Local, Local, Local, Local];
  if (!scratch.has(f)) scratch.set(f, [f.local("wp"), f.local("wq")]);
  const [p, q] = scratch.get(f)!;
  const { get } = f;
  f.assign(p, ...pixel);
  f.assign(q, get(p), get(ohow), ["i32.rem_u"]);
  f.assign(into, get(p), get(ohow), ["i32.div_u"], get(hwc4), ["i32.mul"], get(q), get(ow), ["i32.div_u"], get(shwc4), ["i32.mul"], ["i32.add"], get(q), get(ow), ["i32.rem_u"], get(swc4), ["i32.mul"], ["i32.add"]);
}

/**
 * `packWindow(img, f0, count, k, dst, …geometry)`: features f0 … f0 + count − 1 of the windows of
 * img, each a vector over the k windows, into panels of R as `pack` stores them; the last panel's
 * missing features repeat feature count − 1. A feature (kh, kw, c) of a window is at byte
 * kh·W·C·4 + (kw·C + c)·4 from the window's start; R adjacent ones (same kh and kw) are one
 * vector load.
 */
export function packWindowFunc(R: number): Func {
  const f = new FuncBuilder("packWindow", [...["img", "f0", "count", "k", "dst"], ...WINDOW_GEOMETRY].map((n) => [n, "i32"] as const));
  const [img, f0, count, k, dst] = f.params as [Local, Local, Local, Local, Local];
  const [ow, ohow, swc4, shwc4, hwc4, kwc, wc4] = f.params.slice(5) as [Local, Local, Local, Local, Local, Local, Local];
  const { get, i32 } = f;
  const q = f.local("q");
  const kk = f.local("kk");
  const at = f.local("at");
  const px = f.local("px");
  const py = f.local("py");
  const oh = f.local("oh");
  const adjacent = f.local("adjacent");
  const off = Array.from({ length: R }, (_, ii) => f.local(`o${ii}`));
  f.assign(oh, get(ohow), get(ow), ["i32.div_u"]);
  f.forRange(q, [i32(0)], [get(count)], R, () => {
    // Feature q + ii (or the last one), as a byte offset from its window's start.
    off.forEach((o, ii) => {
      const feature: Instr[] = [get(f0), i32(ii), get(q), ["i32.add"], get(count), i32(1), ["i32.sub"], get(q), i32(ii), ["i32.add"], get(count), ["i32.lt_u"], ["select"], ["i32.add"]];
      f.assign(o, ...feature, get(kwc), ["i32.div_u"], get(wc4), ["i32.mul"], ...feature, get(kwc), ["i32.rem_u"], i32(4), ["i32.mul"], ["i32.add"]);
    });
    f.assign(adjacent, i32(1));
    for (let ii = 1; ii < R; ii++) f.assign(adjacent, get(adjacent), get(off[ii]!), get(off[ii - 1]!), ["i32.sub"], i32(4), ["i32.eq"], ["i32.and"]);
    f.assign(at, get(img));
    f.assign(px, i32(0));
    f.assign(py, i32(0));
    f.forRange(kk, [i32(0)], [get(k)], 1, () => {
      f.either(
        [get(adjacent)],
        () => {
          for (let v = 0; v < R / 4; v++) f.emit(get(dst), get(at), get(off[0]!), ["i32.add"], ["v128.load", 16 * v, 2], ["v128.store", 16 * v, 2]);
        },
        () => off.forEach((o, ii) => f.emit(get(dst), get(at), get(o), ["i32.add"], ["f32.load", 0], ["f32.store", 4 * ii])),
      );
      f.addTo(dst, i32(4 * R));
      // The next window: one step right, else the next row's first, else the next image's.
      f.addTo(at, get(swc4));
      f.addTo(px, i32(1));
      f.when([get(px), get(ow), ["i32.eq"]], () => {
        f.assign(px, i32(0));
        f.addTo(at, get(shwc4), get(ow), get(swc4), ["i32.mul"], ["i32.sub"]);
        f.addTo(py, i32(1));
        f.when([get(py), get(oh), ["i32.eq"]], () => {
          f.assign(py, i32(0));
          f.addTo(at, get(hwc4), get(oh), get(shwc4), ["i32.mul"], ["i32.sub"]);
        });
      });
    });
  });
  return f.finish(false);
}
