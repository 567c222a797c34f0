// Fusion's invariants on every function of every sample, and the schedules of the two small
// samples pinned as golden text.
import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { compile } from "../../src/compiler.ts";
import type { Fn } from "../../src/ir/ir.ts";
import { fuse } from "../../src/schedule/fuse.ts";
import { planBuffers } from "../../src/schedule/memory.ts";
import { printSchedule } from "../../src/schedule/print.ts";
import { expectGolden } from "../golden/goldens.ts";

const samples = readdirSync("samples").filter((f) => f.endsWith(".dnn"));
const functions: [string, Fn][] = samples.flatMap((file) =>
  compile(`samples/${file}`).models.flatMap((m) => [m.init, m.forward, ...(m.train ? [m.train.fn] : [])].map((fn): [string, Fn] => [`${file} ${m.name}.${fn.name}`, fn])),
);
// Scan bodies are scheduled on their own too.
const withBodies = (fn: Fn): Fn[] => [fn, ...fn.nodes.flatMap((n) => (n.op === "scan" ? withBodies(n.body) : []))];

describe("fusion on every sample", () => {
  it.each(functions)("%s: every value computed once (index values by each reader), kernels in dependence order, registers never read across kernels", (_name, top) => {
    for (const fn of withBodies(top)) {
      const s = fuse(fn);
      const kernelOf = new Map<number, number>();
      s.kernels.forEach((k, i) => {
        const inKernel = new Set(k.body);
        for (const id of [...(k.head !== undefined ? [k.head] : []), ...k.body]) {
          // A recomputed value is in the body of every kernel reading it, and nowhere else.
          for (const x of fn.nodes[id]!.inputs) if (s.storage[x] === "recomputed") expect(inKernel.has(x), `%${id} reads %${x}, not recomputed by its kernel`).toBe(true);
          if (s.storage[id] === "recomputed") continue;
          expect(kernelOf.has(id), `%${id} in two kernels`).toBe(false);
          kernelOf.set(id, i);
        }
        for (const id of k.stores) expect(s.storage[id], `%${id} stored`).toBe("buffer");
      });
      for (const n of fn.nodes) {
        const where = s.storage[n.id]!;
        if (where === "local" || where === "buffer") expect(kernelOf.has(n.id), `%${n.id} (${n.op}) is computed by a kernel`).toBe(true);
        else expect(kernelOf.has(n.id), `%${n.id} (${where}) is not computed once`).toBe(false);
        if (where === "recomputed") {
          // A function of the index alone: an iota, or an elementwise op over such values and constants.
          expect(n.op === "iota" || n.inputs.every((x) => s.storage[x] === "recomputed" || s.storage[x] === "scalar"), `%${n.id} (${n.op}) depends on memory`).toBe(true);
          expect(s.kernels.some((k) => k.body.includes(n.id)), `%${n.id} is read by no kernel`).toBe(true);
        }
        for (const x of n.inputs) {
          const producer = kernelOf.get(s.base[x]!);
          const consumer = kernelOf.get(n.id);
          if (producer === undefined || consumer === undefined) continue;
          expect(producer, `%${n.id} reads %${x} before it is computed`).toBeLessThanOrEqual(consumer);
          if (s.storage[x] === "local") expect(producer, `%${n.id} reads the register %${x} of another kernel`).toBe(consumer);
        }
      }
      for (const o of fn.outputs) expect(["buffer", "arg", "view"]).toContain(s.storage[o.id]);
      // Buffers live from their writer to their last reader.
      for (const b of planBuffers(s)) expect(b.first).toBeLessThanOrEqual(b.last);
    }
  });

  it("fuses: the MLP's training step runs in far fewer kernels than it has primitives", () => {
    const fn = functions.find(([name]) => name === "mlp_digits.dnn DigitsMLP.train_step")![1];
    const s = fuse(fn);
    const primitives = fn.nodes.filter((n) => n.op !== "arg").length;
    expect(s.kernels.length).toBeLessThan(primitives / 4);
    // Each Dense layer's bias and activation ride in its matmul's epilogue.
    const matmuls = s.kernels.filter((k) => k.kind === "matmul");
    expect(matmuls.some((k) => k.body.some((id) => fn.nodes[id]!.op === "relu"))).toBe(true);
    // Adam's update of a parameter (m, v and the parameter, each selected on the step's
    // finiteness flag) is one loop, after the flag: it needs every gradient.
    const update = s.kernels.filter((k) => k.stores.some((id) => fn.outputs.some((o) => o.id === id && o.name === "dense.kernel")));
    expect(update.length).toBe(1);
    expect(update[0]!.kind).toBe("elementwise");
    const outs = new Set(update[0]!.stores.flatMap((id) => fn.outputs.filter((o) => o.id === id).map((o) => o.name)));
    expect(outs).toEqual(new Set(["dense.kernel", "dense.kernel/adam.m", "dense.kernel/adam.v"]));
    expect(update[0]!.stores.every((id) => fn.nodes[id]!.op === "select")).toBe(true);
  });

  it("checks each gradient for non-finite values in a reduction's prologue, storing nothing but the count", () => {
    const fn = functions.find(([name]) => name === "mlp_digits.dnn DigitsMLP.train_step")![1];
    const s = fuse(fn);
    const checks = fn.nodes.filter((n) => n.op === "nonfinite" && n.shape.length > 0);
    expect(checks.length).toBe(4); // one per parameter's gradient
    for (const n of checks) {
      expect(s.storage[n.id], `%${n.id}`).toBe("local");
      const k = s.kernels.find((k) => k.body.includes(n.id))!;
      expect(k.kind, `%${n.id}`).toBe("reduce");
    }
  });

  it("reads a transposed operand in place: no permute is copied in the MLP's training step", () => {
    const fn = functions.find(([name]) => name === "mlp_digits.dnn DigitsMLP.train_step")![1];
    const s = fuse(fn);
    expect(s.kernels.filter((k) => k.kind === "op" && fn.nodes[k.head!]!.op === "permute")).toEqual([]);
    expect(s.storage.filter((x) => x === "transposed").length).toBeGreaterThan(0);
  });
});

describe("schedules, pinned", () => {
  it.each(["backprop_221.dnn", "mlp_digits.dnn"])("%s", (file) => {
    const text = compile(`samples/${file}`).models.flatMap((m) => [m.forward, ...(m.train ? [m.train.fn] : [])].map((fn) => `// ${m.name}\n${printSchedule(fuse(fn))}`)).join("\n");
    expectGolden(`test/golden/kernels/${file.replace(/\.dnn$/, ".txt")}`, text);
  });
});

describe("values that are functions of the index alone", () => {
  const cnn = () => functions.find(([name]) => name === "mnist_cnn.dnn MnistCNN.train_step")![1];

  it("are recomputed by each kernel reading them, never stored: no iota of the CNN's training step is in memory", () => {
    const fn = cnn();
    const s = fuse(fn);
    const iotas = fn.nodes.filter((n) => n.op === "iota");
    expect(iotas.length).toBeGreaterThan(0);
    for (const n of iotas) expect(s.storage[n.id], `%${n.id}`).toBe("recomputed");
    // A window position (iotas and arithmetic on them) is computed in both of its readers' loops.
    const stored = new Set(s.kernels.flatMap((k) => k.stores));
    const recomputedIn = (id: number) => s.kernels.filter((k) => k.body.includes(id)).length;
    expect(fn.nodes.some((n) => s.storage[n.id] === "recomputed" && n.op !== "iota" && recomputedIn(n.id) >= 2)).toBe(true);
    expect(fn.nodes.filter((n) => s.storage[n.id] === "recomputed" && stored.has(n.id))).toEqual([]);
  });

  it("are stored when a kernel must read them from memory (a matmul operand)", async () => {
    const { Builder } = await import("../../src/ir/ir.ts");
    const b = new Builder("t");
    const x = b.arg("x", "input", [4, 3]);
    const position = b.binary("add", b.iota([3, 2], 0), b.iota([3, 2], 1));
    const ramp = b.binary("mul", b.iota([4, 3], 1), b.broadcast(b.const(2), [4, 3]));
    b.output("y", b.matmul(x, position));
    b.output("z", b.binary("add", x, ramp));
    const s = fuse(b.fn);
    expect(s.storage[position]).toBe("buffer");
    expect(s.storage[ramp]).toBe("recomputed");
    expect(s.kernels.find((k) => k.body.includes(ramp))!.stores).toEqual([b.fn.outputs[1]!.id]);
  });
});

describe("the max-pooling gradient", () => {
  it("is one reduction (the first maximum's rank) and one loop per pooling layer; a pool whose windows tile its input copies no windows", () => {
    const fn = functions.find(([name]) => name === "mnist_cnn.dnn MnistCNN.train_step")![1];
    const s = fuse(fn);
    const headOp = (k: (typeof s.kernels)[number]) => (k.head !== undefined ? fn.nodes[k.head]!.op : undefined);
    // The 26×26 maps pool as a view of themselves; the 11×11 ones (an odd size) through a window op.
    const poolWindows = s.kernels.filter((k) => {
      const n = k.head !== undefined ? fn.nodes[k.head]! : undefined;
      return n?.op === "window" && n.fill === -Infinity;
    });
    expect(poolWindows.length).toBe(1);
    expect(s.kernels.filter((k) => headOp(k) === "unwindow" && fn.nodes[fn.nodes[k.head!]!.inputs[0]!]!.shape.length === 6 && fn.nodes[fn.nodes[k.head!]!.inputs[0]!]!.shape[3] === 2).length).toBe(1);
    // Each gradient reduction (over a select: the hits' ranks) is followed directly by the mask's loop.
    const gradientMax = s.kernels.flatMap((k, i) => (headOp(k) === "reduce_max" && fn.nodes[fn.nodes[k.head!]!.inputs[0]!]!.op === "select" && fn.nodes[k.head!]!.shape.length === 4 ? [i] : []));
    expect(gradientMax.length).toBe(2);
    for (const i of gradientMax) {
      const mask = s.kernels[i + 1]!;
      expect(mask.kind).toBe("elementwise");
      expect(fn.nodes[mask.body[0]!]!.shape.length).toBe(6);
      expect(mask.body.some((id) => fn.nodes[id]!.inputs.includes(s.kernels[i]!.head!) || fn.nodes[fn.nodes[id]!.inputs[0]!]?.inputs.includes(s.kernels[i]!.head!))).toBe(true);
    }
  });
});

describe("a value read only by a later kernel, from memory held anyway", () => {
  it("is computed there: the CNN's training step stores no ReLU mask, each is taken from its activation where the gradient reads it", () => {
    const fn = functions.find(([name]) => name === "mnist_cnn.dnn MnistCNN.train_step")![1];
    const s = fuse(fn);
    const masks = fn.nodes.filter((n) => n.op === "cmplt" && fn.nodes[n.inputs[1]!]!.op === "relu");
    expect(masks.length).toBe(4); // three convolutions and a dense layer
    for (const m of masks) {
      expect(s.storage[m.id], `%${m.id}`).toBe("local");
      const k = s.kernels.find((k) => k.body.includes(m.id))!;
      expect(k.body.some((id) => fn.nodes[id]!.op === "relu"), `%${m.id} is in its activation's kernel`).toBe(false);
    }
  });
});

describe("fusion refuses what would be wrong", () => {
  it("a reduction's prologue never reads the reduction's own result, even through a reshape", async () => {
    const { Builder } = await import("../../src/ir/ir.ts");
    // y = sum(x · max(x) broadcast back): the max's loop cannot also compute x · max.
    const b = new Builder("t");
    const x = b.arg("x", "input", [4, 3]);
    const e = b.unary("exp", x);
    const m = b.reduce("reduce_max", e, [1]);
    const back = b.broadcast(b.reshape(m, [4, 1]), [4, 3]);
    const prod = b.binary("mul", e, back);
    b.output("y", b.reduce("sum", prod, [1]));
    const s = fuse(b.fn);
    const maxKernel = s.kernels.find((k) => k.head === m)!;
    expect(maxKernel.body).toContain(e); // exp is the max's prologue…
    expect(maxKernel.body).not.toContain(prod); // …but x · max is not
    expect(maxKernel.body).not.toContain(back);
  });
});

describe("a function is fused once", () => {
  it("the emitter and the cost summary share one schedule per function; a function grown since is fused again", async () => {
    const { Builder } = await import("../../src/ir/ir.ts");
    const b = new Builder("t");
    const x = b.arg("x", "input", [4, 3]);
    b.output("y", b.unary("exp", x));
    const first = fuse(b.fn);
    expect(fuse(b.fn)).toBe(first); // the same object, not a second partition
    b.output("z", b.reduce("sum", b.unary("neg", x), [1]));
    const grown = fuse(b.fn);
    expect(grown).not.toBe(first);
    expect(grown.kernels.flatMap((k) => [...(k.head !== undefined ? [k.head] : []), ...k.body]).sort((p, q) => p - q)).toEqual(b.fn.nodes.filter((n) => n.op !== "arg").map((n) => n.id));
  });
});
