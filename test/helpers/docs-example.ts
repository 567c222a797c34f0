// The language reference's own examples as generated modules: the ```dnn block of
// docs/language.md that declares a model, written to a temporary file and compiled the way a user
// does (compile-sample.ts), for either target.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT, compileSample, type CompiledSample } from "./compile-sample.ts";
import type { TargetName } from "../../src/backend/targets.ts";

/** Compiles the example declaring `model NAME`; the result's cleanup also removes its source. */
export async function compileDocsExample(name: string, target: TargetName = "ts"): Promise<CompiledSample> {
  const doc = readFileSync(join(ROOT, "docs", "language.md"), "utf8");
  const block = [...doc.matchAll(/^```dnn\n([\s\S]*?)^```$/gm)].map((m) => m[1]!).find((b) => b.includes(`model ${name} {`));
  if (!block) throw new Error(`docs/language.md has no example declaring model ${name}`);
  const dir = mkdtempSync(join(tmpdir(), "dnnc-docs-"));
  const source = join(dir, `${name}.dnn`);
  writeFileSync(source, block);
  const s = await compileSample(source, target);
  const cleanup = () => (s.cleanup(), rmSync(dir, { recursive: true, force: true }));
  if (s.code !== 0) {
    cleanup();
    throw new Error(`dnnc compile of the ${name} example of docs/language.md failed (${s.code}):\n${s.stderr}`);
  }
  return { ...s, cleanup };
}
