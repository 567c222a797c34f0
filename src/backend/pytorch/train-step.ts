// A model's training step (its `train` block) as a method of its Python class: the IR step
// function rendered node by node (render.ts) — the forward in training mode, the loss and its
// regularizers, the gradients as dnnc's autodiff derives them, clipping, and the optimizer's update
// with dnnc's hyperparameters — so the update is dnnc's to float32 rounding, whatever the
// optimizer. Its states (the learning rate, each parameter's slots: `dense.kernel/adam.m`) are
// non-persistent buffers of the module, kept beside the parameters and moved with them by .to(),
// but not in state_dict(), whose keys stay the checkpoint's parameters; save() writes them too.
// Each named training program (`train M.name { … }`) is a method of its own, `train_step_<name>`,
// its step function rendered the same way; its states (`<name>/lr`, `<name>/step`, its slots) are
// buffers beside the default program's, and it counts its steps in its own `<name>/step` state, as
// the TypeScript module's `train<Name>` does, leaving `model.steps` (the default program's) alone.
import type { CompiledModel, CompiledTrainStep } from "../../model.ts";
import { FINITE_OUTPUT } from "../../model.ts";
import { renderFn, renderNodes } from "./render.ts";
import { movingStatisticRoots } from "./apply-gradients.ts";
import { indent, pyString, userIdent } from "./python.ts";
import { PytorchTargetError } from "./model-class.ts";

/** Every program's optimizer states: the default program's, in the order its step takes and returns them, then each named program's. */
export const trainStates = (m: CompiledModel): { name: string; shape: readonly (number | string)[] }[] => [...(m.train?.states ?? []), ...(m.programs ?? []).flatMap((p) => p.train.states)];

/** The method of a named program: `train_step_<name>`, the name escaped where it is not plain ASCII. */
export const programMethod = (name: string): string => `train_step_${/^[A-Za-z0-9_]+$/.test(name) ? name : userIdent(name)}`;

/** The `train_step` method of `m`'s class, as lines; none without a train block. */
export function trainStepMethod(m: CompiledModel): string[] {
  return m.train ? stepMethod(m, m.train) : [];
}

/** Each named program's `train_step_<name>` method, as lines. */
export function programStepMethods(m: CompiledModel): string[] {
  return (m.programs ?? []).flatMap((p) => ["", ...stepMethod(m, p.train, p.name)]);
}

/** The step method of one program (the default one where `program` is undefined). */
function stepMethod(m: CompiledModel, step: CompiledTrainStep, program?: string): string[] {
  const fn = step.fn;
  const args = fn.args.map((a) => {
    switch (a.role) {
      case "input":
      case "target":
        return userIdent(a.name);
      case "param":
      case "state":
        return userIdent(a.name);
      case "step":
        return "step_number";
      default:
        throw new PytorchTargetError(m.name, `its training step takes a ${a.role} (${a.name}), which the PyTorch target does not supply`);
    }
  });
  const body = renderFn(fn, args);
  const outputs = fn.outputs.map((o, i) => ({ name: o.name, value: body.outputs[i]! }));
  const loss = outputs.find((o) => o.name === "loss");
  const finite = outputs.find((o) => o.name === FINITE_OUTPUT);
  if (!loss || !finite) throw new PytorchTargetError(m.name, "its training step returns no loss or no finiteness flag");
  const stored = new Set([...m.params.map((p) => p.name), ...step.states.map((s) => s.name)]);
  const updates = outputs.filter((o) => stored.has(o.name) && o.value !== userIdent(o.name));
  const dataArgs = fn.args.filter((a) => a.role === "input" || a.role === "target");
  const which = program === undefined ? "the train block" : `the training program ${program.replace(/["\\]/g, "")} (\`train ${m.name.replace(/["\\]/g, "")}.${program.replace(/["\\]/g, "")}\`)`;
  return [
    "@torch.no_grad()",
    `def ${program === undefined ? "train_step" : programMethod(program)}(self, ${dataArgs.map((a) => userIdent(a.name)).join(", ")}):`,
    ...indent([
      `"""One step of ${which} on a batch (${dataArgs.map((a) => a.name).join(", ").replace(/["\\]/g, "")}): returns the loss as a float.`,
      "",
      "The step is dnnc's own: the forward in training mode, the loss, the gradients as dnnc derives them and",
      "the optimizer's update, rendered op by op, so its result is the TypeScript module's trainStep's. It updates",
      "the parameters, the moving statistics and the optimizer's states (buffers outside state_dict()) in place.",
      "A step whose loss or gradients are not finite changes nothing and raises FloatingPointError, as trainStep",
      'throws NonFiniteError."""',
      `device = ${userIdent(dataArgs[0]!.name)}.device`,
      ...bindSizes(dataArgs),
      `step_number = torch.tensor(float(self.steps + 1), dtype=torch.float32, device=device)`,
      ...fn.args.filter((a) => a.role === "param" || a.role === "state").map((a) => `${userIdent(a.name)} = self.tensor(${pyString(a.name)})`),
      ...body.lines,
      `if float(${finite.value}) == 0:`,
      `    raise FloatingPointError(f"training step skipped: the loss ({float(${loss.value})}) or a gradient is not finite")`,
      ...updates.map((o) => `${userIdent(o.name)}.copy_(${o.value})`),
      // A named program counts its steps in its own `<name>/step` state, which the step function updates.
      ...(program === undefined ? ["self._set_steps(self.steps + 1)"] : []),
      `return float(${loss.value})`,
    ]),
  ];
}

/**
 * The `training_loss` method: the step function cut down to its loss — the forward in training
 * mode, the loss and its regularizers — as a tensor torch.autograd differentiates, for training
 * with torch's own optimizers (and DistributedDataParallel, which all-reduces autograd's gradients).
 */
export function trainingLossMethod(m: CompiledModel): string[] {
  const step = m.train;
  if (!step) return [];
  const fn = step.fn;
  const lossIndex = fn.outputs.findIndex((o) => o.name === "loss");
  if (lossIndex < 0) throw new PytorchTargetError(m.name, "its training step returns no loss");
  const args = fn.args.map((a) => (a.role === "step" ? "step_number" : userIdent(a.name)));
  const moving = movingStatisticRoots(m);
  const body = renderNodes(fn, args, [fn.outputs[lossIndex]!.id, ...moving]);
  const dataArgs = fn.args.filter((a) => a.role === "input" || a.role === "target");
  const used = new Set(body.lines.join("\n").match(/\bu_[A-Za-z0-9_]+/g) ?? []);
  return [
    `def training_loss(self, ${dataArgs.map((a) => userIdent(a.name)).join(", ")}):`,
    ...indent([
      `"""The train block's loss on a batch, in training mode, as a tensor for loss.backward(): the gradients are`,
      "torch.autograd's, for torch.optim and DistributedDataParallel. It changes nothing: BatchNorm's moving",
      "statistics are kept for apply_gradients, which moves them, and dropout draws from the step number",
      'self.steps + 1, which apply_gradients counts."""',
      `device = ${userIdent(dataArgs[0]!.name)}.device`,
      ...bindSizes(dataArgs),
      `step_number = torch.tensor(float(self.steps + 1), dtype=torch.float32, device=device)`,
      ...fn.args.filter((a) => (a.role === "param" || a.role === "state") && used.has(userIdent(a.name))).map((a) => `${userIdent(a.name)} = self.tensor(${pyString(a.name)})`),
      ...body.lines,
      ...(moving.length > 0 ? [`self._stash_moving_statistics((${body.outputs.slice(1).join(", ")},))`] : []),
      `return ${body.outputs[0]!}`,
    ]),
  ];
}

/** Each symbolic size read from the first input or target that has it as a dimension. */
function bindSizes(args: readonly { name: string; shape: readonly (number | string)[] }[]): string[] {
  const bound = new Map<string, string>();
  for (const a of args)
    a.shape.forEach((d, axis) => {
      if (typeof d === "string" && /^[A-Za-z_][A-Za-z0-9_]*$/.test(d) && !bound.has(d)) bound.set(d, `${userIdent(d)} = ${userIdent(a.name)}.shape[${axis}]`);
    });
  return [...bound.values()];
}

/** The STATES constant (each optimizer state's name and shape) and, with a train block, BATCH (train_step's arguments by name). */
export function statesConstant(m: CompiledModel): string[] {
  const states = trainStates(m);
  if (states.length === 0) return ["STATES = ()"];
  const shape = (s: readonly (number | string)[]) => `(${s.join(", ")}${s.length === 1 ? "," : ""})`;
  const batchOf = (step: CompiledTrainStep) => {
    const names = step.fn.args.filter((a) => a.role === "input" || a.role === "target").map((a) => pyString(a.name));
    return `(${names.join(", ")}${names.length === 1 ? "," : ""})`;
  };
  const programs = m.programs ?? [];
  return [
    "STATES = (",
    ...indent(states.map((s) => `(${pyString(s.name)}, ${shape(s.shape)}),`)),
    ")",
    ...(m.train ? [`BATCH = ${batchOf(m.train)}  # train_step's arguments: the inputs and the training targets`] : []),
    ...(programs.length > 0
      ? ["# Each named training program: its method and that method's arguments (the inputs and the program's targets).", "PROGRAMS = {", ...indent(programs.map((p) => `${pyString(p.name)}: (${pyString(programMethod(p.name))}, ${batchOf(p.train)}),`)), "}"]
      : []),
  ];
}
