// One compiled model as a Python class: an nn.Module (rt.DnncModule, python-runtime.ts) whose
// tensors are registered under dnnc's names, so that state_dict() keys are the names of dnnc's
// safetensors checkpoints; an __init__ that runs the model's init function (the .dnn file's
// initializers, with dnnc's random numbers: the values create({ seed }) gives); and a forward
// that is the model's inference forward function, rendered node by node (render.ts).
import type { CompiledModel } from "../../model.ts";
import type { Fn } from "../../ir/ir.ts";
import type { Dim } from "../../ir/shape.ts";
import { renderFn } from "./render.ts";
import { applyGradientsMethod } from "./apply-gradients.ts";
import { programStepMethods, statesConstant, trainingLossMethod, trainStates, trainStepMethod } from "./train-step.ts";
import { dimSymbols, indent, pyComment, pyDim, pyShape, pyString, torchDtype, userIdent } from "./python.ts";

/** Something of a model the PyTorch target cannot express: the model, and what it is. */
export class PytorchTargetError extends Error {
  constructor(
    readonly model: string,
    readonly what: string,
    /** The tensor it concerns, if one does. */
    readonly tensor?: string,
  ) {
    super(`model ${model}: ${what}`);
  }
}

export type TensorKind = "parameter" | "frozen" | "buffer";

/**
 * How each tensor of `m` is kept: trained parameters as parameters; a tensor that is not trained
 * but that the training step changes (BatchNorm's moving statistics) as a buffer; any other
 * untrained tensor (a frozen layer) as a parameter that requires no gradient.
 */
export function tensorKinds(m: CompiledModel): TensorKind[] {
  const step = m.train?.fn;
  return m.params.map((p) => {
    if (p.trainable) return "parameter";
    const out = step?.outputs.find((o) => o.name === p.name);
    const node = out === undefined ? undefined : step!.nodes[out.id]!;
    const unchanged = node === undefined || (node.op === "arg" && step!.args[node.index]!.name === p.name);
    return unchanged ? "frozen" : "buffer";
  });
}

/** The Python class of `m`, as lines. */
export function modelClass(m: CompiledModel, sourceName: string): string[] {
  checkNames(m);
  const kinds = tensorKinds(m);
  const cls = userIdent(m.name);
  const strShape = (s: readonly Dim[]) => `(${s.map((d) => (typeof d === "number" ? String(d) : pyString(d))).join(", ")}${s.length === 1 ? "," : ""})`;
  const tuple = (items: string[]) => (items.length === 0 ? ["()"] : ["(", ...indent(items.map((i) => `${i},`)), ")"]);
  const constants = [
    `NAME = ${pyString(m.name)}`,
    ...assign("INPUTS", tuple(m.inputs.map((i) => `(${pyString(i.name)}, ${torchDtype(i.dtype)}, ${strShape(i.shape)})`))),
    ...assign("OUTPUTS", tuple(m.outputs.map((o) => pyString(o.name)))),
    ...assign("TENSORS", tuple(m.params.map((p, i) => `(${pyString(p.name)}, ${strShape(p.shape)}, ${pyString(kinds[i]!)})`))),
    ...statesConstant(m),
  ];
  const states = trainStates(m);
  return [
    `class ${cls}(rt.DnncModule):`,
    ...indent([
      `"""Model ${docText(m.name)} of ${docText(sourceName)}: its inference forward, with its tensors under dnnc's names."""`,
      "",
      ...constants,
      "",
      "def __init__(self, seed=0):",
      ...indent([
        `"""The model with every tensor initialised as dnnc's create({ seed }) initialises it."""`,
        "super().__init__()",
        "for (name, _, kind), value in zip(self.TENSORS, self.initial_tensors(seed)):",
        "    self._register(name, value, kind)",
        ...(states.length > 0 ? ["for (name, _), value in zip(self.STATES, self.initial_states(seed)):", '    self._register(name, value, "state")'] : []),
        "self._set_steps(0)",
      ]),
      "",
      ...initialValues(m, "initial_tensors", "Every tensor's initial value, in the order of TENSORS: the .dnn file's initializers, run from seed.", m.params),
      ...(states.length > 0 ? ["", ...initialValues(m, "initial_states", "Every optimizer state's initial value, in the order of STATES.", states)] : []),
      "",
      ...forward(m),
      ...(m.train ? ["", ...trainStepMethod(m), "", ...trainingLossMethod(m)] : []),
      ...programStepMethods(m),
      ...(states.length > 0 && applyGradientsMethod(m).length > 0 ? ["", ...applyGradientsMethod(m)] : []),
    ]),
  ];
}

const assign = (name: string, value: string[]): string[] => [`${name} = ${value[0]}`, ...value.slice(1)];

/** Text inside a docstring: no quote or backslash can end it early. */
const docText = (text: string): string => pyComment(text).replace(/\\/g, "\\\\").replace(/"/g, '\\"');

/** The init function, for the tensors `wanted` alone (it computes the parameters and the optimizer's states). */
function initialValues(m: CompiledModel, method: string, doc: string, wanted: readonly { name: string }[]): string[] {
  const init = m.init;
  const positions = wanted.map((p) => {
    const i = init.outputs.findIndex((o) => o.name === p.name);
    if (i < 0) throw new PytorchTargetError(m.name, `the init function computes no value for the tensor ${p.name}`);
    return i;
  });
  const args = init.args.map((a) => {
    if (a.role !== "seed") throw new PytorchTargetError(m.name, `the init function takes a ${a.role} (${a.name}), where only a seed is expected`);
    return "seed";
  });
  checkSizes(m, init, new Set());
  const body = renderFn(init, args, positions);
  return [
    "@staticmethod",
    `def ${method}(seed=0):`,
    ...indent([
      `"""${doc}"""`,
      'device = torch.device("cpu")',
      "seed = torch.tensor(seed, dtype=torch.int32)",
      ...body.lines,
      `return (${body.outputs.join(", ")}${body.outputs.length === 1 ? "," : ""})`,
    ]),
  ];
}

function forward(m: CompiledModel): string[] {
  const fn = m.forward;
  const inputs = fn.args.filter((a) => a.role === "input");
  const args = fn.args.map((a) => {
    if (a.role !== "input" && a.role !== "param" && a.role !== "state") throw new PytorchTargetError(m.name, `the forward function takes a ${a.role} (${a.name}), which inference has no value for`);
    return userIdent(a.name);
  });
  // Each symbolic size is read from the first input that has it as a dimension of its own.
  const bound = new Map<string, string>();
  for (const a of inputs)
    a.shape.forEach((d, axis) => {
      if (typeof d === "string" && /^[A-Za-z_][A-Za-z0-9_]*$/.test(d) && !bound.has(d)) bound.set(d, `${userIdent(d)} = ${userIdent(a.name)}.shape[${axis}]`);
    });
  checkSizes(m, fn, new Set(bound.keys()));
  const body = renderFn(fn, args);
  const first = inputs[0] ? userIdent(inputs[0].name) : undefined;
  const returned = body.outputs.length === 1 ? body.outputs[0]! : `${body.outputs.join(", ")}`;
  const doc =
    body.outputs.length === 1
      ? `"""${docText(m.outputs[0]!.name)} from ${inputs.map((a) => docText(a.name)).join(", ")} (see INPUTS and OUTPUTS for their shapes)."""`
      : `"""The tuple (${m.outputs.map((o) => docText(o.name)).join(", ")}) from ${inputs.map((a) => docText(a.name)).join(", ")} (see INPUTS and OUTPUTS for their shapes)."""`;
  return [
    `def forward(self, ${inputs.map((a) => userIdent(a.name)).join(", ")}):`,
    ...indent([
      doc,
      first ? `device = ${first}.device` : `device = next(iter(self.state_dict().values())).device`,
      ...bound.values(),
      ...fn.args.filter((a) => a.role !== "input").map((a) => `${userIdent(a.name)} = self.tensor(${pyString(a.name)})`),
      ...body.lines,
      `return ${returned}`,
    ]),
  ];
}

/** Every symbolic size `fn` (and the bodies of its scans) uses must be one of `bound`. */
function checkSizes(m: CompiledModel, fn: Fn, bound: ReadonlySet<string>): void {
  for (const n of fn.nodes) {
    const dims: Dim[] = [...n.shape, ...("starts" in n ? n.starts : []), ...("before" in n ? n.before : [])];
    for (const s of dims.flatMap(dimSymbols))
      if (!bound.has(s)) throw new PytorchTargetError(m.name, `the size ${s} (in ${pyDim(n.shape.find((d) => dimSymbols(d).includes(s)) ?? s)} of a ${n.op}) is not a dimension of any input, so the forward cannot read it from its arguments`);
    if (n.op === "scan") checkSizes(m, n.body, bound);
  }
}

/** dnnc's tensor names must form a tree of modules: no empty part, and no name that is also another's layer ("a" beside "a.b"). */
function checkNames(m: CompiledModel): void {
  const names = new Set(m.params.map((p) => p.name));
  for (const { name } of m.params) {
    if (name.split(".").some((part) => part === "")) throw new PytorchTargetError(m.name, `the tensor name \`${name}\` has an empty part between its dots, which nn.Module cannot register`, name);
    const parts = name.split(".");
    for (let k = 1; k < parts.length; k++) {
      const prefix = parts.slice(0, k).join(".");
      if (names.has(prefix)) throw new PytorchTargetError(m.name, `its tensor \`${prefix}\` has the name of the layer that holds \`${name}\`, and an nn.Module's state_dict cannot hold both under those names`, name);
    }
  }
  if (m.params.length === 0 && m.forward.args.every((a) => a.role !== "input"))
    throw new PytorchTargetError(m.name, "it has neither an input nor a tensor to take the device from");
}
