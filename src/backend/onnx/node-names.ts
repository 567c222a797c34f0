// Readable names for the ONNX nodes of an IR function. The IR keeps no record of the layer that
// made a node, but the parameters keep their .dnn names (`conv2d_1.kernel`): a node that reads a
// parameter — directly or through the reshapes, broadcasts and permutes that lay it out — is
// named under that parameter's layer, `conv2d_1/matmul_19`, as PyTorch's exporter names nodes
// under their module (`/conv1/Conv`). Every other node is named after its IR node alone,
// `relu_24`, as `dnnc compile --emit ir` prints it (`%24 = relu …`).
import type { Fn } from "../../ir/ir.ts";

/** Ops that lay a parameter out without computing with it: what they output still belongs to its layer. */
const LAYOUT = new Set(["reshape", "broadcast", "permute", "cast"]);

/**
 * The name of each node of `fn` (its op and id, under a layer when it reads a parameter), and the
 * layer each node's value belongs to. `argLayers[i]` is argument i's layer where the caller knows
 * it: a scan body's constants are the enclosing function's parameters.
 */
export function nodeNames(fn: Fn, argLayers: readonly (string | undefined)[] = []): { names: string[]; layers: (string | undefined)[] } {
  const layerOfValue: (string | undefined)[] = [];
  const names: string[] = [];
  for (const n of fn.nodes) {
    const layer = n.inputs.map((i) => layerOfValue[i]).find((l) => l !== undefined);
    if (n.op === "arg") {
      const { role, name } = fn.args[n.index]!;
      // `conv2d_1.kernel` is layer conv2d_1's; a model's own parameter (`W_h`) is a layer of its own name.
      layerOfValue.push(role === "param" || role === "state" ? (name.includes(".") ? name.slice(0, name.lastIndexOf(".")) : name) : argLayers[n.index]);
    } else layerOfValue.push(LAYOUT.has(n.op) ? layer : undefined);
    names.push(layer === undefined ? `${n.op}_${n.id}` : `${layer}/${n.op}_${n.id}`);
  }
  return { names, layers: layerOfValue };
}
