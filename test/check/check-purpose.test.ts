// A check (`dnnc check`, the API's check()) does not differentiate the training steps: the
// optimizer runs over stand-in gradients (compiler.ts, Purpose; step.ts, StepOptions). That is
// only sound if a check reports exactly what code generation reports and describes the same
// API: this holds it for every sample, every ```dnn block of the diagnostics catalogue (a
// failing example and a fix for every code) and of the language reference, and the check-speed
// workload.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compile, type Compilation } from "../../src/compiler.ts";
import { modelApi } from "../../src/backend/target.ts";
import { FINITE_OUTPUT } from "../../src/model.ts";
import { generate } from "../../bench/lib/gen-models.ts";
import { ROOT } from "../helpers/compile-sample.ts";

const blocks = (doc: string) => [...readFileSync(join(ROOT, "docs", doc), "utf8").matchAll(/```dnn\n([\s\S]*?)```/g)].map((m, i) => ({ name: `${doc} block ${i + 1}`, text: m[1]! }));
const samples = readdirSync(join(ROOT, "samples"))
  .filter((f) => f.endsWith(".dnn"))
  .map((f) => ({ name: `samples/${f}`, text: readFileSync(join(ROOT, "samples", f), "utf8") }));
const workload = { name: "the check-speed workload", text: generate({ layers: 200, lines: 2000 }).text };
const cases = [...samples, ...blocks("diagnostics.md"), ...blocks("language.md"), workload];

/** What a check reports and describes: diagnostics, and each model's API and training-step bookkeeping. */
function described(c: Compilation) {
  return {
    diagnostics: c.diagnostics.map((d) => ({ code: d.code, severity: d.severity, span: d.span, message: d.message, hint: d.hint, related: d.related })),
    models: c.models.map((m) => ({
      api: modelApi(m),
      summary: m.summary.map((r) => ({ ...r, span: r.span })),
      steps: [...(m.train ? [m.train] : []), ...(m.programs ?? []).map((p) => p.train)].map((s) => ({ states: s.states.map((x) => ({ name: x.name, shape: x.shape })), targets: s.targets, optimizer: s.optimizer, rule: s.rule })),
    })),
  };
}

describe("a check reports what code generation reports", () => {
  it("has cases of every kind", () => {
    expect(samples.length).toBeGreaterThan(15);
    expect(cases.length).toBeGreaterThan(200);
  });

  it.each(cases.map((c) => [c.name, c.text] as const))("%s", (name, text) => {
    const path = join(ROOT, "samples", `${name.replace(/[^\w.]+/g, "_")}.dnn`);
    const checked = compile(path, text, undefined, "none", undefined, "check");
    const generated = compile(path, text, undefined, "none", undefined, "code");
    expect(described(checked)).toEqual(described(generated));
  });

  it("differentiates nothing in a check, and everything for code", () => {
    const text = readFileSync(join(ROOT, "samples", "mlp_digits.dnn"), "utf8");
    const path = join(ROOT, "samples", "mlp_digits.dnn");
    const [checked] = compile(path, text, undefined, "none", undefined, "check").models;
    const [generated] = compile(path, text, undefined, "none", undefined, "code").models;
    const seeds = (m: typeof checked) => m!.train!.fn.args.filter((a) => a.role === "seed").map((a) => a.name);
    expect(seeds(checked)).toEqual(checked!.params.filter((p) => p.trainable).map((p) => `∂${p.name}`));
    expect(seeds(generated)).toEqual([]);
    expect(generated!.train!.fn.outputs.map((o) => o.name)).toContain(FINITE_OUTPUT);
    expect(checked!.train!.fn.nodes.length).toBeLessThan(generated!.train!.fn.nodes.length * 0.7);
  });
});
