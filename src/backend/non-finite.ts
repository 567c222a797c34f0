// What both targets' trainStep does with the training step's finiteness flag (the IR
// function's last output, src/step/step.ts): the step already kept every state when the flag
// is 0; the generated method then throws NonFiniteError (runtime/non-finite.ts) before it
// counts the step, so the next step's number (Adam's bias correction) is the skipped one's.
import { FINITE_OUTPUT, type CompiledModel, type CompiledTrainStep } from "../model.ts";
import { jsString } from "./names.ts";

/** The index of the flag among a training step's outputs. */
export function finiteOutput(train: CompiledTrainStep): number {
  const i = train.fn.outputs.findIndex((o) => o.name === FINITE_OUTPUT);
  if (i < 0) throw new Error(`dnnc: ${train.fn.name} has no ${FINITE_OUTPUT} output`);
  return i;
}

/**
 * The statement that throws when the flag `flag` (an expression of the generated method) is
 * not 1 (and `when`, if given, holds): the error names the loss `loss` and searches the batch's
 * float inputs and targets, which only a skipped step pays for.
 */
export function nonFiniteCheck(m: CompiledModel, loss: string, flag: string, when?: string, obj = "batch", program: { train: CompiledTrainStep; trainMethod: string } | undefined = m.train && { train: m.train, trainMethod: "trainStep" }): string {
  const floats = [...m.inputs.map((t) => ["input", t] as const), ...(program?.train.targets ?? []).map((t) => ["target", t] as const)].filter(([, t]) => t.dtype !== "i32");
  const batch = floats.map(([kind, t]) => `["${kind}", ${jsString(t.name)}, ${obj}[${jsString(t.name)}]]`).join(", ");
  return `if (${when ? `${when} && ` : ""}${flag} !== 1) throw nonFiniteStep(${jsString(`${m.name}.${program?.trainMethod ?? "trainStep"}`)}, ${loss}, [${batch}]);`;
}
