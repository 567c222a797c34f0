// Readable names for the ONNX nodes of an IR function. The IR keeps no record of the layer that
// made a node, but the parameters keep their .dnn names (`conv2d_1.kernel`): a node that reads a
// parameter — directly or through the reshapes, broadcasts and permutes that lay it out — is
// named under that parameter's layer, `conv2d_1/matmul_19`, as PyTorch's exporter names nodes
// under their module (`/conv1/Conv`). Every other node is named after its IR node alone,
// `relu_24`, as `dnnc compile --emit ir` prints it (`%24 = relu …`).
import type { Fn } from "../../ir/ir.ts";

/** Ops that lay a parameter out without computing with it: what they output still belongs to its layer. */
const LAYOUT = new Set(["reshape", "broadcast", "permute", "cast"]);

/** The name prefix of each node of `fn` (its op and id, under a layer when it reads a parameter). */
export function nodeNames(fn: Fn): string[] {
  const layerOfValue: (string | undefined)[] = [];
  const names: string[] = [];
  for (const n of fn.nodes) {
    const arg = n.op === "arg" ? fn.args[n.index] : undefined;
    const layer = n.inputs.map((i) => layerOfValue[i]).find((l) => l !== undefined);
    if (arg?.role === "param" || arg?.role === "state") layerOfValue.push(arg.name.includes(".") ? arg.name.slice(0, arg.name.lastIndexOf(".")) : arg.name);
    else layerOfValue.push(LAYOUT.has(n.op) ? layer : undefined);
    names.push(layer === undefined ? `${n.op}_${n.id}` : `${layer}/${n.op}_${n.id}`);
  }
  return names;
}
