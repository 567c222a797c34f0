// Reduction kernels (sum, reduce_max), their prologue computed per element before reducing.
// A short reduction, or one of many outputs, runs as a loop in one invocation per output
// element; a long one of few outputs (a loss total, a channel's sum over a batch of images) in a
// workgroup per few outputs: lanes accumulate strided parts, then a tree in workgroup memory
// combines them. Both orders are fixed, so results do not depend on how invocations are scheduled.
import { productDim } from "../../ir/dim.ts";
import { isReductionNode } from "../../ir/ir.ts";
import type { ReductionOp } from "../../ir/ops.ts";
import { rowMajor } from "../../schedule/strides.ts";
import type { KernelCode, KernelContext } from "./render.ts";
import { WORKGROUP } from "./render.ts";
import { dim, lit } from "./prelude.ts";

/** Reduced sizes from which a workgroup shares each output's reduction (symbolic ones: the batch, say). */
const TREE_FROM = 64;
/**
 * Outputs from which each gets an invocation of its own however long its reduction: enough lanes
 * for a CPU driver's threads (two workgroups of WORKGROUP = 64 — a literal, as render.ts imports
 * this file), where a tree's barriers cost more than they save: a bias gradient's sum over a batch
 * of 64 measured 0.15 ms on lavapipe against 0.45 ms.
 */
const LOOP_FROM = 128;
/** Invocations of a tree-reduction workgroup. */
const TREE_SIZE = 256;

/**
 * Each reduction's start value, how it folds `v` into `acc`, and how a tree lane folds in its
 * partner's partial result (reduce_max keeps a NaN it meets: NaN compares false both ways).
 */
const REDUCTIONS: Record<ReductionOp, { init: string; combine: (acc: string, v: string) => string; combineTree: string }> = {
  sum: { init: "0.0", combine: (acc, v) => `${acc} += ${v};`, combineTree: "red_[lid] += red_[lid + w];" },
  reduce_max: {
    init: lit(-Infinity),
    combine: (acc, v) => `if (${v} > ${acc} || ${v} != ${v}) { ${acc} = ${v}; }`,
    combineTree: "let y = red_[lid + w]; if (y > red_[lid] || y != y) { red_[lid] = y; }",
  },
};

export function reduceKernel({ k, node, at, elementwise, coordsOf }: KernelContext): KernelCode {
  const r = node(k.head!);
  if (!isReductionNode(r)) throw new Error("reduce kernel without a reduction");
  const x = r.inputs[0]!;
  const domain = node(x).shape;
  const kept = domain.map((_, j) => j).filter((j) => !r.axes.includes(j));
  const reduced = r.axes;
  const keptShape = kept.map((j) => domain[j]!);
  const reducedShape = reduced.map((j) => domain[j]!);
  const keptCount = productDim(keptShape);
  const count = productDim(reducedShape);
  // The input element's row-major index from the output index i and the reduced index r.
  const e = elementwise("e", (strides) => {
    const kp = coordsOf(keptShape, "i")(kept.map((j) => strides[j]!));
    const rp = coordsOf(reducedShape, "r")(reduced.map((j) => strides[j]!));
    return `${kp} + ${rp}`;
  });
  const { init: start, combine, combineTree } = REDUCTIONS[r.op];
  const accumulate = (from: string, step: string) => {
    const full = rowMajor(domain);
    const keptPart = coordsOf(keptShape, "i")(kept.map((j) => full[j]!));
    const reducedPart = coordsOf(reducedShape, "r")(reduced.map((j) => full[j]!));
    return [
      `for (var r = ${from}; r < ${dim(count)}; r += ${step}) {`,
      `  let e = ${keptPart} + ${reducedPart};`,
      ...e.out.map((l) => `  ${l}`),
      `  let x = ${e.value(x)};`,
      `  ${combine("acc", "x")}`,
      "}",
    ];
  };
  const init = `var acc = ${start};`;

  if ((typeof count === "number" && count < TREE_FROM) || (typeof keptCount === "number" && keptCount >= LOOP_FROM))
    return {
      lines: [`let i = g * ${WORKGROUP}u + lid;`, `if (i >= ${dim(keptCount)}) { return; }`, init, ...accumulate("0u", "1u"), `${at(r.id, "i")} = acc;`],
      workgroups: [{ of: keptCount, per: WORKGROUP }],
      size: WORKGROUP,
    };

  // With the innermost axis kept, neighbouring outputs read neighbouring memory: a workgroup
  // takes several (lanes `kk`), each reduced by TREE_SIZE / KW lanes `rl`.
  const innerKept = kept.includes(domain.length - 1);
  const KW = innerKept ? 16 : 1;
  const RW = TREE_SIZE / KW;
  return {
    decls: [`var<workgroup> red_: array<f32, ${TREE_SIZE}>;`],
    lines: [
      `let kk = lid % ${KW}u;`,
      `let rl = lid / ${KW}u;`,
      `let i = g * ${KW}u + kk;`,
      init,
      `if (i < ${dim(keptCount)}) {`,
      ...accumulate("rl", `${RW}u`).map((l) => `  ${l}`),
      "}",
      "red_[lid] = acc;",
      "workgroupBarrier();",
      // Halving strides (in units of KW): lane rl adds lane rl + w, always the same pairs.
      `for (var w = ${(RW / 2) * KW}u; w >= ${KW}u; w /= 2u) {`,
      `  if (lid < w) { ${combineTree} }`,
      "  workgroupBarrier();",
      "}",
      `if (rl == 0u && i < ${dim(keptCount)}) { ${at(r.id, "i")} = red_[kk]; }`,
    ],
    workgroups: [{ of: keptCount, per: KW }],
    size: TREE_SIZE,
  };
}
