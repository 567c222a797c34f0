// `--emit js` (src/backend/javascript.ts) for every sample and every target: the declarations
// are exactly what a type-checking declaration emit of the `.ts` module writes (tsc over all of
// them, one run), they pass the strictest settings with nothing skipped, and the JavaScript
// module exports the same values as the `.ts` module it was stripped from.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compile } from "../../src/compiler.ts";
import { TARGET_NAMES } from "../../src/backend/targets.ts";
import { toJavaScript } from "../../src/backend/javascript.ts";
import { emitModule } from "../helpers/targets.ts";
import { STRICTEST } from "../helpers/strictest.ts";

const ROOT = join(import.meta.dirname, "..", "..");
const TSC = join(ROOT, "node_modules", "typescript", "bin", "tsc");
const dir = mkdtempSync(join(tmpdir(), "dnnc-js-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Emitted {
  base: string;
  header: string;
}
const emitted: Emitted[] = [];

beforeAll(async () => {
  for (const d of ["ts", "js", "decl"]) mkdirSync(join(dir, d));
  for (const sample of readdirSync(join(ROOT, "samples")).filter((f) => f.endsWith(".dnn"))) {
    const { models } = compile(join(ROOT, "samples", sample));
    for (const target of TARGET_NAMES) {
      const base = `${sample.replace(/\.dnn$/, "")}.${target}`;
      const { module } = emitModule(target, models, sample);
      const { js, dts } = await toJavaScript(module, `${base}.ts`);
      writeFileSync(join(dir, "ts", `${base}.ts`), module);
      writeFileSync(join(dir, "js", `${base}.js`), js);
      writeFileSync(join(dir, "js", `${base}.d.ts`), dts);
      emitted.push({ base, header: module.slice(0, module.indexOf("\n\n") + 1) });
    }
  }
}, 120_000);

const tsc = (args: string[]) => {
  const r = spawnSync(process.execPath, [TSC, ...args], { cwd: dir, encoding: "utf8", timeout: 300_000 });
  if (r.error) throw r.error;
  return r;
};
const webgpuTypes = ["--typeRoots", join(ROOT, "node_modules", "@webgpu"), "--types", "types"];

describe("--emit js of every sample and target", () => {
  it("writes declarations equal to tsc's declaration emit of the .ts module (after the same header)", () => {
    expect(emitted.length).toBeGreaterThanOrEqual(2 * 14);
    const files = emitted.map((e) => join(dir, "ts", `${e.base}.ts`));
    const r = tsc(["--strict", "--declaration", "--emitDeclarationOnly", "--outDir", join(dir, "decl"), "--target", "es2022", "--module", "esnext", "--moduleResolution", "bundler", "--skipLibCheck", ...webgpuTypes, ...files]);
    expect(r.stdout + r.stderr).toBe("");
    for (const e of emitted) {
      const checked = readFileSync(join(dir, "decl", `${e.base}.d.ts`), "utf8");
      expect(readFileSync(join(dir, "js", `${e.base}.d.ts`), "utf8"), e.base).toBe(e.header + checked);
    }
  }, 300_000);

  it("writes declarations that pass the strictest settings, library checks on", () => {
    // A consumer's skipLibCheck would hide them: here they are checked as sources are.
    const files = emitted.map((e) => join(dir, "js", `${e.base}.d.ts`));
    const r = tsc([...STRICTEST, "--noEmit", "--target", "es2022", "--module", "esnext", "--moduleResolution", "bundler", ...webgpuTypes, ...files]);
    expect(r.stdout + r.stderr).toBe("");
    expect(r.status).toBe(0);
  }, 300_000);

  it("writes JavaScript that Node imports as it is, exporting the values its declarations declare, under the header", () => {
    for (const e of emitted) {
      const js = readFileSync(join(dir, "js", `${e.base}.js`), "utf8");
      expect(js.startsWith(e.header), e.base).toBe(true);
      expect(js).not.toMatch(/^\s*(?:interface|type) /m); // no TypeScript left
    }
    // One node process imports every module (no loader, no transform) and lists its exports.
    const urls = emitted.map((e) => pathToFileURL(join(dir, "js", `${e.base}.js`)).href);
    const program = `const urls = ${JSON.stringify(urls)}; const keys = []; for (const u of urls) keys.push(Object.keys(await import(u)).sort()); console.log(JSON.stringify(keys));`;
    const r = spawnSync(process.execPath, ["--input-type=module", "-e", program], { encoding: "utf8", timeout: 120_000 });
    expect(r.stderr).toBe("");
    const keys = JSON.parse(r.stdout) as string[][];
    emitted.forEach((e, i) => expect(keys[i], e.base).toEqual(valueExports(readFileSync(join(dir, "js", `${e.base}.d.ts`), "utf8"))));
  }, 120_000);
});

/** The names a declaration file exports as values: those of its `export { … }` lists, less `type` ones. */
function valueExports(dts: string): string[] {
  const names = [...dts.matchAll(/^export \{([^}]*)\};$/gm)].flatMap((m) => m[1]!.split(",").map((s) => s.trim()));
  return names.filter((n) => !n.startsWith("type ")).map((n) => n.split(" as ").at(-1)!).sort();
}
