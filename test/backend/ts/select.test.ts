// A select's operands in generated loops (backend/ts/render.ts): a comparison or value only the
// select reads is written into it (`a < b ? x : y`, a branch computed only when taken); one that
// is stored, read twice or reduced stays a local. Either way the values are the interpreter's,
// bit for bit, NaN, ±0 and infinities included.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Builder, type Fn } from "../../../src/ir/ir.ts";
import { interpret } from "../../../src/ir/interpret.ts";
import { verify } from "../../../src/ir/verify.ts";
import { compileFns, type TsModule } from "../../helpers/run-ts.ts";

const A = [1, -2, 0, -0, NaN, Infinity, 3.5, -Infinity];
const B = [2, -2, -0, 0, 1, Infinity, NaN, 5];

function fn(name: string, f: (b: Builder, a: number, c: number) => Record<string, number>): Fn {
  const b = new Builder(name);
  const a = b.arg("a", "input", [8]);
  const c = b.arg("b", "input", [8]);
  for (const [out, id] of Object.entries(f(b, a, c))) b.output(out, id);
  verify(b.fn);
  return b.fn;
}

const FNS = {
  // cmplt and both branches read only by the select.
  inlined: fn("inlined", (b, a, c) => ({ y: b.select(b.binary("cmplt", a, c), b.binary("mul", a, b.broadcast(b.const(2), [8])), b.unary("neg", c)) })),
  // The comparison is an output too: stored, so the select tests the stored 1 or 0.
  stored: fn("stored", (b, a, c) => {
    const eq = b.binary("cmpeq", a, c);
    return { eq, y: b.select(eq, b.binary("add", a, c), a) };
  }),
  // The select is a sum's input (read after the body); its comparison is still written into it.
  reduced: fn("reduced", (b, a, c) => ({ s: b.reduce("sum", b.select(b.binary("cmpeq", a, c), b.broadcast(b.const(1), [8]), b.binary("sub", a, c)), [0]) })),
  // A sum's input that one select also reads stays a local for both.
  shared: fn("shared", (b, a, c) => {
    const d = b.binary("sub", a, c);
    return { s: b.reduce("sum", d, [0]), y: b.select(b.binary("cmplt", a, c), d, a) };
  }),
};

describe("selects in generated loops", () => {
  let mod: TsModule;
  beforeAll(async () => {
    mod = await compileFns(FNS);
  }, 120_000);
  afterAll(() => mod?.cleanup());

  it("emits a module that passes tsc --strict alone", () => {
    expect(mod.tsc.output).toBe("");
    expect(mod.tsc.status).toBe(0);
  });

  /** The text of the kernels of function `name`. */
  const kernels = (name: string) => mod.text.split(/\n(?=\/\/ \w+ kernel)/).filter((k) => k.includes(`function fn_${name}_`)).join("\n");

  it("writes a comparison and branches only the select reads into it", () => {
    const text = kernels("inlined");
    expect(text).toMatch(/= \+\S+ < \+\S+ \? \(\S+ \* 2\) : \(-\S+\);/);
    expect(text).not.toContain("? 1 : 0");
  });

  it("keeps a stored comparison as a local and tests it", () => {
    const text = kernels("stored");
    expect(text).toMatch(/const (v\d+) = \+\S+ === \+\S+ \? 1 : 0;[^]*\1 !== 0 \?/);
  });

  it("writes the comparison of a reduced select into it, and reduces the select's local", () => {
    const text = kernels("reduced");
    expect(text).toMatch(/const (v\d+) = \+\S+ === \+\S+ \? 1 : \(\S+ - \S+\);[^]*const r = \1;/);
  });

  it("keeps a reduced value that a select also reads as a local", () => {
    expect(kernels("shared")).toMatch(/const (v\d+) = \S+ - \S+;[^]*\? \1 : [^]*const r = \1;/);
  });

  it.each(Object.keys(FNS) as (keyof typeof FNS)[])("%s equals the interpreter bit for bit", (name) => {
    const want = interpret(FNS[name], [Float64Array.from(A), Float64Array.from(B)]);
    const got = mod.run(name, [A, B]);
    want.forEach((w, k) => expect([...got[k]!]).toEqual([...Float32Array.from(w)]));
  });
});
