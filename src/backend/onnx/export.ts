// A compiled model's inference forward as an ONNX model (IR version 8, opset 17): the .dnn
// inputs as graph inputs (symbolic sizes as named dimensions), the parameters as initializers
// under their .dnn names, the nodes from lower.ts (then simplified by peephole.ts), and the
// outputs under their .dnn names.
import type { CompiledModel } from "../../model.ts";
import { interpret } from "../../ir/interpret.ts";
import { safetensorsLoad, safetensorsRead } from "../../runtime/safetensors.ts";
import { VERSION } from "../../version.ts";
import { elemType, GraphBuilder, NameTable, OnnxExportError } from "./graph.ts";
import { lowerFn } from "./lower.ts";
import { simplifyGraph } from "./peephole.ts";
import { encodeModel } from "./onnx-proto.ts";

/** The opset every node is from: 17 is what onnx 1.12 (Debian bookworm's checker) knows, and what IR version 8 goes with. */
export const ONNX_OPSET = 17;
export const ONNX_IR_VERSION = 8;

/** Every parameter of `model` by name, as float32. */
export type Parameters = ReadonlyMap<string, Float32Array>;

/** The parameters `M.create({ seed })` starts from: the model's init function, run by the reference interpreter and rounded to float32. */
export function initialParameters(model: CompiledModel, seed: number): Parameters {
  const values = interpret(model.init, [Float64Array.of(seed)]);
  return new Map(model.init.outputs.map((o, i) => [o.name, Float32Array.from(values[i]!)]));
}

/** The parameters a safetensors checkpoint holds (a model's save(), `dnnc train`'s checkpoint; optimizer state in it is ignored). Throws an Error saying what does not match. */
export function checkpointParameters(model: CompiledModel, bytes: Uint8Array, where: string): Parameters {
  const file = safetensorsRead(where, bytes);
  const shapes = model.params.map((p) => concreteShape(p.name, p.shape));
  const targets = shapes.map((s) => new Float32Array(s.reduce((a, b) => a * b, 1)));
  safetensorsLoad(where, file, model.params.map((p) => p.name), shapes, model.params.length, targets, [], true);
  return new Map(model.params.map((p, i) => [p.name, targets[i]!]));
}

/** The ONNX file of `model`'s forward with `params` as its weights. */
export function exportOnnx(model: CompiledModel, params: Parameters, sourceName: string): Uint8Array {
  const names = new NameTable();
  const g = new GraphBuilder(model.name, names);
  // The .dnn names go first, so no intermediate value takes one.
  for (const a of model.forward.args) names.claim(a.name);
  for (const o of model.forward.outputs) names.claim(o.name);
  const args = model.forward.args.map((a) => {
    if (a.role === "input") g.input({ name: a.name, type: elemType(a.dtype), shape: a.shape });
    else if (a.role === "param" || a.role === "state") {
      const data = params.get(a.name);
      if (!data) throw new OnnxExportError(`no value for the parameter ${a.name}`);
      g.graph.initializers.push({ name: a.name, type: "float", dims: concreteShape(a.name, a.shape), data });
    } else throw new OnnxExportError(`the forward function takes a ${a.role} (${a.name}), which an inference graph has no value for`);
    return a.name;
  });
  const results = lowerFn(model.forward, g, args);
  model.forward.outputs.forEach((o, i) => {
    const node = model.forward.nodes[o.id]!;
    g.node("Identity", [results[i]!], [o.name], `output_${o.name}`);
    g.graph.outputs.push({ name: o.name, type: elemType(node.dtype), shape: node.shape });
  });
  simplifyGraph(g.graph, g.shapes);
  g.graph.doc = `model ${model.name} of ${sourceName}: its forward in inference mode`;
  return encodeModel({
    irVersion: ONNX_IR_VERSION,
    opset: ONNX_OPSET,
    producerName: "dnnc",
    producerVersion: VERSION,
    doc: `${sourceName}, model ${model.name}`,
    graph: g.graph,
    metadata: { "dnnc.source": sourceName, "dnnc.model": model.name },
  });
}

function concreteShape(name: string, shape: readonly (number | string)[]): number[] {
  if (shape.some((d) => typeof d !== "number")) throw new OnnxExportError(`the parameter ${name} has a symbolic size (${shape.join(", ")}); an initializer needs every size known`);
  return shape as number[];
}
