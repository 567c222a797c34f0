// Node's own type stripping (Node ≥ 22 runs `.ts` files by erasing their types: amaro, the
// stripper Node bundles, in its default strip-only mode) accepts every generated module of every
// sample and target — no parameter property, enum or namespace — and the stripped digits MLP
// trains under plain `node` on both CPU targets. Node 20, which this project supports, has no
// stripping of its own: the test strips with the same library and runs the result.
import { readdirSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { compile } from "../../src/compiler.ts";
import { TARGET_NAMES } from "../../src/backend/targets.ts";
import { emitModule } from "../helpers/targets.ts";
import { expectLearning, packageJson, project, requireFromRoot, ROOT, trainingProgram } from "./project.ts";

const { transformSync } = requireFromRoot("amaro") as { transformSync(code: string, options: { mode: "strip-only" }): { code: string } };
const strip = (module: string) => transformSync(module, { mode: "strip-only" }).code;

const made: { remove(): void }[] = [];
afterAll(() => made.forEach((p) => p.remove()));

describe("Node's type stripping (amaro, strip-only)", () => {
  it("accepts every sample's module on every target", () => {
    for (const sample of readdirSync(`${ROOT}/samples`).filter((f) => f.endsWith(".dnn"))) {
      const { models } = compile(`${ROOT}/samples/${sample}`);
      for (const target of TARGET_NAMES) expect(() => strip(emitModule(target, models, sample).module), `${sample} --target ${target}`).not.toThrow();
    }
  }, 120_000);

  for (const target of ["ts", "wasm"] as const) {
    it(`--target ${target}: the stripped module trains under plain node, the loss finite and falling`, () => {
      const p = project(`node-strip-${target}`);
      made.push(p);
      const { models } = compile(`${ROOT}/samples/mlp_digits.dnn`);
      p.write({
        "package.json": packageJson("digits-strip"),
        "model/mlp_digits.js": strip(emitModule(target, models, "mlp_digits.dnn").module),
        "main.js": trainingProgram("./model/mlp_digits.js", (losses) => `console.log(JSON.stringify(${losses}))`),
      });
      expectLearning(p.node("main.js"));
    }, 60_000);
  }
});
