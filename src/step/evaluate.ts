// The loss alone, in inference mode: what `evaluate(batch)` of a generated model computes.
// Like the training step's forward and loss (src/step/step.ts), but elaborated with
// `training` false — dropout is the identity and BatchNorm uses its moving statistics, as in
// forward — and with no gradients, no optimizer update and no state updates: parameters in,
// the loss out (Keras's `model.evaluate`).
import type * as A from "../syntax/ast.ts";
import { Builder, type Fn } from "../ir/ir.ts";
import { Elaborator } from "../check/elaborate.ts";
import type { Module } from "../check/modules.ts";
import { elaborateModel } from "../check/program.ts";
import { elaborateTrainBlock } from "../check/train-block.ts";

/**
 * The `evaluate` function of a train block: inputs, parameters and targets in, `loss` out.
 * Undefined when the block does not elaborate in inference mode (a loss that draws training
 * noise itself); its diagnostics are then not the user's concern, as the training step reports
 * any real error.
 */
export function lossFn(train: A.TrainDecl, model: A.ModelDecl, module: Module): Fn | undefined {
  const el = new Elaborator(new Builder(train.program ? `evaluate_${train.program.name}` : "evaluate"));
  el.training = false;
  const m = elaborateModel(el, model, module);
  if (!m) return undefined;
  const block = elaborateTrainBlock(el, train, m);
  if (!block || el.diagnostics.some((d) => d.severity === "error")) return undefined;
  el.b.output("loss", block.loss.id);
  return el.b.fn;
}
