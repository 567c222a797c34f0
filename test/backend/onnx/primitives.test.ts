// Each IR primitive an inference graph may hold, alone in a function built with the Builder,
// exported (backend/onnx/export.ts) and run by onnxruntime-node: equal to the reference
// interpreter (ir/interpret.ts) on the same float32 inputs — the elementwise ops the samples do not
// use included (log, sin, nonfinite, min, cmpeq, …), and the i32 forms.
import { describe, expect, it } from "vitest";
import * as ort from "onnxruntime-node";
import { Builder, type DType, type Fn } from "../../../src/ir/ir.ts";
import { BINARY, UNARY, type BinaryOp, type UnaryOp } from "../../../src/ir/ops.ts";
import { interpret } from "../../../src/ir/interpret.ts";
import { exportOnnx } from "../../../src/backend/onnx/export.ts";
import type { CompiledModel } from "../../../src/model.ts";

const BATCH = 3;
const WIDTH = 6;

/** A model whose forward is `fn` (its args all inputs): what exportOnnx reads. */
function modelOf(fn: Fn): CompiledModel {
  const init = new Builder("init");
  init.arg("seed", "seed", []);
  const info = (name: string, id: number) => ({ name, dtype: fn.nodes[id]!.dtype, shape: [...fn.nodes[id]!.shape] });
  return { name: fn.name, inputs: fn.args.map((a) => ({ name: a.name, dtype: a.dtype, shape: [...a.shape] })), outputs: fn.outputs.map((o) => info(o.name, o.id)), params: [], summary: [], forward: fn, init: init.fn, indexRanges: [] };
}

/** Runs `fn` in onnxruntime and in the interpreter on `inputs` ([BATCH, WIDTH] each) and compares its one output. */
async function expectSame(fn: Fn, inputs: readonly number[][]): Promise<void> {
  const session = await ort.InferenceSession.create(exportOnnx(modelOf(fn), new Map(), "primitives.dnn"));
  const feeds = Object.fromEntries(fn.args.map((a, i) => [a.name, a.dtype === "i32" ? new ort.Tensor("int32", Int32Array.from(inputs[i]!), [BATCH, WIDTH]) : new ort.Tensor("float32", Float32Array.from(inputs[i]!), [BATCH, WIDTH])]));
  const got = Array.from((await session.run(feeds))[fn.outputs[0]!.name]!.data as ArrayLike<number>, Number);
  await session.release();
  const want = Array.from(interpret(fn, inputs.map((v) => Float64Array.from(v, Math.fround)), { B: BATCH })[0]!);
  expect(got.length).toBe(want.length);
  want.forEach((w, i) => {
    if (Number.isNaN(w)) expect(got[i], `[${i}]`).toBeNaN();
    else if (!Number.isFinite(w)) expect(got[i], `[${i}]`).toBe(w);
    else expect(Math.abs(got[i]! - w), `[${i}]: onnxruntime ${got[i]}, interpreter ${w}`).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(w)));
  });
}

function unaryFn(op: UnaryOp): Fn {
  const b = new Builder(`unary_${op}`);
  b.output("y", b.unary(op, b.arg("x", "input", ["B", WIDTH])));
  return b.fn;
}

function binaryFn(op: BinaryOp, dtype: DType): Fn {
  const b = new Builder(`binary_${op}_${dtype}`);
  b.output("z", b.binary(op, b.arg("x", "input", ["B", WIDTH], dtype), b.arg("y", "input", ["B", WIDTH], dtype)));
  return b.fn;
}

const count = BATCH * WIDTH;
/** Values in [lo, hi], float32-exact, with repeats (so comparisons meet equal operands). */
const spread = (lo: number, hi: number, seed: number) => Array.from({ length: count }, (_, i) => Math.fround(lo + ((hi - lo) * (((i * 7 + seed * 5) % 11) / 10))));
const POSITIVE_ONLY: ReadonlySet<UnaryOp> = new Set(["log", "sqrt", "recip"]);

describe("each elementwise primitive equals the interpreter", () => {
  it.each(UNARY.filter((op) => op !== "nonfinite"))("%s", async (op) => {
    await expectSame(unaryFn(op), [POSITIVE_ONLY.has(op) ? spread(0.1, 3, 1) : spread(-3, 3, 1)]);
  });

  it("nonfinite: 1 for ±∞ and NaN, 0 otherwise", async () => {
    await expectSame(unaryFn("nonfinite"), [Array.from({ length: count }, (_, i) => [1, Infinity, -2, NaN, -Infinity, 0][i % 6]!)]);
  });

  it.each(BINARY)("%s on f32", async (op) => {
    await expectSame(binaryFn(op, "f32"), op === "pow" ? [spread(0.5, 2, 1), spread(-2, 2, 2)] : [spread(-3, 3, 1), spread(-3, 3, 2)]);
  });

  it.each(BINARY.filter((op) => op !== "pow" && op !== "div"))("%s on i32", async (op) => {
    const ints = (seed: number) => spread(-5, 5, seed).map(Math.round);
    await expectSame(binaryFn(op, "i32"), [ints(1), ints(2)]);
  });
});

describe("the other primitives of an inference graph", () => {
  it("select, cast both ways, iota, literal, pad, slice, permute, sum and reduce_max", async () => {
    const b = new Builder("mixed");
    const x = b.arg("x", "input", ["B", WIDTH]);
    const truncated = b.cast(b.cast(x, "i32"), "f32"); // float → int32 truncates toward zero, as dnnc
    const index = b.iota(["B", WIDTH], 1);
    const chosen = b.select(b.binary("cmplt", x, index), truncated, b.binary("mul", x, b.broadcast(b.literal([1, 2, 3, 4, 5, 6], [WIDTH]), ["B", WIDTH])));
    const padded = b.pad(chosen, [0, 2], ["B", WIDTH + 3]);
    const cut = b.slice(padded, [0, 1], ["B", WIDTH]);
    const turned = b.permute(b.reshape(cut, ["B", 2, 3]), [0, 2, 1]);
    const folded = b.binary("add", b.reduce("sum", turned, [2]), b.reduce("reduce_max", turned, [2]));
    b.output("y", b.reshape(b.broadcast(b.reshape(b.reduce("sum", folded, [1]), ["B", 1]), ["B", WIDTH]), ["B", WIDTH]));
    await expectSame(b.fn, [spread(-4, 7, 3)]);
  });
});
