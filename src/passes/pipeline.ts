// The simplification passes, in the order compile() runs them on every IR function. Each is a
// pure function from one Fn to the next; `--emit ir --after NAME` stops after one of them.
import type { Fn } from "../ir/ir.ts";
import { eliminateCommonSubexpressions } from "./cse.ts";
import { eliminateDeadCode } from "./dce.ts";
import { foldConstants } from "./fold.ts";

const PASSES = [
  { name: "fold", run: foldConstants },
  { name: "cse", run: eliminateCommonSubexpressions },
  { name: "dce", run: eliminateDeadCode },
] as const;

export type PassName = (typeof PASSES)[number]["name"];
export const PASS_NAMES: readonly string[] = ["none", ...PASSES.map((p) => p.name)];

/** `fn` as elaborated, then after each pass in turn: what `--emit ir` shows. */
export function stages(fn: Fn): { after: PassName | "none"; fn: Fn }[] {
  const out: { after: PassName | "none"; fn: Fn }[] = [{ after: "none", fn }];
  for (const p of PASSES) out.push({ after: p.name, fn: p.run(out[out.length - 1]!.fn) });
  return out;
}

/** Runs the passes in order, stopping after `after` ("none": the IR as elaboration built it);
 * `time` names each pass's share (see compiler.ts). */
export function simplify(fn: Fn, after: PassName | "none" = "dce", time: <T>(phase: string, f: () => T) => T = (_p, f) => f()): Fn {
  if (after === "none") return fn;
  let out = fn;
  for (const p of PASSES) {
    const input = out;
    out = time(`simplify: ${p.name}`, () => p.run(input));
    if (p.name === after) break;
  }
  return out;
}
