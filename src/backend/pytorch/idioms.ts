// The IR's spellings of the common layers, rendered as a PyTorch user writes them. The IR states a
// convolution as a sliding window, a reshape and a matrix product, a bias as a reshape and a
// broadcast before an add; node by node that is correct but unreadable, and slow (the windows are
// copied out). Here each such run of nodes becomes one torch call where the call provably computes
// the same values, and is left node by node where it does not:
//   convolution (ir/patterns.ts)      → F.conv2d, images NHWC ↔ NCHW and the HWIO kernel as OIHW
//                                       permuted at the call, so dnnc's layouts stay everywhere else
//   max pooling (ir/patterns.ts, or a reshape to [N, H/a, a, W/b, b, C] and a max over [2, 4], as
//   the compiler writes a pooling whose windows tile the image) → F.max_pool2d
//   average pooling (ir/patterns.ts)  → F.avg_pool2d; Keras's "same" counting (positions inside the
//                                       image) as count_include_pad=False, only where the padding is
//                                       one torch can apply itself (the same before and after, at
//                                       most half the kernel): an explicit pad would be counted
//   mean                              → torch.mean
//   a broadcast (and the reshape adding its leading 1s) that only feeds elementwise arithmetic
//   with a full-shaped operand → nothing: torch broadcasts by the same rules (`x @ w + b`).
// A padding torch's call cannot take (uneven, or more than half the kernel) is an F.pad before it,
// with the window's fill; a window that stops short of the image's end reads the image cropped.
import { padAfterOf, type Fn, type Node } from "../../ir/ir.ts";
import { findPatterns } from "../../ir/patterns.ts";
import type { Shape } from "../../ir/shape.ts";
import { pyFloat, pyInts, pyShape } from "./python.ts";

type WindowNode = Extract<Node, { op: "window" }>;

export interface Idioms {
  /** Node id → its Python expression, from the expression of any node (`value`), and the local it is held in. */
  calls: Map<number, { local: string; reads: number[]; render: (value: (id: number) => string) => string }>;
  /** Node id → the node whose value it is: it has no statement of its own. */
  aliases: Map<number, number>;
}

const ELEMENTWISE_BINARY = new Set(["add", "sub", "mul", "div", "max", "min", "pow", "cmplt", "cmpeq"]);

/** The idioms of `fn` computing the nodes `roots`, the nodes of `given` supplied from elsewhere. */
export function findIdioms(fn: Fn, roots: readonly number[], given: ReadonlySet<number>): Idioms {
  const idioms: Idioms = { calls: new Map(), aliases: new Map() };
  // Uses count only from the nodes the roots need (a training step cut down to its loss has a backward that reads the same windows).
  const needed = fn.nodes.map(() => false);
  for (const r of roots) needed[r] = true;
  for (let id = fn.nodes.length - 1; id >= 0; id--) if (needed[id] && !given.has(id)) for (const i of fn.nodes[id]!.inputs) needed[i] = true;
  const users = fn.nodes.map((): Node[] => []);
  for (const n of fn.nodes) if (needed[n.id] && !given.has(n.id)) for (const i of n.inputs) users[i]!.push(n);
  const isRoot = new Set(roots);
  const only = (id: number, op: string): Node | undefined => (users[id]!.length === 1 && !isRoot.has(id) && users[id]![0]!.op === op ? users[id]![0] : undefined);
  const shapeOf = (id: number) => fn.nodes[id]!.shape;
  const patterns = findPatterns(fn, roots, given);

  for (const [id, w] of patterns.convolutions) {
    const matmul = fn.nodes[id]!;
    const image = w.inputs[0]!;
    const conv = convolutionCall(w, shapeOf(image));
    if (!conv) continue;
    const [kh, kw] = w.kernel;
    const hwio = [kh, kw, w.shape[5] as number, matmul.shape[1] as number];
    // The kernel as the IR reshaped it to [KH·KW·C, F]: read from the tensor before that reshape where it is [KH, KW, C, F].
    const flat = fn.nodes[matmul.inputs[1]!]!;
    const source = flat.op === "reshape" && users[flat.id]!.length === 1 && !isRoot.has(flat.id) && sameDims(shapeOf(flat.inputs[0]!), hwio) ? flat.inputs[0]! : flat.id;
    // The [N·OH·OW, F] rows go back to [N, OH, OW, F], as F.conv2d gives them, where the one use of the product does that.
    const nhwc = [...w.shape.slice(0, 3), hwio[3]!];
    const back = only(id, "reshape");
    const unflattened = back && sameDims(back.shape, nhwc) ? back : undefined;
    const kernel = (value: (id: number) => string) => (source === flat.id ? `${value(source)}.reshape(${pyShape(hwio)})` : value(source));
    idioms.calls.set(id, {
      local: `conv_${id}`,
      reads: [image, source],
      render: (value) => `${conv(value(image), `${kernel(value)}.permute(3, 2, 0, 1)`)}${unflattened ? "" : `.reshape(${pyShape(matmul.shape)})`}`,
    });
    if (unflattened) idioms.aliases.set(unflattened.id, id);
  }
  for (const [id, w] of patterns.maxPools) {
    const image = w.inputs[0]!;
    const call = poolCall("F.max_pool2d", w, shapeOf(image), true);
    if (call) idioms.calls.set(id, { local: `max_pool_${id}`, reads: [image], render: (value) => call(value(image)) });
  }
  for (const [id, { window: w, countIncludePad }] of patterns.avgPools) {
    const image = w.inputs[0]!;
    const call = poolCall("F.avg_pool2d", w, shapeOf(image), countIncludePad === 1, countIncludePad === 0 ? ", count_include_pad=False" : "");
    if (call) idioms.calls.set(id, { local: `avg_pool_${id}`, reads: [image], render: (value) => call(value(image)) });
  }
  for (const [id, axes] of patterns.means) {
    const summed = fn.nodes[fn.nodes[id]!.inputs[0]!]!.inputs[0]!;
    idioms.calls.set(id, { local: `mean_${id}`, reads: [summed], render: (value) => `torch.mean(${value(summed)}, dim=${pyInts(axes)})` });
  }
  for (const n of fn.nodes) {
    // A pooling whose windows tile the image: reshape [N, H, W, C] → [N, H/a, a, W/b, b, C], then the max over [2, 4].
    if (n.op !== "reduce_max" || idioms.calls.has(n.id) || n.axes.length !== 2 || n.axes[0] !== 2 || n.axes[1] !== 4) continue;
    const tiles = fn.nodes[n.inputs[0]!]!;
    if (tiles.op !== "reshape" || tiles.shape.length !== 6 || users[tiles.id]!.length !== 1 || isRoot.has(tiles.id)) continue;
    const image = tiles.inputs[0]!;
    const [, h, v, c] = shapeOf(image);
    const [, th, a, tw, b, tc] = tiles.shape;
    if (shapeOf(image).length !== 4 || typeof a !== "number" || typeof b !== "number" || typeof h !== "number" || typeof v !== "number" || h !== (th as number) * a || v !== (tw as number) * b || c !== tc) continue;
    idioms.calls.set(n.id, { local: `max_pool_${n.id}`, reads: [image], render: (value) => `${nhwc(`F.max_pool2d(${nchw(value(image))}, ${pyInts([a, b])})`)}` });
  }
  // Broadcasts torch does itself: every use is elementwise arithmetic whose other operand has the full shape (not itself left to torch).
  const implicit = (b: Node) =>
    b.op === "broadcast" &&
    !isRoot.has(b.id) &&
    users[b.id]!.length > 0 &&
    users[b.id]!.every((u) => ELEMENTWISE_BINARY.has(u.op) && u.inputs.length === 2 && u.inputs[0] !== u.inputs[1] && fn.nodes[u.inputs[u.inputs[0] === b.id ? 1 : 0]!]!.op !== "broadcast" && sameDims(shapeOf(u.inputs[u.inputs[0] === b.id ? 1 : 0]!), b.shape));
  for (const b of fn.nodes.filter(implicit)) {
    idioms.aliases.set(b.id, b.inputs[0]!);
    // The reshape that only added leading 1s for the broadcast: torch's rules add them too.
    const r = fn.nodes[b.inputs[0]!]!;
    if (r.op !== "reshape" || isRoot.has(r.id) || !users[r.id]!.every((u) => u.op === "broadcast" && implicit(u))) continue;
    const from = shapeOf(r.inputs[0]!);
    const lead = r.shape.length - from.length;
    if (lead >= 0 && r.shape.slice(0, lead).every((d) => d === 1) && sameDims(r.shape.slice(lead), from)) idioms.aliases.set(r.id, r.inputs[0]!);
  }
  return idioms;
}

const sameDims = (a: Shape, b: Shape): boolean => a.length === b.length && a.every((d, i) => d === b[i]);
const nchw = (x: string) => `${x}.permute(0, 3, 1, 2)`;
const nhwc = (x: string) => `${x}.permute(0, 2, 3, 1)`;

interface Padding {
  /** The NHWC image cropped to the rows and columns the windows read. */
  crop: (x: string) => string;
  before: readonly [number, number];
  after: readonly [number, number];
}

/** The padding of window `w` over `image`, or undefined where the sizes are not all known. */
function paddingOf(w: WindowNode, image: Shape): Padding | undefined {
  const [, h, v] = image;
  if (typeof h !== "number" || typeof v !== "number" || w.shape.slice(1, 3).some((d) => typeof d !== "number")) return undefined;
  const after = padAfterOf(w, image);
  // A negative pad after the image: the last windows stop short of its end, so those rows and
  // columns are not read. Torch's calls leave them unread too where they are fewer than a stride
  // (its count of windows is rounded down); any more are cropped off.
  const [oh, ow] = w.shape.slice(1, 3) as number[];
  const counted = (i: 0 | 1, size: number) => Math.floor((size + w.padBefore[i] - (w.dilation[i] * (w.kernel[i] - 1) + 1)) / w.stride[i]) + 1;
  const cropped = [after[0] < 0 && counted(0, h) !== oh, after[1] < 0 && counted(1, v) !== ow];
  const crop = (x: string) => (cropped[0] || cropped[1] ? `${x}[:, :${h + Math.min(0, after[0])}, :${v + Math.min(0, after[1])}]` : x);
  return { crop, before: [w.padBefore[0], w.padBefore[1]], after: [Math.max(0, after[0]), Math.max(0, after[1])] };
}

/** What torch's own `padding=` can be: the same before and after, and (for pooling) at most half the kernel. */
const symmetric = (p: Padding, w: WindowNode, pooling: boolean): boolean =>
  p.before[0] === p.after[0] && p.before[1] === p.after[1] && (!pooling || (p.before[0] <= Math.floor(w.kernel[0] / 2) && p.before[1] <= Math.floor(w.kernel[1] / 2)));

/** The NCHW image with the padding torch's call cannot take applied, and the call's padding arguments. */
function padded(w: WindowNode, p: Padding, x: string, pooling: boolean): { input: string; args: string } {
  const image = nchw(p.crop(x));
  if (symmetric(p, w, pooling)) return { input: image, args: p.before.some((d) => d > 0) ? `, padding=${pyInts(p.before)}` : "" };
  return { input: `F.pad(${image}, ${pyInts([p.before[1], p.after[1], p.before[0], p.after[0]])}${w.fill === 0 ? "" : `, value=${pyFloat(w.fill)}`})`, args: "" };
}

const geometryArgs = (w: WindowNode, withDilation: boolean): string =>
  `${w.stride.every((s, i) => s === w.kernel[i]) ? "" : `, stride=${pyInts(w.stride)}`}${withDilation && w.dilation.some((d) => d !== 1) ? `, dilation=${pyInts(w.dilation)}` : ""}`;

/** F.conv2d for window `w` over `image`: (NHWC image, OIHW kernel) → NHWC features. */
function convolutionCall(w: WindowNode, image: Shape): ((x: string, kernel: string) => string) | undefined {
  const p = paddingOf(w, image);
  if (!p) return undefined;
  // F.conv2d's stride defaults to 1, not to the kernel.
  const stride = w.stride.some((s) => s !== 1) ? `, stride=${pyInts(w.stride)}` : "";
  const dilation = w.dilation.some((d) => d !== 1) ? `, dilation=${pyInts(w.dilation)}` : "";
  return (x, kernel) => {
    const { input, args } = padded(w, p, x, false);
    return nhwc(`F.conv2d(${input}, ${kernel}${stride}${args}${dilation})`);
  };
}

/**
 * A pooling call for window `w` over `image`; `padFreely` says whether an explicit F.pad with the
 * window's fill gives the same values (max pooling, or averages over the whole kernel), and where
 * it does not the padding must be torch's own. F.avg_pool2d has no dilation.
 */
function poolCall(call: string, w: WindowNode, image: Shape, padFreely: boolean, extra = ""): ((x: string) => string) | undefined {
  const p = paddingOf(w, image);
  const averaging = call === "F.avg_pool2d";
  if (!p || (averaging && w.dilation.some((d) => d !== 1))) return undefined;
  if (!padFreely && !symmetric(p, w, true)) return undefined;
  return (x) => {
    const { input, args } = padded(w, p, x, true);
    return nhwc(`${call}(${input}, ${pyInts(w.kernel)}${geometryArgs(w, !averaging)}${args}${extra})`);
  };
}
