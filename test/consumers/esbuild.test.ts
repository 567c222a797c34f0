// An esbuild bundle: a small TypeScript entry importing the generated `.ts` module (the wasm
// target's, its WebAssembly embedded), bundled by esbuild's JavaScript API into one ES module,
// run with node.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { expectLearning, packageJson, project, trainingProgram } from "./project.ts";

const p = project("esbuild");
afterAll(() => p.remove());

describe("an esbuild bundle of an entry importing the generated module", () => {
  it("bundles the wasm target's .ts module into one file that trains under node", async () => {
    p.write({
      "package.json": packageJson("digits-esbuild"),
      "src/entry.ts": trainingProgram("./mlp_digits.ts", (losses) => `console.log(JSON.stringify(${losses}))`),
    });
    p.compile("mlp_digits.dnn", "wasm", "ts", "src");
    const { build } = await import("esbuild");
    const result = await build({ entryPoints: [join(p.dir, "src/entry.ts")], bundle: true, platform: "node", format: "esm", target: "es2022", outfile: join(p.dir, "dist/bundle.js"), logLevel: "silent" });
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([]);
    expect(readFileSync(join(p.dir, "dist/bundle.js"), "utf8")).not.toMatch(/^import /m); // one self-contained file
    const losses = expectLearning(p.node("dist/bundle.js"));
    console.log(`esbuild bundle, --target wasm: loss ${losses[0]!.toFixed(3)} → ${losses.at(-1)!.toFixed(3)}`);
  }, 60_000);
});
