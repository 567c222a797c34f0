// Generated modules drop into the strictest TypeScript projects (issue 19): every sample's
// module, from every target of the registry, type-checks under the settings a stock Vite
// `vanilla-ts` template and a demanding team turn on — unused locals and parameters, erasable
// syntax only (as Node's type stripping requires), verbatim module syntax, isolated modules,
// exact optional properties, unchecked indexed access, no property access to index signatures.
// The runtime they carry is held to the same settings at the source: tsconfig.strict.json
// (`npm run typecheck`).
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { compile } from "../../src/compiler.ts";
import { TARGET_NAMES } from "../../src/backend/targets.ts";
import { emitModule } from "../helpers/targets.ts";
import { STRICTEST } from "../helpers/strictest.ts";

const ROOT = join(import.meta.dirname, "..", "..");

const dir = mkdtempSync(join(tmpdir(), "dnnc-strict-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("generated modules under the strictest settings", () => {
  it("every sample, every target, passes tsc with all of them on (one tsc run)", () => {
    const files: string[] = [];
    for (const sample of readdirSync(join(ROOT, "samples")).filter((f) => f.endsWith(".dnn"))) {
      const { models, diagnostics } = compile(join(ROOT, "samples", sample));
      expect(diagnostics.filter((d) => d.severity === "error"), sample).toEqual([]);
      for (const target of TARGET_NAMES) {
        const file = join(dir, `${sample.replace(/\.dnn$/, "")}.${target}.ts`);
        writeFileSync(file, emitModule(target, models, sample).module);
        files.push(file);
      }
    }
    expect(files.length).toBeGreaterThanOrEqual(2 * 14);
    const tsc = join(ROOT, "node_modules", ".bin", "tsc");
    const args = [...STRICTEST, "--noEmit", "--target", "es2022", "--module", "esnext", "--moduleResolution", "bundler", "--skipLibCheck", "--typeRoots", join(ROOT, "node_modules", "@webgpu"), "--types", "types", ...files];
    const r = spawnSync(tsc, args, { cwd: dir, encoding: "utf8", timeout: 300_000 });
    if (r.error) throw r.error;
    expect(r.stdout + r.stderr).toBe("");
    expect(r.status).toBe(0);
  }, 300_000);
});
