// Training that has gone non-finite: a loss of NaN or ±Infinity, a step the generated module
// refused as non-finite (it throws an Error named "NonFiniteError" and leaves its state as it
// was), or weights that are no longer numbers. `dnnc train` stops on it (exit 1) rather than
// train on garbage for hours, and never writes such weights over a checkpoint.
import { readSafetensors } from "./safetensors.ts";

/** Training stopped because something became non-finite; the message says where and what. */
export class DivergedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DivergedError";
  }
}

/** The generated module's refusal of a non-finite step (its NonFiniteError: docs/generated-api.md). */
interface NonFiniteStep extends Error {
  loss: number;
  input?: string;
  index?: number;
}

/** Whether `e` is the generated module's refusal of a non-finite step (by name: it is its own class in each module). */
export function isNonFiniteStep(e: unknown): e is NonFiniteStep {
  return e instanceof Error && e.name === "NonFiniteError";
}

/** What made a step non-finite, in `dnnc train`'s words: the batch's value, the loss, or a gradient. */
export function nonFiniteCause(e: NonFiniteStep): string {
  if (e.input !== undefined) return `the batch's ${JSON.stringify(e.input)} has a non-finite value at position ${e.index}`;
  return Number.isFinite(e.loss) ? `a gradient is not finite (the loss was ${e.loss})` : `the training loss is ${e.loss}`;
}

/** The first non-finite value among a safetensors file's float tensors, or undefined when all are finite. */
export function firstNonFinite(bytes: Uint8Array): { tensor: string; index: number; value: number } | undefined {
  for (const [tensor, t] of readSafetensors(bytes)) {
    const size = t.dtype === "F32" ? 4 : t.dtype === "F64" ? 8 : 0;
    if (size === 0) continue; // integers (step counts) are always finite
    const view = new DataView(t.data.buffer, t.data.byteOffset, t.data.byteLength);
    for (let i = 0, at = 0; at + size <= t.data.byteLength; i++, at += size) {
      const value = size === 4 ? view.getFloat32(at, true) : view.getFloat64(at, true);
      if (!Number.isFinite(value)) return { tensor, index: i, value };
    }
  }
  return undefined;
}
