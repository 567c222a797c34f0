// What every operator's translation reads and writes: the program being written, the values
// computed so far, how often each is read, and the problems found. An operator that cannot be
// translated in the form it has throws NotTranslatable; the driver records it against the node
// and goes on, so that one import reports every problem at once.
import type { Attribute, Node } from "./decode.ts";
import type { DnnProgram, Weight } from "./program.ts";
import { permuteData, type Dim, type Dynamic, type Known, type Value } from "./values.ts";

export class NotTranslatable extends Error {}

export interface Ctx {
  prog: DnnProgram;
  values: Map<string, Value>;
  /** Nodes reading each value (a graph output counts as a reader too: it is written at the end). */
  readers: Map<string, Node[]>;
  /** Nodes already translated as part of another (the Add after a MatMul that became a Dense). */
  absorbed: Set<Node>;
  /** The default domain's opset: a few defaults changed with it (Softmax's axis). */
  opset: number;
  /** The node computing each value, for rules that look ahead (a Reshape's shape not yet evaluated). */
  producers: Map<string, Node>;
}

export function attr(node: Node, name: string): Attribute | undefined {
  return node.attributes.get(name);
}

export function intAttr(node: Node, name: string, fallback: number): number {
  const a = attr(node, name);
  if (!a) return fallback;
  if (a.kind !== "int") throw new NotTranslatable(`attribute ${name} should be an integer`);
  return a.i;
}

export function floatAttr(node: Node, name: string, fallback: number): number {
  const a = attr(node, name);
  if (!a) return fallback;
  if (a.kind === "float") return a.f;
  if (a.kind === "int") return a.i;
  throw new NotTranslatable(`attribute ${name} should be a number`);
}

export function intsAttr(node: Node, name: string): number[] | undefined {
  const a = attr(node, name);
  if (!a) return undefined;
  if (a.kind !== "ints") throw new NotTranslatable(`attribute ${name} should be a list of integers`);
  return a.ints;
}

export function stringAttr(node: Node, name: string, fallback: string): string {
  const a = attr(node, name);
  if (!a) return fallback;
  if (a.kind !== "string") throw new NotTranslatable(`attribute ${name} should be text`);
  return a.s;
}

/** Input `i` of the node, or undefined when absent (an optional input left empty). */
export function input(ctx: Ctx, node: Node, i: number): Value | undefined {
  const name = node.inputs[i];
  if (name === undefined || name === "") return undefined;
  const v = ctx.values.get(name);
  if (!v) throw new NotTranslatable(`its input ${name} is not computed by anything the import understood`);
  return v;
}

export function dynamicInput(ctx: Ctx, node: Node, i: number): Dynamic {
  const v = input(ctx, node, i);
  if (!v || v.kind !== "dynamic") throw new NotTranslatable(`input ${i + 1} (${node.inputs[i] ?? "missing"}) should be a tensor computed from the model's inputs`);
  if (v.ids) throw new NotTranslatable(`its input ${node.inputs[i]} holds integer ids, which only a Gather from a weight table (an Embedding) reads`);
  return v;
}

export function knownInput(ctx: Ctx, node: Node, i: number, what: string): Known {
  const v = input(ctx, node, i);
  if (!v || v.kind !== "known") throw new NotTranslatable(`its ${what} (${node.inputs[i] ?? "missing"}) should be a weight or a constant of the file, not computed at run time`);
  return v;
}

export function knownFloats(k: Known, what: string): Float32Array {
  if (k.floats) return k.floats;
  if (k.ints && k.ints.every((d) => typeof d === "number")) return Float32Array.from(k.ints as number[]);
  throw new NotTranslatable(`its ${what} should hold numbers`);
}

export function knownInts(k: Known, what: string): Dim[] {
  if (k.ints) return k.ints;
  if (k.floats) return Array.from(k.floats);
  throw new NotTranslatable(`its ${what} should hold integers`);
}

export function weight(k: Known, what: string, perm?: readonly number[]): Weight {
  const data = knownFloats(k, what);
  return perm ? permuteData(data, k.shape, perm) : { data, shape: [...k.shape] };
}

/** Sets the node's output `i` to a run-time value computed by `p`. */
export function setDynamic(ctx: Ctx, node: Node, i: number, v: Omit<Dynamic, "kind" | "readers" | "wanted">): Dynamic {
  const name = node.outputs[i]!;
  const out: Dynamic = { kind: "dynamic", ...v, readers: ctx.readers.get(name)?.length ?? 0, wanted: wantedName(node, name) };
  ctx.values.set(name, out);
  return out;
}

export function setKnown(ctx: Ctx, node: Node, i: number, k: Omit<Known, "kind">): void {
  ctx.values.set(node.outputs[i]!, { kind: "known", ...k });
}

/** A `let` name from the node: PyTorch names nodes by module path (`/layer1/conv1/Conv`), and the module is the better name (`layer1_conv1`). */
function wantedName(node: Node, output: string): string {
  let segments = node.name.split("/").filter(Boolean);
  if (segments.length > 0 && new RegExp(`^${node.opType}(_\\d+)?$`).test(segments[segments.length - 1]!)) segments = segments.slice(0, -1);
  const source = segments.length > 0 ? segments.join("_") : node.name ? "h" : output;
  const s = source.replace(/[^A-Za-z0-9_]+/g, "_").replace(/^_+|_+$/g, "").replace(/_+/g, "_").toLowerCase();
  return s === "" || /^[0-9]/.test(s) ? `h${s ? `_${s}` : ""}` : s;
}

/** An axis attribute made non-negative for a tensor of `rank`. */
export function axis(a: number, rank: number): number {
  const out = a < 0 ? a + rank : a;
  if (out < 0 || out >= rank) throw new NotTranslatable(`axis ${a} is out of range for a tensor of rank ${rank}`);
  return out;
}

export function numeric(shape: readonly Dim[], what: string): number[] {
  return shape.map((d) => {
    if (typeof d !== "number") throw new NotTranslatable(`${what} must be known numbers, found ${d}`);
    return d;
  });
}

/** A number as .dnn source: always with a point or exponent, so it is an f32 literal. */
export function floatText(x: number): string {
  if (!Number.isFinite(x)) throw new NotTranslatable(`the constant ${x} cannot be written in .dnn source`);
  // The shortest decimal that is the same float32: epsilon 1e-5, not 9.99999974737875e-6.
  let s = String(x);
  for (let p = 1; p <= 17; p++) {
    const y = Number(x.toPrecision(p));
    if (Math.fround(y) === Math.fround(x)) {
      s = String(y);
      break;
    }
  }
  return /[.eE]/.test(s) ? s : `${s}.0`;
}
