// A train block's update as a method that takes its gradients from torch.autograd:
// `apply_gradients(loss)` after `training_loss(...).backward()` — the part of dnnc's step function
// after the gradients (clipping, the finite check, the optimizer's rule with its hyperparameters
// and states), rendered with each raw gradient read from the parameter's .grad. So a training loop
// can let autograd (and DistributedDataParallel, which all-reduces .grad) make the gradients and
// still update exactly as dnnc does; where torch.optim.SGD's update is the train block's
// (torch-optim.ts), through it. The raw gradients are found where the step checks them for
// finiteness ((finite) = [nonfinite(loss) + Σ sum(nonfinite(gradient))] == 0, step/step.ts); a
// step of any other shape gets no apply_gradients (nothing is rendered that could be wrong).
import type { CompiledModel } from "../../model.ts";
import { FINITE_OUTPUT } from "../../model.ts";
import type { Fn, Node } from "../../ir/ir.ts";
import { sameShape } from "../../ir/shape.ts";
import { renderNodes } from "./render.ts";
import { indent, pyString, userIdent } from "./python.ts";
import { tensorKinds } from "./model-class.ts";
import { torchSgd, torchSgdBody, translatedRuleComment } from "./torch-optim.ts";

/** The loss node and each trainable parameter's raw gradient node, in the order of the parameters; undefined when the step is not of the expected shape. */
export function rawGradients(m: CompiledModel): { loss: number; grads: number[] } | undefined {
  const fn = m.train?.fn;
  if (!fn) return undefined;
  const node = (id: number | undefined): Node | undefined => (id === undefined ? undefined : fn.nodes[id]);
  const flag = node(fn.outputs.find((o) => o.name === FINITE_OUTPUT)?.id);
  if (flag?.op !== "cmpeq") return undefined;
  const grads: number[] = [];
  let acc = node(flag.inputs[0]);
  while (acc?.op === "add") {
    const bad = node(acc.inputs[1]);
    const check = bad?.op === "sum" ? node(bad.inputs[0]) : bad;
    if (check?.op !== "nonfinite") return undefined;
    grads.unshift(check.inputs[0]!);
    acc = node(acc.inputs[0]);
  }
  const loss = fn.outputs.find((o) => o.name === "loss")?.id;
  if (acc?.op !== "nonfinite" || acc.inputs[0] !== loss) return undefined;
  const trainable = m.params.filter((p) => p.trainable);
  if (grads.length !== trainable.length || grads.some((g, i) => !sameShape(fn.nodes[g]!.shape, trainable[i]!.shape))) return undefined;
  return { loss, grads };
}

/** What a step's output is before the finite check's guard, select(flag, new, old): the new value. */
function unguarded(fn: Fn, id: number, old: number): number {
  const n = fn.nodes[id]!;
  return n.op === "select" && n.inputs[2] === old ? n.inputs[1]! : id;
}

/** The moving statistics' new values (the buffers' step outputs, unguarded), for training_loss to keep until apply_gradients. */
export function movingStatisticRoots(m: CompiledModel): number[] {
  const fn = m.train!.fn;
  const kinds = tensorKinds(m);
  return m.params.flatMap((p, i) => {
    if (kinds[i] !== "buffer") return [];
    const out = fn.outputs.find((o) => o.name === p.name)!;
    const arg = fn.nodes.findIndex((n) => n.op === "arg" && fn.args[n.index]!.name === p.name);
    return [unguarded(fn, out.id, arg)];
  });
}

/** The `apply_gradients` method of `m`'s class, as lines; none where the step's gradients cannot be found. */
export function applyGradientsMethod(m: CompiledModel): string[] {
  const found = rawGradients(m);
  if (!m.train || !found) return [];
  const sgd = torchSgd(m);
  if (sgd)
    return method(
      [
        "dnnc's finite check, then torch.optim.SGD, whose update is the",
        "train block's sgd, with its hyperparameters and dnnc's velocity states; and BatchNorm's moving statistics from",
        "the last training_loss.",
      ],
      torchSgdBody(sgd),
    );
  const fn = m.train.fn;
  const kinds = tensorKinds(m);
  const updated = new Set([...m.params.filter((_, i) => kinds[i] === "parameter").map((p) => p.name), ...m.train.states.map((s) => s.name)]);
  const outputs = fn.outputs.filter((o) => updated.has(o.name) || o.name === FINITE_OUTPUT);
  const given = new Map<number, string>([[found.loss, "loss"], ...found.grads.map((g, i): [number, string] => [g, `grads[${i}]`])]);
  const args = fn.args.map((a) => (a.role === "step" ? "step_number" : userIdent(a.name)));
  const body = renderNodes(fn, args, outputs.map((o) => o.id), given);
  // The update reads nothing of the batch: where it would, there is no method rather than a wrong one.
  if (body.reads.some((i) => fn.args[i]!.role === "input" || fn.args[i]!.role === "target")) return [];
  const value = new Map(outputs.map((o, i) => [o.name, body.outputs[i]!]));
  const copies = outputs.filter((o) => o.name !== FINITE_OUTPUT && value.get(o.name) !== userIdent(o.name));
  return method(
    [
      "dnnc's clipping, finite check and optimizer rule with its",
      "hyperparameters and states, as train_step applies them, and BatchNorm's moving statistics from the last",
      "training_loss.",
    ],
    [
      "device = loss.device",
      "loss = loss.detach()",
      "grads = self.gradients()",
      ...(fn.args.some((a, i) => a.role === "step" && body.reads.includes(i)) ? ["step_number = torch.tensor(float(self.steps + 1), dtype=torch.float32, device=device)"] : []),
      ...[...new Set([...body.reads.filter((i) => fn.args[i]!.role === "param" || fn.args[i]!.role === "state").map((i) => fn.args[i]!.name), ...copies.map((o) => o.name)])].map((name) => `${userIdent(name)} = self.tensor(${pyString(name)})`),
      ...translatedRuleComment(m),
      ...body.lines,
      `if float(${value.get(FINITE_OUTPUT)!}) == 0:`,
      `    raise FloatingPointError(f"update skipped: the loss ({float(loss)}) or a gradient is not finite")`,
      ...copies.map((o) => `${userIdent(o.name)}.copy_(${value.get(o.name)!})`),
      "self._apply_moving_statistics()",
      "self._set_steps(self.steps + 1)",
    ],
  );
}

/** The method with its docstring: `what` continues "…average of them): " and ends its last line before "Counts the step". */
function method(what: string[], body: string[]): string[] {
  const last = what.length - 1;
  return [
    "@torch.no_grad()",
    "def apply_gradients(self, loss):",
    ...indent([
      `"""The train block's update from the gradients in each parameter's .grad (training_loss(...).backward()'s,`,
      `or DistributedDataParallel's average of them): ${what[0]}`,
      ...what.slice(1, last),
      `${what[last]} Counts the step. A loss or gradient that is not finite changes nothing and raises`,
      'FloatingPointError."""',
      ...body,
    ]),
  ];
}
