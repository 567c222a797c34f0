// An IR function as a GPU plan: the compiler's half of what the runtime (runtime/webgpu.ts)
// runs. Every kernel of the fused schedule becomes one shader and one dispatch; every value in
// memory becomes a region — an argument, or a buffer placed by liveness in a group; a scan
// becomes a host loop around its body's dispatches, with three copies (scan.ts) moving the
// carry and the step's slice. Sizes stay symbolic (Dims) until the emitter writes the plan as
// a function of the batch size.
import type { Fn } from "../../ir/ir.ts";
import type { Kernel, Schedule } from "../../schedule/kernel.ts";
import { evalDim, productDim } from "../../ir/dim.ts";
import type { GpuPlan, GpuStep } from "../../runtime/webgpu.ts";
import { size, type Dim } from "../../ir/shape.ts";
import { scheduled, type ScheduledFn } from "../target.ts";
import { renderWgsl, type Workgroups } from "./render.ts";
import { COPY_SHADER, LOAD_SHADER, STORE_SHADER } from "./scan.ts";
import { userIdent } from "../names.ts";

export type Region = { arg: number } | { group: number; size: Dim; first: number; last: number };
export interface Dispatch {
  shader: number;
  memory: [string, number][];
  consts: [string, Dim][];
  workgroups: Workgroups;
}
export interface Loop {
  count: Dim;
  reverse: boolean;
  steps: Step[];
}
export type Step = Dispatch | Loop;
export interface Plan {
  fn: Fn;
  regions: Region[];
  /** Each output's region and size. */
  outputs: [number, Dim][];
  steps: Step[];
}

/** Shaders by text, each once: kernels that render alike share a shader (and, with equal constants, a pipeline). */
export class Shaders {
  readonly codes: string[] = [];
  private readonly index = new Map<string, number>();
  add(code: string): number {
    let i = this.index.get(code);
    if (i === undefined) this.index.set(code, (i = this.codes.push(code) - 1));
    return i;
  }
}

const COPY_GROUP = 64;

/**
 * `replaces` pairs outputs with the arguments the caller copies them onto after the call (a
 * training step's new parameters and optimizer state): each that can be is computed in place.
 */
export function planGpu(sf: ScheduledFn, symbols: readonly string[], shaders: Shaders, replaces: readonly (readonly [number, number])[] = []): Plan {
  const fn = sf.fn;
  const regions: Region[] = [];
  const args = fn.args.map((_, i) => regions.push({ arg: i }) - 1);
  let groups = 0;
  const { steps, outputs } = planFn(sf, symbols, shaders, regions, args, () => groups++, replaces);
  return { fn, regions, outputs, steps };
}

/** The dispatches of `fn`, its arguments in regions `args`, its buffers in a new group. */
function planFn({ fn, schedule: s, buffers }: ScheduledFn, symbols: readonly string[], shaders: Shaders, regions: Region[], args: readonly number[], newGroup: () => number, replaces: readonly (readonly [number, number])[] = []): { steps: Step[]; outputs: [number, Dim][] } {
  const group = newGroup();
  const region = new Map<number, number>();
  for (const n of fn.nodes) if (n.op === "arg") region.set(n.id, args[n.index]!);
  for (const b of buffers) region.set(b.node, regions.push({ group, size: b.size, first: b.first, last: b.last }) - 1);
  for (const [out, arg] of inPlace(s, replaces)) region.set(out, args[arg]!);
  const regionOf = (id: number): number => {
    const r = region.get(s.base[id]!);
    if (r === undefined) throw new Error(`dnnc: node %${id} of ${fn.name} has no memory`);
    return r;
  };
  const steps: Step[] = [];
  for (const k of s.kernels) {
    const head = k.head !== undefined ? fn.nodes[k.head]! : undefined;
    if (head?.op === "scan") {
      const [init, xs, ...consts] = head.inputs as [number, number, ...number[]];
      const carryShape = fn.nodes[init]!.shape;
      const xShape = fn.nodes[xs]!.shape;
      const count = xShape[head.axis]!;
      const carry = size(carryShape);
      const step = productDim(xShape.filter((_, j) => j !== head.axis));
      // The carry and the step's slice: alive through the whole loop, in a group of their own.
      const scratch = newGroup();
      const c = regions.push({ group: scratch, size: carry, first: 0, last: 0 }) - 1;
      const x = regions.push({ group: scratch, size: step, first: 0, last: 0 }) - 1;
      const body = planFn(scheduled(head.body), symbols, shaders, regions, [c, x, ...consts.map(regionOf)], newGroup);
      const copies = (of: Dim): Workgroups => [{ of, per: COPY_GROUP }];
      const load: Dispatch = {
        shader: shaders.add(LOAD_SHADER),
        memory: [["oXs", regionOf(xs)], ["oX", x]],
        consts: [["count", count], ["inner", productDim(xShape.slice(head.axis + 1))], ["outer", productDim(xShape.slice(0, head.axis))]],
        workgroups: copies(step),
      };
      const store: Dispatch = {
        shader: shaders.add(STORE_SHADER),
        memory: [["oR", body.outputs[0]![0]], ["oCarry", c], ["oOut", regionOf(head.id)]],
        consts: [["count", count], ["inner", productDim(carryShape.slice(head.axis))], ["outer", productDim(carryShape.slice(0, head.axis))]],
        workgroups: copies(carry),
      };
      steps.push({ shader: shaders.add(COPY_SHADER), memory: [["oSrc", regionOf(init)], ["oDst", c]], consts: [["n", carry]], workgroups: copies(carry) });
      steps.push({ count, reverse: head.reverse, steps: [load, ...body.steps, store] });
      continue;
    }
    const w = renderWgsl(s, k, symbols);
    steps.push({
      shader: shaders.add(w.code),
      memory: w.memory.map((id): [string, number] => [`o${id}`, regionOf(id)]),
      // Each size's override constant is its identifier (names.ts); its value, the size.
      consts: w.sizes.map((x): [string, Dim] => [userIdent(x), x]),
      workgroups: w.workgroups,
    });
  }
  return { steps, outputs: fn.outputs.map((o) => [regionOf(o.id), size(fn.nodes[o.id]!.shape)]) };
}

/**
 * The outputs (node → argument) that can be written over the argument they replace, saving the
 * copy home after the call (a training step's every parameter and moment: 2.8 MB for the MLP
 * 784-256-128-10): the one kernel storing the output reads that argument only element by element,
 * each element before writing it (an optimizer update, alone or in a weight gradient's epilogue),
 * and every other kernel reading the argument runs before it.
 */
function inPlace(s: Schedule, replaces: readonly (readonly [number, number])[]): Map<number, number> {
  const { fn, kernels } = s;
  const done = new Map<number, number>();
  const readers = (k: Kernel, arg: number) => [...(k.head !== undefined ? [k.head] : []), ...k.body].filter((id) => fn.nodes[id]!.inputs.some((x) => s.base[x] === arg));
  for (const [o, a] of replaces) {
    const out = fn.outputs[o]?.id;
    const arg = fn.nodes.find((n) => n.op === "arg" && n.index === a)?.id;
    if (out === undefined || arg === undefined || s.storage[out] !== "buffer" || done.has(out) || [...done.values()].includes(a)) continue;
    if (size(fn.nodes[out]!.shape) !== size(fn.nodes[arg]!.shape)) continue;
    if (fn.outputs.some((x) => s.base[x.id] === arg || (x.id === out && x !== fn.outputs[o]))) continue;
    const at = kernels.findIndex((k) => k.stores.includes(out));
    const k = kernels[at]!;
    if ((k.kind !== "elementwise" && k.kind !== "matmul") || k.head === out || (k.head !== undefined && readers(k, arg).includes(k.head))) continue;
    // Read element-wise (no broadcast) and no later in the body than the output is stored.
    const last = k.body.indexOf(out);
    if (readers(k, arg).some((id) => fn.nodes[id]!.op === "broadcast" || k.body.indexOf(id) > last)) continue;
    if (kernels.some((other, j) => j > at && readers(other, arg).length > 0)) continue;
    done.set(out, a);
  }
  return done;
}

/**
 * A plan with its sizes evaluated, in the runtime's form, every argument an input of its own:
 * how tests run a single function (a generated module's plans are code that computes this).
 */
export function evaluatePlan(p: Plan, dims: Readonly<Record<string, number>>): GpuPlan {
  const num = (d: Dim): number => {
    const v = evalDim(d, dims);
    if (v === undefined) throw new Error(`no value for a size in ${d}`);
    return v;
  };
  const groups = (w: Workgroups) => w.reduce((n, { of, per }) => n * Math.ceil(num(of) / per), 1);
  const steps = (list: readonly Step[]): GpuStep[] =>
    list.map((s) => ("shader" in s ? { shader: s.shader, memory: s.memory, consts: s.consts.map(([k, d]): [string, number] => [k, num(d)]), workgroups: groups(s.workgroups) } : { count: num(s.count), reverse: s.reverse, steps: steps(s.steps) }));
  return {
    args: p.fn.args.map((a) => ({ size: num(size(a.shape)) })),
    regions: p.regions.map((r) => ("arg" in r ? r : { ...r, size: num(r.size) })),
    outputs: p.outputs.map(([r, n]): [number, number] => [r, num(n)]),
    steps: steps(p.steps),
    update: [],
  };
}
