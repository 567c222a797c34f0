// What each dnnc layer's parameters are in PyTorch: for every layer kind with a PyTorch module of
// the same function, which tensors of that module (by role: `weight`, `running_var`,
// `weight_ih`, …) make each parameter, their shapes, and the layout change both ways. dnnc keeps
// Keras's layouts (a dense kernel [in, out], a convolution kernel [KH, KW, C_in, C_out], images
// NHWC); PyTorch's are [out, in], [C_out, C_in, KH, KW] and NCHW.
import { addF32, inverse, permute, permuted, reorderBlocks, showShape, size } from "./layout.ts";

export interface DnncParam {
  /** Its name in the .dnn file and in a checkpoint: `conv2d_1.kernel`. */
  name: string;
  /** The name within its layer: `kernel`. */
  suffix: string;
  shape: number[];
}

/** One layer instance of a compiled model: the parameters it made, and what kind of layer it is. */
export interface DnncLayer {
  /** Its parameters' names less the last part: `conv2d_1`, `generator.dense`. */
  prefix: string;
  /** The layer's name in the .dnn file (`Conv2D`); empty where the model's layer listing does not say. */
  kind: string;
  params: DnncParam[];
  /**
   * A Dense reading a Flatten of a feature map: the map's shape less the batch, channels last
   * ([H, W, C]). PyTorch flattens NCHW, so the same weights read their inputs in C, H, W order.
   */
  flattened?: number[];
}

/** How one dnnc parameter is made from tensors of a PyTorch module, and back. */
interface ParamRule {
  roles: string[];
  /** The PyTorch tensors' shapes, given the parameter's. */
  shapes(shape: number[]): number[][];
  load(tensors: Float32Array[], shape: number[]): Float32Array;
  save(data: Float32Array, shape: number[]): Float32Array[];
  /** What is done, for the report. */
  transform: string;
}

const same = (role: string): ParamRule => ({ roles: [role], shapes: (s) => [s], load: (t) => t[0]!, save: (d) => [d], transform: "as is" });

/** A transpose: the dnnc parameter is the PyTorch tensor with its axes permuted by `perm`. */
function transposed(role: string, perm: number[], transform: string): ParamRule {
  const back = inverse(perm);
  return {
    roles: [role],
    shapes: (s) => [permuted(s, back)],
    load: (t, s) => permute(t[0]!, permuted(s, back), perm),
    save: (d, s) => [permute(d, s, back)],
    transform,
  };
}

/**
 * A Dense kernel [H·W·C, out] after a Flatten of [H, W, C] from a Linear weight [out, C·H·W]:
 * the weight viewed as [out, C, H, W], permuted to [H, W, C, out]. `dims` is [H, W, C] (or any
 * rank: the spatial sizes, then the channels).
 */
function flattenedKernel(dims: number[]): ParamRule {
  const spatial = dims.slice(0, -1);
  const channels = dims[dims.length - 1]!;
  const torchView = (out: number) => [out, channels, ...spatial];
  const perm = [...spatial.map((_, k) => k + 2), 1, 0];
  const order = ["C", ...(spatial.length === 1 ? ["T"] : spatial.length === 2 ? ["H", "W"] : spatial.map((_, k) => `S${k + 1}`))];
  return {
    roles: ["weight"],
    shapes: (s) => [[s[1]!, s[0]!]],
    load: (t, s) => permute(t[0]!, torchView(s[1]!), perm),
    save: (d, s) => [permute(d, [...spatial, channels, s[1]!], inverse(perm))],
    transform: `transposed [out, in] → [in, out], rows reordered from PyTorch's ${order.join(", ")} flatten order to ${[...order.slice(1), "C"].join(", ")} (a Flatten of ${showShape(dims)} precedes it)`,
  };
}

/** PyTorch's GRU gates are [r; z; n], Keras's [z; r; h]: swapping the first two blocks goes either way. */
const GRU_GATES = [1, 0, 2];

const gruKernel = (role: string): ParamRule => ({
  roles: [role],
  shapes: (s) => [[s[1]!, s[0]!]],
  load: (t, s) => permute(reorderBlocks(t[0]!, GRU_GATES), [s[1]!, s[0]!], [1, 0]),
  save: (d, s) => [reorderBlocks(permute(d, s, [1, 0]), GRU_GATES)],
  transform: "gates reordered r, z, n → z, r, h and transposed [3·units, in] → [in, 3·units]",
});

const gruBias: ParamRule = {
  roles: ["bias_ih", "bias_hh"],
  shapes: (s) => [[s[1]!], [s[1]!]],
  load: (t) => {
    const out = new Float32Array(2 * t[0]!.length);
    out.set(reorderBlocks(t[0]!, GRU_GATES));
    out.set(reorderBlocks(t[1]!, GRU_GATES), t[0]!.length);
    return out;
  },
  save: (d) => [reorderBlocks(d.subarray(0, d.length / 2), GRU_GATES), reorderBlocks(d.subarray(d.length / 2), GRU_GATES)],
  transform: "rows [bias_ih; bias_hh], gates reordered r, z, n → z, r, h",
};

/** Keras's one recurrent bias is PyTorch's two added; saved back, all of it goes to bias_ih and bias_hh is zero. */
const summedBias: ParamRule = {
  roles: ["bias_ih", "bias_hh"],
  shapes: (s) => [s, s],
  load: (t) => addF32(t[0]!, t[1]!),
  save: (d) => [d, new Float32Array(d.length)],
  transform: "bias_ih + bias_hh (saved back: bias_ih = bias, bias_hh = 0)",
};

const T2 = (role: string) => transposed(role, [1, 0], "transposed [out, in] → [in, out]");

/** Each supported kind's rule per parameter; a string says why the layer has no PyTorch equivalent. */
function paramRules(layer: DnncLayer): Map<string, ParamRule> | string {
  const p = (entries: [string, ParamRule][]) => new Map(entries);
  switch (layer.kind) {
    case "Dense":
      return p([["kernel", layer.flattened ? flattenedKernel(layer.flattened) : T2("weight")], ["bias", same("bias")]]);
    case "Conv2D":
      return p([["kernel", transposed("weight", [2, 3, 1, 0], "transposed [out, in, KH, KW] → [KH, KW, in, out]")], ["bias", same("bias")]]);
    case "Conv1D":
      return p([["kernel", transposed("weight", [2, 1, 0], "transposed [out, in, K] → [K, in, out]")], ["bias", same("bias")]]);
    case "BatchNorm":
      return p([["gamma", same("weight")], ["beta", same("bias")], ["moving_mean", same("running_mean")], ["moving_variance", same("running_var")]]);
    case "LayerNorm":
      return p([["gamma", same("weight")], ["beta", same("bias")]]);
    case "Embedding":
      return p([["embeddings", same("weight")]]);
    case "LSTM":
    case "SimpleRNN":
      return p([["kernel", T2("weight_ih")], ["recurrent_kernel", T2("weight_hh")], ["bias", summedBias]]);
    case "GRU": {
      const bias = layer.params.find((q) => q.suffix === "bias");
      if (bias && bias.shape[0] !== 2) return "a GRU with reset_after: false has no PyTorch equivalent (PyTorch's GRU applies the reset gate after the recurrent product)";
      return p([["kernel", gruKernel("weight_ih")], ["recurrent_kernel", gruKernel("weight_hh")], ["bias", gruBias]]);
    }
    default:
      return layer.kind ? `a ${layer.kind} layer has no PyTorch counterpart this converter knows` : "its kind of layer is unknown";
  }
}

/** One parameter's conversion, resolved: the PyTorch roles it reads with their shapes. */
export interface ParamPlan {
  param: DnncParam;
  roles: string[];
  shapes: number[][];
  load(tensors: Float32Array[]): Float32Array;
  save(data: Float32Array): Float32Array[];
  transform: string;
}

/** The conversion of each of `layer`'s parameters, or why there is none. */
export function layerPlan(layer: DnncLayer): ParamPlan[] | string {
  const rules = paramRules(layer);
  if (typeof rules === "string") return rules;
  const plans: ParamPlan[] = [];
  for (const param of layer.params) {
    const rule = rules.get(param.suffix);
    if (!rule) return `its parameter ${param.suffix} is not one a ${layer.kind} has`;
    const shapes = rule.shapes(param.shape);
    if (shapes.some((s) => s.some((d) => !Number.isInteger(d))) || (layer.flattened && param.suffix === "kernel" && size(layer.flattened) !== param.shape[0]))
      return `its parameter ${param.suffix} ${showShape(param.shape)} does not fit the rule`;
    plans.push({ param, roles: rule.roles, shapes, load: (t) => rule.load(t, param.shape), save: (d) => rule.save(d, param.shape), transform: rule.transform });
  }
  return plans;
}

/** The PyTorch tensors, by role, that `layer` corresponds to, with their shapes. */
export function expectedTensors(plans: ParamPlan[]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const plan of plans) plan.roles.forEach((role, i) => out.set(role, plan.shapes[i]!));
  return out;
}

/** The order PyTorch's modules list their tensors in, for files written without a template. */
export const ROLE_ORDER = ["weight", "bias", "running_mean", "running_var", "num_batches_tracked", "weight_ih", "weight_hh", "bias_ih", "bias_hh"];
