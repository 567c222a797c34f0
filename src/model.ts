// The compiled model: what the front end (compiler.ts fills it) hands to the code generators
// (backend/) and the training loop (fit/). Types and one constant only, so that those layers
// depend on this contract and not on the driver or the checker that produce it.
import type { Fn } from "./ir/ir.ts";
import type { Dim } from "./ir/shape.ts";
import type { IndexRange } from "./ir/index-ranges.ts";
import type { InitSpec, TensorInfo } from "./check/program.ts";
import type { SummaryRow } from "./check/context.ts";

export type { TensorInfo };

/** A tensor the model stores between calls: a parameter or an optimizer state. */
export interface StoredTensor {
  name: string;
  shape: Dim[];
}

/** The training step of a model with a `train` block (built by step/step.ts). */
export interface CompiledTrainStep {
  /** Inputs, targets, parameters, states and the step number → the loss, new parameters and states, and FINITE_OUTPUT. */
  fn: Fn;
  targets: TensorInfo[];
  /** The optimizer's states, in the order `fn` takes and returns them (the learning rate first);
   * `init`: its declared initial value, as elaborated. */
  states: (StoredTensor & Pick<InitSpec, "init">)[];
  optimizer: string;
  /** The optimizer as the train block wrote it (step/step.ts): the standard library's or not, its arguments, the clipping. */
  rule: UpdateRule;
}

/** The optimizer of a train block as written: its declaration's source, its arguments' values (numbers and flags), the clipping. */
export interface UpdateRule {
  /** True when the optimizer is the standard library's (std.optimizers), whose update rules a backend may know. */
  stdlib: boolean;
  args: Record<string, number | boolean>;
  /** Keras's global_clipnorm, where the block clips. */
  clipNorm?: number;
}

/** A named training program, `train M.name { … }` (decision 0015): its own step, states and evaluation. */
export interface CompiledProgram {
  name: string;
  /** Its states are named `<name>/…`: `<name>/step` (its step count, where read), `<name>/lr`, `<name>/<parameter>/<optimizer>.<slot>`. */
  train: CompiledTrainStep;
  evaluate?: Fn;
}

export interface CompiledModel {
  name: string;
  inputs: TensorInfo[];
  outputs: TensorInfo[];
  params: (StoredTensor & { trainable: boolean })[];
  summary: SummaryRow[]; // for `dnnc check --shapes`
  forward: Fn;
  init: Fn; // seed → every parameter (and, when trained, every optimizer state)
  train?: CompiledTrainStep;
  /** With a train block: inputs, parameters and targets → the loss, in inference mode, updating nothing. */
  evaluate?: Fn;
  /** The named training programs, in the file's order; their states follow the default program's in what save() writes. */
  programs?: CompiledProgram[];
  /** The values each i32 input and target may take, from how the functions above use it (ir/index-ranges.ts). */
  indexRanges: IndexRange[];
}

/** The training step's last output: 1 when the step was taken, 0 when it was skipped (decision 0008). */
export const FINITE_OUTPUT = "(finite)";
