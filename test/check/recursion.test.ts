// A definition that uses itself, directly or through others: definitions are expanded where they
// are used, so the expansion would never end. A recursive layer used to overflow the stack
// (an internal compiler error, exit 3); a recursive fn was stopped only at depth 64, once per
// recursive call. Now each is one DNN0211 at the call that re-enters the definition.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { compile } from "../../src/compiler.ts";
import { ROOT, dnncIn } from "../helpers/dnnc-cli.ts";

const model = (defs: string, y: string) => `${defs}model M {\n  input x: f32[B, 8]\n  output y: f32[B, 8]\n  y = ${y}\n}\n`;

const DIRECT = model("layer Tower(n: int) {\n  forward(x: f32[B, 8]) = x |> Dense8() |> Tower(n)\n}\nlayer Dense8 {\n  param w: f32[8, 8] = 0.1\n  forward(x: f32[B, 8]) = x @ w\n}\n", "x |> Tower(3)");
const MUTUAL = model("layer Ping {\n  forward(x: f32[B, 8]) = relu(x) |> Pong()\n}\nlayer Pong {\n  forward(x: f32[B, 8]) = tanh(x) |> Ping()\n}\n", "x |> Ping()");
const THROUGH_FN = model("fn twice(x: f32[B, 8]) -> f32[B, 8] = x |> Loop() |> Loop()\nlayer Loop {\n  forward(x: f32[B, 8]) = twice(x)\n}\n", "x |> Loop()");
const FN = model("fn f(x: f32[B, 8]) -> f32[B, 8] = f(x) + f(x * 2.0)\n", "f(x) + f(-x)");

const cases: [string, string, string, string][] = [
  ["a layer that applies itself", DIRECT, "`Tower` uses itself: recursion is not supported", "Tower(n)"],
  ["two layers that apply each other", MUTUAL, "`Ping` uses itself through `Ping` → `Pong` → `Ping`: recursion is not supported", "Ping()"],
  ["a layer that applies itself through a fn", THROUGH_FN, "`Loop` uses itself through `Loop` → `twice` → `Loop`: recursion is not supported", "Loop()"],
  ["a fn that calls itself twice, called twice", FN, "`f` uses itself: recursion is not supported", "f(x)"],
];

describe("recursion is one DNN0211 at the call that re-enters the definition", () => {
  it.each(cases)("%s", (_name, src, message, at) => {
    const ds = compile("rec.dnn", src).diagnostics;
    expect(ds.map((d) => `${d.code} ${d.message}`)).toEqual([`DNN0211 ${message}`]);
    const d = ds[0]!;
    // The re-entering call, inside the definitions (the first such text of each source), not the model's.
    expect([d.span.start, d.span.end]).toEqual([src.indexOf(at), src.indexOf(at) + at.length]);
    const name = message.slice(1, message.indexOf("`", 1));
    expect(d.related.map((r) => [src.slice(r.span.start, r.span.end), r.message])).toEqual([[name, "defined here"]]);
  });

  it("a layer nested in itself through its arguments is a finite nesting, not recursion", () => {
    const defs = "layer Wrap(inner: fn) {\n  forward(x: f32[B, 8]) = x + (x |> inner)\n}\nlayer Dense8 {\n  param w: f32[8, 8] = 0.1\n  forward(x: f32[B, 8]) = x @ w\n}\n";
    expect(compile("nest.dnn", model(defs, "x |> Wrap(Wrap(Wrap(Dense8())))")).diagnostics).toEqual([]);
    // Made inside its own definition, it is recursion again.
    const self = model("layer Grow(inner: fn) {\n  forward(x: f32[B, 8]) = x |> Grow(Grow(inner))\n}\n", "x |> Grow(relu)");
    expect(compile("grow.dnn", self).diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual(["DNN0211 `Grow` uses itself: recursion is not supported"]);
  });

  it("a layer applied several times in a model is still fine when it does not recurse", () => {
    const src = model("layer Dense8 {\n  param w: f32[8, 8] = 0.1\n  forward(x: f32[B, 8]) = x @ w\n}\nlayer Two {\n  forward(x: f32[B, 8]) = x |> Dense8() |> Dense8()\n}\n", "x |> Two() |> Two() |> Dense8()");
    expect(compile("ok.dnn", src).diagnostics).toEqual([]);
  });
});

describe("dnnc check on a recursive layer (the real executable)", () => {
  const dir = mkdtempSync(join(tmpdir(), "dnnc-recursion-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([["direct", DIRECT], ["mutual", MUTUAL]])("%s: exit 1, the located diagnostic, no stack trace", (name, src) => {
    const file = join(dir, `${name}.dnn`);
    writeFileSync(file, src);
    const r = dnncIn(ROOT, 60_000, "check", file);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/error\[DNN0211\]: `(Tower|Ping)` uses itself/);
    expect(r.stderr).toContain(`--> ${file}:`);
    expect(r.stderr).not.toContain("Maximum call stack");
  }, 60_000);
});
