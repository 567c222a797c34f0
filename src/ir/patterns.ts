// The IR's spellings of convolution and pooling (docs/decisions/0003), found so a backend can
// call a framework's convolution and pooling, which have fast kernels: the ONNX export writes Conv,
// MaxPool, AveragePool and ReduceMean instead of the window spelled out as slices
// (backend/onnx/lower-nn.ts), the PyTorch target F.conv2d, F.max_pool2d, F.avg_pool2d and torch.mean
// (backend/pytorch/idioms.ts) instead of its sliding windows and matrix products:
//   convolution:     window(x, fill 0) → reshape to [N·OH·OW, KH·KW·C] → matmul with [KH·KW·C, F]
//   max pooling:     window(x, fill −∞) → reduce_max over the kernel axes [3, 4]
//   average pooling: window(x, fill 0) → sum over [3, 4] → div by the count of each window: KH·KW
//                    everywhere (count_include_pad=1) or, as Keras's "same" padding counts, the
//                    positions inside the image (count_include_pad=0); any other divisor is left alone
//   mean:            sum over axes of static extent → div by the product of those extents
// Only where the window (and the reshape, the sum) has no other use. A divisor is read through
// the broadcasts and reshapes that lay it out, so it must be a `const` or a `literal` the
// compiler wrote: the match is on values, never on what a node is named.
import type { Fn, Node } from "./ir.ts";

type WindowNode = Extract<Node, { op: "window" }>;

export interface AvgPool {
  window: WindowNode;
  /** ONNX's count_include_pad: 1 when every window divides by KH·KW, 0 when by its positions inside the image. */
  countIncludePad: 0 | 1;
}

export interface Patterns {
  /** matmul id → the window whose rows it multiplies: a convolution. */
  convolutions: Map<number, WindowNode>;
  /** reduce_max id → its window: a max pooling. */
  maxPools: Map<number, WindowNode>;
  /** div id → the window its sum reduces: an average pooling. */
  avgPools: Map<number, AvgPool>;
  /** div id → the axes its sum reduces: a mean. */
  means: Map<number, readonly number[]>;
  /** Nodes that no emitted node reads once the patterns are in place: they are not emitted. */
  absorbed: Set<number>;
}

/**
 * The patterns of `fn` as computing the nodes `roots` (its outputs by default): a use counts only
 * from a node those roots need, and a node of `given` (a value supplied from elsewhere, such as a
 * gradient autograd computed) is not computed, so what it reads is not used through it.
 */
export function findPatterns(fn: Fn, roots: readonly number[] = fn.outputs.map((o) => o.id), given: ReadonlySet<number> = new Set()): Patterns {
  const needed = fn.nodes.map(() => false);
  for (const r of roots) needed[r] = true;
  for (let id = fn.nodes.length - 1; id >= 0; id--) if (needed[id] && !given.has(id)) for (const i of fn.nodes[id]!.inputs) needed[i] = true;
  const uses = new Array<number>(fn.nodes.length).fill(0);
  for (const n of fn.nodes) if (needed[n.id] && !given.has(n.id)) for (const i of n.inputs) uses[i]!++;
  for (const r of roots) uses[r]!++;
  const found: Patterns = { convolutions: new Map(), maxPools: new Map(), avgPools: new Map(), means: new Map(), absorbed: new Set() };
  // What each pattern's node reads in place of its IR inputs: the image (and a convolution's kernel).
  const reads = new Map<number, number[]>();
  const single = (id: number | undefined, op: string): Node | undefined => {
    const n = id === undefined ? undefined : fn.nodes[id];
    return n?.op === op && uses[id!] === 1 ? n : undefined;
  };
  const windowOf = (id: number | undefined) => single(id, "window") as WindowNode | undefined;
  for (const n of fn.nodes) {
    if (n.op === "matmul" && n.shape.length === 2) {
      const rows = single(n.inputs[0], "reshape");
      const w = rows && windowOf(rows.inputs[0]);
      if (w && w.fill === 0 && rows!.shape[1] === w.kernel[0] * w.kernel[1] * (w.shape[5] as number)) {
        found.convolutions.set(n.id, w);
        reads.set(n.id, [w.inputs[0]!, n.inputs[1]!]);
      }
    } else if (n.op === "reduce_max" && isKernelAxes(n.axes)) {
      const w = windowOf(n.inputs[0]);
      if (w && w.fill === -Infinity) {
        found.maxPools.set(n.id, w);
        reads.set(n.id, [w.inputs[0]!]);
      }
    } else if (n.op === "div" && n.dtype === "f32") {
      const sum = single(n.inputs[0], "sum") as (Node & { axes: readonly number[] }) | undefined;
      if (!sum) continue;
      const divisor = divisorOf(fn, n.inputs[1]!);
      const w = isKernelAxes(sum.axes) ? windowOf(sum.inputs[0]) : undefined;
      const countIncludePad = w && divisor ? averageCounting(w, fn.nodes[w.inputs[0]!]!.shape, divisor) : undefined;
      if (w && countIncludePad !== undefined) {
        found.avgPools.set(n.id, { window: w, countIncludePad });
        reads.set(n.id, [w.inputs[0]!]);
        continue;
      }
      const extents = sum.axes.map((a) => fn.nodes[sum.inputs[0]!]!.shape[a]);
      if (sum.axes.length > 0 && divisor?.length === 1 && extents.every((d) => typeof d === "number") && divisor[0] === (extents as number[]).reduce((a, b) => a * b, 1)) {
        found.means.set(n.id, sum.axes);
        reads.set(n.id, [sum.inputs[0]!]);
      }
    }
  }
  // Whatever only the patterns' inner nodes read (the windows, sums, divisors) is absorbed.
  const live = new Set<number>();
  const pending = [...roots];
  while (pending.length > 0) {
    const id = pending.pop()!;
    if (live.has(id)) continue;
    live.add(id);
    if (!given.has(id)) pending.push(...(reads.get(id) ?? fn.nodes[id]!.inputs));
  }
  for (const n of fn.nodes) if (!live.has(n.id) && n.op !== "arg") found.absorbed.add(n.id);
  return found;
}

const isKernelAxes = (axes: readonly number[]) => axes.length === 2 && axes[0] === 3 && axes[1] === 4;

/**
 * The values a divisor holds at each output position (row-major over [OH, OW]), or one value when
 * it is the same everywhere: a `const` through reshapes and broadcasts, or a `literal` of shape
 * [1, OH, OW, 1] broadcast (as avg_pool2d writes its counts). Undefined for anything else.
 */
function divisorOf(fn: Fn, id: number): readonly number[] | undefined {
  let n = fn.nodes[id]!;
  const layout = (m: Node) => m.op === "broadcast" || m.op === "reshape";
  if (n.op !== "broadcast") return undefined;
  const spread = n.inputs[0]!;
  while (layout(n)) n = fn.nodes[n.inputs[0]!]!;
  if (n.op === "const") return [n.value];
  const literal = fn.nodes[spread]!;
  if (literal.op === "literal" && literal.shape.length === 4 && literal.shape[0] === 1 && literal.shape[3] === 1) return literal.data;
  return undefined;
}

/**
 * ONNX AveragePool's count_include_pad for window `w` over an image of shape `image` whose sums are
 * divided by `divisor`: 1 when that is KH·KW everywhere (or when the windows read no padding),
 * 0 when it is each window's count of positions inside the image; undefined when neither.
 * AveragePool in opset 17 has no dilations, so a dilated window is never one.
 */
function averageCounting(w: WindowNode, image: readonly (number | string)[], divisor: readonly number[]): 0 | 1 | undefined {
  if (w.dilation[0] !== 1 || w.dilation[1] !== 1 || w.fill !== 0) return undefined;
  const [oh, ow] = [w.shape[1], w.shape[2]] as number[];
  const [h, v] = [image[1], image[2]];
  if (typeof oh !== "number" || typeof ow !== "number" || typeof h !== "number" || typeof v !== "number") return undefined;
  const at = (r: number, c: number) => (divisor.length === 1 ? divisor[0]! : divisor[r * ow + c]);
  if (divisor.length !== 1 && divisor.length !== oh * ow) return undefined;
  const inside = (o: number, axis: 0 | 1, size: number) => {
    let count = 0;
    for (let t = 0; t < w.kernel[axis]; t++) {
      const p = o * w.stride[axis] - w.padBefore[axis] + t;
      if (p >= 0 && p < size) count++;
    }
    return count;
  };
  const everywhere = (want: (r: number, c: number) => number) => {
    for (let r = 0; r < oh; r++) for (let c = 0; c < ow; c++) if (at(r, c) !== want(r, c)) return false;
    return true;
  };
  if (everywhere(() => w.kernel[0] * w.kernel[1])) return 1;
  if (everywhere((r, c) => inside(r, 0, h) * inside(c, 1, v))) return 0;
  return undefined;
}
