// Frozen parameters get no gradient code at all: the backward pass only follows paths from
// trainable parameters, so a frozen convolutional base adds no backward convolution.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { compile } from "../../src/compiler.ts";

describe("the training step of a model with a frozen base", () => {
  const c = compile("samples/transfer.dnn");
  const m = c.models.find((x) => x.name === "TransferClassifier")!;
  const fn = m.train!.fn;

  it("compiles clean, with the base's parameters frozen and the head's trainable", () => {
    expect(c.diagnostics).toEqual([]);
    expect(m.params.filter((p) => p.trainable).map((p) => p.name)).toEqual(["dense.kernel", "dense.bias"]);
    expect(m.params.filter((p) => !p.trainable).length).toBe(6);
  });

  it("has no backward convolution or pooling (no unwindow) and returns the frozen parameters unchanged", () => {
    expect(fn.nodes.filter((n) => n.op === "unwindow")).toEqual([]);
    // The forward convolutions are still there: window → matmul, three times (both max-pools'
    // windows tile their input: reshapes).
    expect(fn.nodes.filter((n) => n.op === "window").length).toBe(3);
    for (const p of m.params.filter((q) => !q.trainable)) {
      const out = fn.outputs.find((o) => o.name === p.name)!;
      const node = fn.nodes[out.id]!;
      expect(node.op, p.name).toBe("arg");
      expect(fn.args[(node as { index: number }).index]!.name).toBe(p.name);
    }
  });

  it("unfrozen, the same model does differentiate the base", () => {
    const text = readFileSync("samples/transfer.dnn", "utf8").replace("frozen(ConvBase())", "ConvBase()");
    const unfrozen = compile("samples/transfer-unfrozen.dnn", text).models[0]!.train!.fn;
    expect(unfrozen.nodes.filter((n) => n.op === "unwindow").length).toBeGreaterThan(0);
  });
});
