// `dnnc graph --kernels`: which boxes of the diagram each fused kernel of a function computes.
// The kernels are the schedule `dnnc compile --emit kernels` prints — fuse() of the function
// after the simplification passes — but the diagram's layers index the function as elaboration
// built it. The passes keep node order, and carry a function's sections across by where each
// node's replacements landed (carrySections), so a section at every node says, for each node of
// the simplified function, which elaborated node it was made from: that node's layer (or merge)
// is what the kernel computing it covers. A kernel computing only operations between layers
// (x / 16.0 before the first Dense) gets a box of its own for one of them, so it is drawn too.
// A training step's backward and update nodes stand for the node they were made for, as
// autodiff and the step record it (trainStepFn's `origins`): a gradient kernel covers the layers
// whose gradients it computes, an update kernel the layers whose parameters it updates.
import { diagnostic, type Diagnostic } from "../diagnostics/diagnostic.ts";
import { didYouMean } from "../check/suggest.ts";
import type { Compilation } from "../compiler.ts";
import type { CompiledModel } from "../model.ts";
import type { SummaryRow } from "../check/context.ts";
import type { Fn } from "../ir/ir.ts";
import { symbolsOf } from "../ir/dim.ts";
import { simplify } from "../passes/pipeline.ts";
import { withoutDeadCode } from "../passes/dce.ts";
import { fuse } from "../schedule/fuse.ts";
import type { KernelKind } from "../schedule/kernel.ts";
import { kernelCosts } from "../schedule/stats.ts";
import { trainStepFn } from "../step/step.ts";
import { buildDiagram, type Diagram } from "./dataflow.ts";

export interface DrawnKernel {
  /** As `--emit kernels` numbers it: k0, k1, … */
  name: string;
  kind: KernelKind;
  /** The diagram's boxes whose IR nodes it computes, in the diagram's order. A backward or
   * update kernel's are the boxes of the forward nodes and parameters its nodes were made for
   * (the layers whose gradients it computes or whose parameters it updates); one made for no
   * box (`apart`) is put on the loss's box. */
  covers: string[];
  /** The function's section it ends in: "forward" for an inference function; for a training
   * step "forward and loss", "backward: …" or "update: …", as `--emit ir` heads them. */
  section: string;
  /** Its section's part of the step: how it is drawn (an outline, or a chip beside its boxes). */
  phase: Phase;
  /** Why a backward or update kernel computes no layer's gradient or update, if it does not:
   * "loss", it computes gradients of the loss's own operations that have no box; "step", it
   * computes for the whole step (the global gradient norm, the finite-step flag). */
  apart: false | "loss" | "step";
  flops: number;
  bytesMoved: number;
}

export type Phase = "forward" | "backward" | "update";

/** Where a training step's no-layer kernels are drawn: beside its loss. */
export const LOSS_BOX = "output:loss";

export interface KernelOverlay {
  /** The function drawn: forward, train_step, train_step_<program>. */
  fn: string;
  kernels: DrawnKernel[];
  /** The value each symbolic size took for the costs: 1 (one example). */
  sizes: Record<string, number>;
}

/** The functions of a model whose kernels can be drawn: its forward and its training steps. */
export function kernelFunctions(model: CompiledModel): string[] {
  return ["forward", ...(model.train ? ["train_step"] : []), ...(model.programs ?? []).map((p) => `train_step_${p.name}`)];
}

/**
 * The diagram of `fnName` of `model` with its kernels, or a refusal (DNN0790) for a function the
 * model does not have. The forward's diagram is the model's; a training step's is the model as
 * the step runs it (training-mode layers) ending in its loss, with its backward and update kernels
 * listed by section. `caption`: the train block's lines, as the plain diagram has them.
 */
export function kernelDiagram(compilation: Compilation, model: CompiledModel, fnName: string, caption: string[]): { diagram: Diagram; overlay: KernelOverlay } | { refusal: Diagnostic } {
  const subject = functionOf(compilation, model, fnName);
  if ("refusal" in subject) return subject;
  const { rows, fn, view, unused, madeFor } = subject;
  // A section at every node, after the function's own (a training step's three): through the
  // passes, each lands where the first node made from its node did.
  const own = fn.sections ?? [];
  const marked: Fn = { ...fn, sections: [...own, ...fn.nodes.map((_, i) => ({ name: "", start: i }))] };
  const simplified = simplify(unused.size > 0 ? withoutDeadCode(marked, unused) : marked);
  const landed = simplified.sections!.slice(own.length).map((s) => s.start);
  const phases = simplified.sections!.slice(0, own.length);
  const origin = new Int32Array(simplified.nodes.length);
  for (let i = 0, k = 0; k < simplified.nodes.length; k++) {
    while (i + 1 < landed.length && landed[i + 1]! <= k) i++;
    origin[k] = i;
  }
  const schedule = fuse(simplified);
  const sizes = Object.fromEntries([...new Set(simplified.args.flatMap((a) => a.shape.flatMap((d) => symbolsOf(d))))].map((x) => [x, 1]));
  const costs = kernelCosts(schedule, sizes);
  const nodesOf = schedule.kernels.map((k) => [...(k.head !== undefined ? [k.head] : []), ...k.body]);
  const sectionOf = (k: number) => {
    const last = Math.max(...nodesOf[k]!);
    return phases.filter((p) => p.start <= last).pop()?.name ?? "forward";
  };

  // Leaf layers own their range of elaborated nodes; a merge or op box is named by its node.
  const layerOwner = new Map<number, string>();
  const layerRows = rows.filter((r) => r.kind === "layer");
  const covered = (d: Diagram, k: number): string[] => {
    const ids = new Set(d.nodes.map((n) => n.id));
    const hit = new Set<string>();
    // Constants and index values are in the loops of every kernel that reads them (and one
    // constant, shared by CSE, may come from anywhere): they say nothing of what a kernel computes.
    const computed = nodesOf[k]!.filter((id) => schedule.storage[id] !== "scalar" && schedule.storage[id] !== "recomputed");
    for (const id of computed.length > 0 ? computed : nodesOf[k]!) {
      // A backward or update node stands for the forward node (or parameter) it was made for.
      const o = madeFor ? madeFor[origin[id]!]! : origin[id]!;
      if (o < 0) continue;
      const box = layerOwner.get(o) ?? [`merge${o}`, `op${o}`].find((x) => ids.has(x));
      if (box) hit.add(box);
    }
    return d.nodes.filter((n) => hit.has(n.id)).map((n) => n.id);
  };
  let diagram = buildDiagram(model.name, rows, view, caption);
  layerRows.forEach((row, i) => {
    const node = diagram.nodes.find((n) => n.id === `layer${i}`)!;
    if (!node.group && row.kind === "layer" && row.nodes) for (let j = row.nodes.start; j < row.nodes.end; j++) layerOwner.set(j, node.id);
  });
  // A forward kernel that computes no box: its last stored value (or last node) becomes an op box.
  const shown = new Set<number>();
  schedule.kernels.forEach((k, i) => {
    if (covered(diagram, i).length > 0 || !isForward(sectionOf(i))) return;
    shown.add(origin[k.stores.length > 0 ? k.stores[k.stores.length - 1]! : nodesOf[i]![nodesOf[i]!.length - 1]!]!);
  });
  if (shown.size > 0) diagram = buildDiagram(model.name, rows, view, caption, shown);
  const kernels = schedule.kernels.map((_, i): DrawnKernel => {
    const section = sectionOf(i);
    const phase = phaseOf(section);
    const covers = covered(diagram, i);
    const apart = phase === "forward" || covers.length > 0 ? false : nodesOf[i]!.some((id) => madeFor![origin[id]!]! >= 0) ? "loss" : "step";
    return { name: `k${i}`, kind: schedule.kernels[i]!.kind, covers: apart ? [LOSS_BOX] : covers, section, phase, apart, flops: costs[i]!.flops, bytesMoved: costs[i]!.bytesMoved };
  });
  return { diagram, overlay: { fn: fnName, kernels, sizes } };
}

const isForward = (section: string) => section === "forward" || section === "forward and loss";
const phaseOf = (section: string): Phase => (isForward(section) ? "forward" : section.startsWith("backward") ? "backward" : "update");

interface Subject {
  /** The summary rows whose node ranges index `fn`. */
  rows: readonly SummaryRow[];
  /** The function as elaborated, before any pass. */
  fn: Fn;
  /** What the diagram is built from: `fn`, or for a training step `fn` with its loss as the one output. */
  view: Fn;
  /** States the step leaves out of its signature (step.ts removes them before the passes). */
  unused: Set<string>;
  /** A training step's: for each node of `fn`, itself for a forward node; for a backward or update
   * node the forward node or parameter it was made for (trainStepFn's `origins`), -1 for one
   * made for the whole step. */
  madeFor?: Int32Array;
}

/** The elaborated function named `fnName`, with the layer rows that index it. */
function functionOf(compilation: Compilation, model: CompiledModel, fnName: string): Subject | { refusal: Diagnostic } {
  const names = kernelFunctions(model);
  const entry = [...compilation.program.modules.values()].find((m) => m.models.has(model.name));
  if (!names.includes(fnName) || !entry) {
    const alt = didYouMean(fnName, names);
    // The request names no place in the file: the diagnostic points at its start, as chooseModel's do.
    const at = { file: entry?.path ?? "", start: 0, end: 0 };
    return {
      refusal: diagnostic("DNN0790", at, `model \`${model.name}\` has no function \`${fnName}\` to draw the kernels of`, {
        hint: `${alt ? `did you mean \`${alt}\`? ` : ""}its functions: ${names.join(", ")}${model.train ? "" : " (a train block adds train_step)"}`,
        ...(alt ? { suggestion: alt } : {}),
      }),
    };
  }
  // The diagram's compilation keeps the forward as elaborated (runFrontEnd(…, "none")).
  if (fnName === "forward") return { rows: model.summary, fn: model.forward, view: model.forward, unused: new Set() };
  const program = fnName === "train_step" ? undefined : fnName.slice("train_step_".length);
  const decl = entry.models.get(model.name)!;
  const train = entry.trains.find((t) => t.model.name === model.name && t.program?.name === program)!;
  // Elaborated again as compile() did: the compiled step has been through dead-code elimination
  // already, and the layer rows of its elaboration are not kept.
  const origins: number[] = [];
  const { el, step } = trainStepFn(train, decl, entry, { origins });
  if (!step) throw new Error(`dnnc: the training step of ${model.name} failed to elaborate again`);
  const fn = el.b.fn;
  const kept = new Set(step.fn.args.map((a) => a.name));
  const loss = fn.outputs.find((o) => o.name === "loss")!;
  const backward = fn.sections![1]!.start;
  const madeFor = Int32Array.from(fn.nodes, (_, i) => (i < backward ? i : (origins[i] ?? -1)));
  return { rows: el.summary, fn, view: { ...fn, outputs: [loss] }, unused: new Set(fn.args.filter((a) => !kept.has(a.name)).map((a) => a.name)), madeFor };
}
