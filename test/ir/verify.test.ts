import { describe, expect, it } from "vitest";
import { readdirSync } from "node:fs";
import { compile } from "../../src/compiler.ts";
import { verify } from "../../src/ir/verify.ts";
import { Builder } from "../../src/ir/ir.ts";

describe("IR verifier", () => {
  it("accepts every function of every sample", () => {
    for (const f of readdirSync("samples").filter((x) => x.endsWith(".dnn"))) {
      for (const m of compile(`samples/${f}`).models) for (const fn of [m.init, m.forward, ...(m.train ? [m.train.fn] : []), ...(m.programs ?? []).map((p) => p.train.fn)]) expect(() => verify(fn), `${f} ${fn.name}`).not.toThrow();
    }
  });

  it("rejects a node whose declared shape disagrees with its inputs", () => {
    const b = new Builder("bad");
    const x = b.arg("x", "input", [2, 3]);
    const y = b.arg("y", "param", [3, 4]);
    b.output("z", b.matmul(x, y));
    const fn = b.fn;
    (fn.nodes[2] as { shape: unknown }).shape = [2, 5];
    expect(() => verify(fn)).toThrow(/declared f32\[2, 5\] but its inputs give f32\[2, 4\]/);
  });

  it("rejects a use before definition and a dangling output", () => {
    const b = new Builder("bad");
    const x = b.arg("x", "input", [2]);
    b.output("y", b.unary("exp", x));
    const swapped = { ...b.fn, nodes: b.fn.nodes.map((n) => (n.id === 1 ? { ...n, inputs: [1] } : n)) };
    expect(() => verify(swapped)).toThrow(/not defined before it/);
    expect(() => verify({ ...b.fn, outputs: [{ name: "y", id: 9 }] })).toThrow(/missing node %9/);
  });
});
