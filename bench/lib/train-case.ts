// One model's case in bench/train-speed.ts, as every implementation sees it: the same batch, the
// same initial weights (dnnc's create({ seed: 1 })), the reference they are checked against, and
// the checks that make the timings comparable — the same logits before training, the same first
// loss, finite losses that fall over the timed steps.
import { allFinite, maxAbs, maxAbsDiff, near } from "./agreement.ts";
import type { Policy } from "./timing.ts";
import type { ModelSpec } from "./train-models.ts";
import type { DnncImpl, ImplName, ModelResult } from "./train-results.ts";

export interface ModelCase {
  spec: ModelSpec;
  batch: number;
  lr: number;
  /** The optimizer's epsilon: dnnc's adam() default (stdlib/optimizers.dnn), as TF.js's. */
  epsilon: number;
  /** One batch: inputs (as the spec's input shape, NHWC for images) and labels. */
  x: Float32Array;
  y: Int32Array;
  /** The initial parameters, in creation order, with their shapes (kernels laid out as Keras's). */
  weights: Float32Array[];
  paramShapes: number[][];
  /** The reference (the first dnnc target): its logits before training, its first training loss once measured. */
  refImpl: DnncImpl;
  refLogits: Float32Array;
  refLoss?: number;
  policy: Policy;
  quick: boolean;
  /** Where the cases record their timings. */
  cells: ModelResult["cells"];
  check: (what: string, ok: boolean, detail: string) => boolean;
  out: (line: string) => void;
}

/** The same logits as the reference from the same weights (relative to the logits' size). */
export function logitsCheck(c: ModelCase, impl: ImplName, logits: ArrayLike<number>) {
  const diff = maxAbsDiff(logits, c.refLogits);
  c.check(
    `${c.spec.key} ${impl}: the same logits as ${c.refImpl} from the same weights`,
    logits.length === c.refLogits.length && diff <= 1e-4 + 1e-3 * maxAbs(c.refLogits),
    `max |Δ| ${diff.toExponential(2)} (logits up to ${maxAbs(c.refLogits).toFixed(3)})`,
  );
}

/** Finite losses that fall over the steps on one batch, and (once the reference has one) the same first loss. */
export function lossChecks(c: ModelCase, impl: ImplName, losses: readonly number[]) {
  const first = losses[0]!, last = losses[losses.length - 1]!;
  c.check(`${c.spec.key} ${impl}: every training loss is finite`, allFinite(losses), `${losses.length} steps, first ${first}, last ${last}`);
  c.check(`${c.spec.key} ${impl}: the loss decreases over the steps on one batch`, last < first, `${first.toFixed(5)} → ${last.toFixed(5)} after ${losses.length} steps`);
  if (c.refLoss !== undefined) c.check(`${c.spec.key} ${impl}: the first loss equals ${c.refImpl}'s`, near(first, c.refLoss, 1e-3, 1e-5), `${first} vs ${c.refImpl} ${c.refLoss}`);
}
