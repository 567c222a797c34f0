// The .dnn program an import writes, built up statement by statement: values flow through
// pipelines of stages (`x |> Conv2D(8, 3) |> relu`) until one is read twice or is an operand,
// when it is bound with a `let`. Layers get their instance names here, at the moment their
// statement is written, because dnnc names instances in the order the source applies them
// (dense, dense_1, …; §8.2 of docs/language.md): the weights' names follow the text.
import { INTRINSIC_NAMES } from "../../check/intrinsic-names.ts";

/** A weight for the safetensors file: its values already in dnnc's layout. */
export interface Weight {
  shape: number[];
  data: Float32Array;
}

/** One step of a pipeline: a layer (with its weights), a function, or a builtin with arguments. */
export interface Stage {
  /** `Dense`, `relu`, `transpose`… */
  call: string;
  /** Arguments after the piped value; undefined writes the bare name (`|> relu`). */
  args?: string[];
  /** A layer's instance base name (`dense`, `conv2d`, `batch_norm`) and its weights by parameter name. */
  layer?: { base: string; weights: Map<string, Weight> };
  /** Further instances the stage creates, named after it in order (Bidirectional's backward copy). */
  also?: { base: string; weights: Map<string, Weight> }[];
  /** Dense and Conv2D: an activation folded in, written `activation: relu`. */
  activation?: string;
  /** Where it came from in the ONNX graph, written as a trailing comment. */
  comment?: string;
}

/** A value of the program being written: a name or an expression, then stages not yet written. */
export interface Pipeline {
  head: string;
  /** Whether `head` can take a `|>` or an operator without parentheses (a name, a call). */
  atomic: boolean;
  stages: Stage[];
}

export class DnnProgram {
  readonly statements: string[] = [];
  readonly declarations: string[] = [];
  readonly weights = new Map<string, Weight>();
  readonly imports = new Map<string, Set<string>>();
  /** Layers recognised, for the report: `Dense ×2`. */
  readonly layerCounts = new Map<string, number>();
  private instances = new Map<string, number>();
  private names = new Set<string>();

  use(module: string, name: string): void {
    const set = this.imports.get(module) ?? new Set<string>();
    set.add(name);
    this.imports.set(module, set);
  }

  /** A name not yet used for a binding, parameter, input or output, from `wanted`. */
  fresh(wanted: string): string {
    let name = wanted;
    for (let i = 1; this.names.has(name) || RESERVED.has(name); i++) name = `${wanted}_${i}`;
    this.names.add(name);
    return name;
  }

  /** `let name = …` for the pipeline; afterwards it is just the name. */
  bind(p: Pipeline, wanted: string): void {
    if (p.stages.length === 0 && /^[A-Za-z_]\w*$/.test(p.head)) return;
    const name = this.fresh(wanted);
    this.statements.push(`let ${name} = ${this.render(p)}`);
    p.head = name;
    p.atomic = true;
    p.stages = [];
  }

  assign(output: string, p: Pipeline): void {
    this.statements.push(`${output} = ${this.render(p)}`);
  }

  /** A model-level parameter holding `w` (a constant of the graph that no layer takes). */
  param(wanted: string, w: Weight, comment: string): string {
    const name = this.fresh(wanted);
    this.declarations.push(`param  ${name}: f32[${w.shape.join(", ")}]   // ${comment}`);
    this.weights.set(name, w);
    return name;
  }

  private render(p: Pipeline): string {
    if (p.stages.length === 0) return p.head;
    const stages = p.stages.map((s) => `  |> ${this.stageText(s)}`);
    // Trailing comments in one column, so the pipeline reads as a table of layers.
    const column = Math.max(...stages.map((t, i) => (p.stages[i]!.comment ? t.length : 0))) + 3;
    const lines = [p.head, ...stages.map((t, i) => (p.stages[i]!.comment ? `${t.padEnd(column)}// ${p.stages[i]!.comment}` : t))];
    // A short pipeline of bare functions reads better on one line.
    if (p.stages.length <= 2 && p.stages.every((s) => !s.layer && !s.comment)) return lines.map((l) => l.trim()).join(" ");
    return lines.join("\n");
  }

  private stageText(s: Stage): string {
    for (const layer of s.layer ? [s.layer, ...(s.also ?? [])] : []) {
      const seen = this.instances.get(layer.base) ?? 0;
      this.instances.set(layer.base, seen + 1);
      const instance = seen === 0 ? layer.base : `${layer.base}_${seen}`;
      for (const [param, w] of layer.weights) this.weights.set(`${instance}.${param}`, w);
    }
    if (s.layer) this.layerCounts.set(s.call, (this.layerCounts.get(s.call) ?? 0) + 1);
    const args = [...(s.args ?? []), ...(s.activation ? [`activation: ${s.activation}`] : [])];
    return s.args === undefined && !s.activation ? s.call : `${s.call}(${args.join(", ")})`;
  }
}

/** Extends `p` by a stage: a bare function applied to an expression is written as a call. */
export function extend(p: Pipeline, stage: Stage): Pipeline {
  if (!p.atomic && p.stages.length === 0 && stage.args === undefined && !stage.layer) return { head: `${stage.call}(${p.head})`, atomic: true, stages: [] };
  return { head: p.atomic ? p.head : `(${p.head})`, atomic: true, stages: [...p.stages, stage] };
}

/** Names a binding must not take: keywords, the builtins (a `let relu` would shadow the `relu` a later line calls), the stdlib functions the source calls, JavaScript's reserved words, and the batch size. */
const RESERVED = new Set([
  ...INTRINSIC_NAMES,
  ..."import model layer fn init optimizer train let if else true false input output param state target loss forward".split(" "),
  ..."softmax log_softmax leaky_relu elu softplus softsign sparse_cross_entropy adam".split(" "),
  ..."break case catch class const continue debugger default delete do enum export extends finally for function in instanceof new null return super switch this throw try typeof var void while with implements interface package private protected public static yield await eval arguments then".split(" "),
  "B",
]);

/** An ONNX name as a .dnn identifier: `/l1/conv1/Conv` → `l1_conv1_conv`, `input.1` → `input_1`. */
export function identifier(onnxName: string, fallback: string): string {
  let s = onnxName.replace(/[^A-Za-z0-9_]+/g, "_").replace(/^_+|_+$/g, "").replace(/_+/g, "_").toLowerCase();
  if (s === "") s = fallback;
  if (/^[0-9]/.test(s)) s = `v_${s}`;
  return s;
}

/** A model name from a file name: `cnn_bn` → `CnnBn`. */
export function modelName(fileBase: string): string {
  const parts = fileBase.split(/[^A-Za-z0-9]+/).filter(Boolean);
  const name = parts.map((p) => p[0]!.toUpperCase() + p.slice(1)).join("");
  return name === "" ? "Imported" : /^[0-9]/.test(name) ? `M${name}` : name;
}
