// The ONNX graph as a .dnn model: every node, in the graph's (topological) order, translated by
// its operator's rule into stages and statements of a DnnProgram. Operators with no rule are all
// refused together before anything is translated (DNN0721); an operator whose rule cannot express
// the form it has is refused with its node (DNN0722), and the translation goes on with the
// nodes that do not depend on it, so one run reports every problem.
import type { Graph, Model, Node } from "./decode.ts";
import { DATA_TYPE_NAMES } from "./decode.ts";
import { NotTranslatable, type Ctx } from "./context.ts";
import { DnnProgram, identifier } from "./program.ts";
import { identityLayout, inLayout, type Dim } from "./values.ts";
import { batchNorm, conv, gemm, layerNorm, matmul } from "./layers.ts";
import { globalPool, pad, pool } from "./pooling.ts";
import { activation, ACTIVATION_OPS, arithmetic, clip, hard, neg, softmax } from "./elementwise.ts";
import { reduce } from "./reduce.ts";
import { concat, flatten, gather, passThrough, reshape, squeeze, transpose, unsqueeze } from "./shapes.ts";
import { gru, lstm } from "./recurrent.ts";
import { fold } from "./fold.ts";

export type ImportCode = "DNN0720" | "DNN0721" | "DNN0722" | "DNN0723";

export interface ImportProblem {
  code: ImportCode;
  message: string;
}

export interface Translation {
  /** The .dnn model's declarations and statements, and what it imports. */
  prog: DnnProgram;
  outputs: { name: string; shape: Dim[] }[];
  problems: ImportProblem[];
}

type Rule = (ctx: Ctx, node: Node) => void;

const RULES: Record<string, Rule> = {
  Gemm: gemm,
  MatMul: (ctx, node) => {
    if (!matmul(ctx, node)) throw new NotTranslatable("only a product with a weight matrix (a Dense) is supported");
  },
  Conv: conv,
  MaxPool: pool,
  AveragePool: pool,
  GlobalAveragePool: globalPool,
  GlobalMaxPool: globalPool,
  Pad: pad,
  BatchNormalization: batchNorm,
  LayerNormalization: layerNorm,
  Softmax: softmax,
  LogSoftmax: softmax,
  Add: arithmetic,
  Sub: arithmetic,
  Mul: arithmetic,
  Div: arithmetic,
  Pow: arithmetic,
  Max: arithmetic,
  Min: arithmetic,
  Clip: clip,
  HardSigmoid: hard,
  HardSwish: hard,
  ReduceMean: reduce,
  ReduceMax: reduce,
  ReduceSum: reduce,
  Neg: neg,
  Flatten: flatten,
  Reshape: reshape,
  Transpose: transpose,
  Squeeze: squeeze,
  Unsqueeze: unsqueeze,
  Gather: gather,
  Concat: concat,
  Identity: passThrough,
  Dropout: passThrough,
  Cast: passThrough,
  LSTM: lstm,
  GRU: gru,
  ...Object.fromEntries(ACTIVATION_OPS.map((op) => [op, activation])),
};

/** Operators with no run-time value of their own: evaluated at import time only. */
const KNOWN_ONLY = new Set(["Shape", "Constant", "ConstantOfShape", "Slice", "Expand"]);

export const SUPPORTED_OPERATORS = [...Object.keys(RULES), ...KNOWN_ONLY].sort();

export function translate(model: Model): Translation {
  const g = model.graph;
  const prog = new DnnProgram();
  const problems: ImportProblem[] = [];
  // Only what the outputs depend on is translated: a dead branch would be an unused `let`.
  const nodes = liveNodes(g);
  const unsupported = nodes.filter((n) => (n.domain !== "" && n.domain !== "ai.onnx") || !(n.opType in RULES || KNOWN_ONLY.has(n.opType)));
  for (const n of unsupported)
    problems.push({ code: "DNN0721", message: `unsupported operator ${n.domain && n.domain !== "ai.onnx" ? `${n.domain}.` : ""}${n.opType} (node ${n.name || `with output ${n.outputs[0]}`})` });
  if (problems.length > 0) return { prog, outputs: [], problems };

  const ctx: Ctx = { prog, values: new Map(), readers: new Map(), absorbed: new Set(), opset: model.opset, producers: new Map(nodes.flatMap((n) => n.outputs.map((o) => [o, n] as const))) };
  for (const t of g.initializers) ctx.values.set(t.name, { kind: "known", shape: t.dims, ...(t.floats ? { floats: t.floats } : {}), ...(t.ints ? { ints: t.ints } : {}) });
  const symbols = new Map<string, string>();
  const inputs = declareInputs(ctx, g, symbols, problems);
  // A Shape reads only the sizes, which are known: it does not keep a value from flowing on in one pipeline.
  for (const n of nodes) if (n.opType !== "Shape") for (const i of n.inputs) if (i) ctx.readers.set(i, [...(ctx.readers.get(i) ?? []), n]);
  const outputMarker = { name: "", opType: "output", domain: "", inputs: [], outputs: [], attributes: new Map() } satisfies Node;
  for (const o of g.outputs) ctx.readers.set(o.name, [...(ctx.readers.get(o.name) ?? []), outputMarker]);
  // Dynamic inputs' readers are known only now.
  for (const name of inputs) {
    const v = ctx.values.get(name);
    if (v?.kind === "dynamic") v.readers = ctx.readers.get(name)?.length ?? 0;
  }

  const poisoned = new Set<string>();
  for (const node of nodes) {
    if (ctx.absorbed.has(node)) continue;
    const undefinedInput = node.inputs.find((i) => i && !ctx.values.has(i) && !poisoned.has(i) && !isGraphInput(g, i));
    if (undefinedInput !== undefined)
      problems.push({ code: "DNN0720", message: `the graph is malformed: ${node.opType} node ${node.name || node.outputs[0]} reads ${undefinedInput}, which no node before it, weight or input defines` });
    if (undefinedInput !== undefined || node.inputs.some((i) => poisoned.has(i))) {
      for (const o of node.outputs) poisoned.add(o);
      continue;
    }
    try {
      translateNode(ctx, node);
    } catch (e) {
      if (!(e instanceof NotTranslatable)) throw e;
      problems.push({ code: "DNN0722", message: `${node.opType} node ${node.name || node.outputs[0]}: ${e.message}` });
      for (const o of node.outputs) poisoned.add(o);
    }
  }

  const outputs: Translation["outputs"] = [];
  for (const o of g.outputs) {
    const v = ctx.values.get(o.name);
    if (poisoned.has(o.name)) continue; // its cause is reported
    if (!v && !problems.length) {
      problems.push({ code: "DNN0720", message: `the graph is malformed: nothing computes its output ${o.name}` });
      continue;
    }
    if (!v || v.kind !== "dynamic") {
      problems.push({ code: "DNN0723", message: `output ${o.name} does not depend on the inputs (a constant output is not supported)` });
      continue;
    }
    if (o.elemType !== 0 && o.elemType !== 1) problems.push({ code: "DNN0723", message: `output ${o.name} is ${DATA_TYPE_NAMES[o.elemType] ?? `type ${o.elemType}`}: only float outputs are supported` });
    const name = prog.fresh(identifier(o.name, "output"));
    const p = inLayout(prog, v, identityLayout(v.shape.length));
    prog.assign(name, p);
    outputs.push({ name, shape: v.shape });
  }
  return { prog, outputs, problems };
}

/** The nodes the graph's outputs depend on, in the graph's order. */
function liveNodes(g: Graph): Node[] {
  const producer = new Map<string, Node>();
  for (const n of g.nodes) for (const o of n.outputs) if (o) producer.set(o, n);
  const live = new Set<Node>();
  const pending = g.outputs.map((o) => o.name);
  while (pending.length > 0) {
    const n = producer.get(pending.pop()!);
    if (!n || live.has(n)) continue;
    live.add(n);
    pending.push(...n.inputs.filter(Boolean));
  }
  return g.nodes.filter((n) => live.has(n));
}

function isGraphInput(g: Graph, name: string): boolean {
  return g.inputs.some((i) => i.name === name);
}

function translateNode(ctx: Ctx, node: Node): void {
  if (fold(ctx, node)) return;
  if (KNOWN_ONLY.has(node.opType)) throw new NotTranslatable("only evaluated where its inputs are known when importing (weights, constants, shapes)");
  RULES[node.opType]!(ctx, node);
}

/** The graph's inputs as the model's, in ONNX's own shapes: the same tensors feed both. */
function declareInputs(ctx: Ctx, g: Graph, symbols: Map<string, string>, problems: ImportProblem[]): string[] {
  const initializers = new Set(g.initializers.map((t) => t.name));
  const names: string[] = [];
  for (const i of g.inputs) {
    if (initializers.has(i.name)) continue; // older exporters list the weights as inputs too
    // Integer inputs are token ids for an Embedding: declared i32 (the generated model takes an Int32Array where onnxruntime takes int64).
    const ids = i.elemType === 6 || i.elemType === 7;
    if (i.elemType !== 1 && !ids) {
      problems.push({ code: "DNN0723", message: `input ${i.name} is ${DATA_TYPE_NAMES[i.elemType] ?? `of type ${i.elemType}`}: only float inputs and integer token ids are supported` });
      continue;
    }
    if (!i.shape) {
      problems.push({ code: "DNN0723", message: `input ${i.name} has no shape in the file` });
      continue;
    }
    const shape: Dim[] = [];
    let ok = true;
    i.shape.forEach((d, axis) => {
      if (typeof d === "number" && d > 0) shape.push(d);
      else if (axis === 0) shape.push(symbol(symbols, typeof d === "string" ? d : "", true));
      else if (typeof d === "string" && d !== "") shape.push(symbol(symbols, d, false));
      else {
        problems.push({ code: "DNN0723", message: `input ${i.name} has an unknown size at axis ${axis} (give it a number or a name)` });
        ok = false;
      }
    });
    if (!ok) continue;
    const name = ctx.prog.fresh(identifier(i.name, "input"));
    const comment = shape.length === 4 ? "   // NCHW, as the ONNX model takes it" : "";
    ctx.prog.declarations.push(`input  ${name}: ${ids ? "i32" : "f32"}[${shape.join(", ")}]${ids ? `   // token ids (${DATA_TYPE_NAMES[i.elemType]} in the ONNX model)` : comment}`);
    ctx.values.set(i.name, { kind: "dynamic", p: { head: name, atomic: true, stages: [] }, shape, layout: identityLayout(shape.length), readers: 0, wanted: name, ...(ids ? { ids } : {}) });
    names.push(i.name);
  }
  return names;
}

/** The .dnn name of a symbolic size: the batch axis is B whatever the file calls it (or when it has no name); another keeps its name, capitalised. */
function symbol(symbols: Map<string, string>, param: string, batch: boolean): string {
  const known = param ? symbols.get(param) : undefined;
  if (known) return known;
  const name = batch ? "B" : identifier(param, "N").replace(/^./, (c) => c.toUpperCase());
  if (param) symbols.set(param, name);
  return name;
}
