// apply_gradients through torch.optim where its update is the train block's. The standard
// library's sgd and momentum (stdlib/optimizers.dnn) are Keras's SGD:
//   v ← μ·v − lr·g,  p ← p + v            (nesterov: p ← p + μ·v − lr·g, with the new v)
// and torch.optim.SGD (dampening 0, no weight decay) is
//   b ← μ·b + g,     p ← p − lr·b         (nesterov: p ← p − lr·(g + μ·b), with the new b)
// which is the same update with v = −lr·b, for a learning rate that stays what it was (a changed
// lr would rescale torch's whole buffer, where Keras's scales the new gradient only). dnnc's
// velocity is what the checkpoint keeps, so each step makes torch's buffers from it and writes
// them back. Everything else keeps the stdlib's rule translated op by op (apply-gradients.ts):
// Adam and AdamW add epsilon to sqrt(v) after folding the bias corrections into the step size
// (Keras's form), where torch.optim.Adam adds it to sqrt(v̂), the corrected v, so their updates
// differ; RMSprop's and Adagrad's epsilons sit elsewhere too; and a train block that clips
// (Keras's global_clipnorm) keeps dnnc's clipping, whose scale differs from
// torch.nn.utils.clip_grad_norm_'s (which divides by the norm + 1e-6).
import type { CompiledModel } from "../../model.ts";
import { pyFloat } from "./python.ts";

export interface TorchSgd {
  momentum: number;
  nesterov: boolean;
  /** The optimizer's name (sgd or momentum): each trained parameter's velocity state is `<parameter>/<optimizer>.velocity`. */
  optimizer: string;
}

/** The torch.optim.SGD that updates as `m`'s train block does, or undefined where none does. */
export function torchSgd(m: CompiledModel): TorchSgd | undefined {
  const t = m.train;
  if (!t || !t.rule.stdlib || (t.optimizer !== "sgd" && t.optimizer !== "momentum") || t.rule.clipNorm !== undefined) return undefined;
  const { lr, momentum, nesterov } = t.rule.args;
  if (typeof lr !== "number" || !(lr > 0) || typeof momentum !== "number" || !(momentum >= 0) || typeof nesterov !== "boolean" || (nesterov && momentum === 0)) return undefined;
  // The step's states must be the learning rate and one velocity per trained parameter (kept even at momentum 0, which reads it).
  const velocities = m.params.filter((p) => p.trainable).map((p) => `${p.name}/${t.optimizer}.velocity`);
  const states = t.states.map((s) => s.name);
  if (states.length !== velocities.length + 1 || states[0] !== "lr" || velocities.some((v, i) => states[i + 1] !== v)) return undefined;
  return { momentum, nesterov, optimizer: t.optimizer };
}

/** The body of apply_gradients with torch.optim.SGD, after its docstring. */
export function torchSgdBody(sgd: TorchSgd): string[] {
  const withBuffers = sgd.momentum !== 0;
  return [
    "loss = loss.detach()",
    "grads = self.gradients()",
    "if not (bool(torch.isfinite(loss)) and all(bool(torch.isfinite(g).all()) for g in grads)):",
    `    raise FloatingPointError(f"update skipped: the loss ({float(loss)}) or a gradient is not finite")`,
    'parameters = [self.tensor(name) for name, _, kind in self.TENSORS if kind == "parameter"]',
    "for parameter, gradient in zip(parameters, grads):",
    "    parameter.grad = gradient  # zeros where autograd left none: dnnc's gradient of a parameter the loss does not read",
    'lr = float(self.tensor("lr"))',
    `velocities = [self.tensor(f"{name}/${sgd.optimizer}.velocity") for name, _, kind in self.TENSORS if kind == "parameter"]`,
    "# torch.optim.SGD's update is the train block's sgd with dnnc's velocity v = -lr * torch's momentum buffer.",
    `optimizer = torch.optim.SGD(parameters, lr=lr, momentum=${pyFloat(sgd.momentum)}${sgd.nesterov ? ", nesterov=True" : ""})`,
    ...(withBuffers ? ["for parameter, velocity in zip(parameters, velocities):", '    optimizer.state[parameter]["momentum_buffer"] = velocity / -lr'] : []),
    "optimizer.step()",
    ...(withBuffers
      ? ["for parameter, velocity in zip(parameters, velocities):", '    velocity.copy_(optimizer.state[parameter]["momentum_buffer"] * -lr)']
      : ["for gradient, velocity in zip(grads, velocities):", "    velocity.copy_(gradient * -lr)  # dnnc keeps v = momentum * v - lr * g even at momentum 0"]),
    "self._apply_moving_statistics()",
    "self._set_steps(self.steps + 1)",
  ];
}

/** Why a standard-library optimizer other than sgd keeps its translated rule, as comment lines for the generated update; none for any other optimizer. */
export function translatedRuleComment(m: CompiledModel): string[] {
  const t = m.train;
  if (!t?.rule.stdlib) return [];
  const why: Record<string, string> = {
    adam: "torch.optim.Adam adds epsilon to sqrt(v_hat), the bias-corrected v; this rule (Keras's) folds the corrections into the step size and adds epsilon to sqrt(v)",
    adamw: "torch.optim.AdamW adds epsilon to sqrt(v_hat), the bias-corrected v; this rule (Keras's) folds the corrections into the step size and adds epsilon to sqrt(v)",
    rmsprop: "torch.optim.RMSprop adds epsilon to sqrt(v); this rule (Keras's) adds it to v under the square root",
    adagrad: "torch.optim.Adagrad adds epsilon to sqrt(a); this rule (Keras's) adds it to a under the square root",
  };
  if (t.rule.clipNorm !== undefined && (t.optimizer === "sgd" || t.optimizer === "momentum"))
    return ["# The train block's update, translated from std.optimizers rather than torch.optim.SGD: its clipping (Keras's", "# global_clipnorm) scales by clip / max(norm, clip), where torch.nn.utils.clip_grad_norm_ divides by norm + 1e-6."];
  const reason = why[t.optimizer];
  return reason ? [`# The train block's ${t.optimizer}, translated from std.optimizers rather than torch.optim, whose update differs:`, ...reason.split("; ").map((part) => `# ${part[0]!.toUpperCase()}${part.slice(1)}.`)] : [];
}
