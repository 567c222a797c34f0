// A plain Node ESM JavaScript project, no transpiler: `dnnc compile --emit js` writes
// model/mlp_digits.js beside its .d.ts, and `node main.js` imports it and trains. Both CPU
// targets (the wasm one compiles its embedded WebAssembly on first use).
import { afterAll, describe, it } from "vitest";
import { expectLearning, packageJson, project, trainingProgram } from "./project.ts";

const made: { remove(): void }[] = [];
afterAll(() => made.forEach((p) => p.remove()));

describe("a plain Node ESM JavaScript project importing the --emit js output", () => {
  for (const target of ["ts", "wasm"]) {
    it(`--target ${target}: node main.js trains, the loss finite and falling`, () => {
      const p = project(`node-js-${target}`);
      made.push(p);
      p.write({
        "package.json": packageJson("digits-node"),
        "main.js": trainingProgram("./model/mlp_digits.js", (losses) => `console.log(JSON.stringify(${losses}))`),
      });
      p.compile("mlp_digits.dnn", target, "js", "model");
      const losses = expectLearning(p.node("main.js"));
      console.log(`node ESM, --target ${target} --emit js: loss ${losses[0]!.toFixed(3)} → ${losses.at(-1)!.toFixed(3)}`);
    }, 60_000);
  }
});
