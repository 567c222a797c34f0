// Runtime of every generated module (both targets): the error a training step throws when it
// was skipped because its loss or a gradient was not finite. The step itself keeps every
// parameter and state (the training-step function selects the old values: src/step/step.ts),
// so this code only explains why, and runs only then: the search for the first non-finite
// value of the batch costs nothing on a finite step. Real, type-checked code that the emitters
// paste (minus `export`) into every generated module.
// dnnc:helpers-begin

/**
 * A training step that was skipped because its loss or a gradient was NaN or ±Infinity: the
 * parameters, optimizer state, layer state and step count are as they were before the call.
 * `input` and `index` name the first non-finite value of the batch (inputs, then targets), if
 * there is one.
 */
export class NonFiniteError extends Error {
  /** The loss the skipped step computed (NaN, ±Infinity, or finite when only a gradient was not). */
  readonly loss: number;
  /** The first input or target holding a non-finite value, if any. */
  readonly input?: string;
  /** Where in that input (row-major), if any. */
  readonly index?: number;
  constructor(message: string, loss: number, input?: string, index?: number) {
    super(message);
    this.name = "NonFiniteError";
    this.loss = loss;
    if (input !== undefined && index !== undefined) {
      this.input = input;
      this.index = index;
    }
  }
}

/**
 * The error for a skipped step of `where` ("Model.trainStep"): the first non-finite value among
 * `batch` (float inputs and targets, by kind and name, in the order the model declares them),
 * else the loss, else "a gradient".
 */
export function nonFiniteStep(where: string, loss: number, batch: readonly (readonly [kind: string, name: string, values: ArrayLike<number>])[]): NonFiniteError {
  const unchanged = "(parameters and optimizer state unchanged)";
  for (const [kind, name, values] of batch)
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (!Number.isFinite(v)) return new NonFiniteError(`${where}: the step was skipped: ${kind} ${JSON.stringify(name)} has ${v} at index ${i} ${unchanged}`, loss, name, i);
    }
  const why = Number.isFinite(loss) ? "a gradient is non-finite" : `the loss is ${loss}`;
  return new NonFiniteError(`${where}: the step was skipped: ${why} ${unchanged}`, loss);
}
// dnnc:helpers-end
