// The translated model as a .dnn file's text: a header saying where it came from, the imports,
// the model block, and (for a classifier's [B, K] output) a train block to fine-tune from.
import type { DnnProgram } from "./program.ts";
import type { Dim } from "./values.ts";

export interface SourceParts {
  modelName: string;
  fileName: string;
  weightsName: string;
  /** The .dnn file's name, for the train block's comment. */
  dnnFileName: string;
  producer: string;
  opset: number;
  prog: DnnProgram;
  outputs: { name: string; shape: Dim[] }[];
  /** Write a train block when the model has one [B, K] output. */
  train: boolean;
}

export function dnnSource(s: SourceParts): string {
  const lines: string[] = [];
  lines.push(`// ${s.modelName}: imported by \`dnnc import\` from ${s.fileName} (${s.producer ? `${s.producer}, ` : ""}ONNX opset ${s.opset}).`);
  lines.push(`// Its weights are ${s.weightsName}, in dnnc's layouts (dense kernels [in, out], convolution`);
  lines.push("// kernels [KH, KW, C_in, C_out], images NHWC); the inputs keep the ONNX model's shapes.");
  const classifier = s.train ? trainable(s.outputs) : undefined;
  if (classifier) {
    s.prog.use("std.losses", "sparse_cross_entropy");
    s.prog.use("std.optimizers", "adam");
  }
  for (const [module, names] of [...s.prog.imports].sort(([a], [b]) => a.localeCompare(b))) lines.push(`import ${module}.{${[...names].sort().join(", ")}}`);
  lines.push("", `model ${s.modelName} {`);
  const inputs = s.prog.declarations.filter((d) => d.startsWith("input"));
  const params = s.prog.declarations.filter((d) => !d.startsWith("input"));
  for (const d of inputs) lines.push(`  ${d}`);
  for (const o of s.outputs) lines.push(`  output ${o.name}: f32[${o.shape.join(", ")}]`);
  for (const d of params) lines.push(`  ${d}`);
  lines.push("");
  for (const st of s.prog.statements) lines.push(...st.split("\n").map((l) => `  ${l}`));
  lines.push("}");
  // The labels' name must differ from the model's inputs and outputs.
  const target = classifier ? s.prog.fresh(s.outputs.some((o) => o.name === "y") ? "labels" : "y") : "";
  if (classifier) {
    lines.push(
      "",
      `// A starting point for fine-tuning with \`dnnc train ${s.dnnFileName} --init-from ${s.weightsName}\`:`,
      "// the labels, loss and optimizer are a guess (class ids and a cross-entropy on the logits); edit them.",
      `train ${s.modelName} {`,
      `  target ${target}: i32[B]`,
      `  loss      = sparse_cross_entropy(${classifier}, ${target})`,
      "  optimizer = adam(lr: 0.001)",
      "}",
    );
  }
  return lines.join("\n") + "\n";
}

/** The output a classifier's loss reads: the only output, of shape [B, K]. */
function trainable(outputs: SourceParts["outputs"]): string | undefined {
  if (outputs.length !== 1) return undefined;
  const [o] = outputs;
  return o!.shape.length === 2 && o!.shape[0] === "B" && typeof o!.shape[1] === "number" ? o!.name : undefined;
}
