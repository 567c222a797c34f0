// The standard library as files: `dnnc check stdlib/*.dnn` is clean, and every definition in the
// non-layer modules carries its documentation (a description and an `// Example:` line).
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "./harness.ts";

const STDLIB = join(ROOT, "stdlib");

describe("stdlib files", () => {
  it("`dnnc check stdlib/*.dnn` exits 0 with no diagnostics", () => {
    const files = readdirSync(STDLIB).filter((f) => f.endsWith(".dnn")).sort().map((f) => `stdlib/${f}`);
    expect(files.length).toBeGreaterThanOrEqual(4);
    const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1" };
    const r = spawnSync(process.execPath, ["bin/dnnc.js", "check", ...files], { cwd: ROOT, encoding: "utf8", env, timeout: 60_000 });
    if (r.error) throw r.error;
    expect(r.stdout + r.stderr).not.toMatch(/error|warning/);
    expect(r.status).toBe(0);
  }, 60_000);

  const OWNED = ["activations", "losses", "optimizers", "initializers"];
  const defs = OWNED.flatMap((module) => {
    const lines = readFileSync(join(STDLIB, `${module}.dnn`), "utf8").split("\n");
    return lines.flatMap((line, i) => {
      const m = /^(fn|init|optimizer|layer)\s+(\w+)/.exec(line);
      if (!m) return [];
      const doc: string[] = [];
      for (let j = i - 1; j >= 0 && lines[j]!.startsWith("//"); j--) doc.unshift(lines[j]!);
      return [[module, m[2]!, doc] as const];
    });
  });

  it.each(defs.map(([module, name, doc]) => [`std.${module}.${name}`, doc] as const))("%s has a description and an example", (_name, doc) => {
    const text = doc.map((l) => l.replace(/^\/\/\s?/, "")).join("\n");
    const at = text.indexOf("Example:");
    expect(at, "an `Example:` in the comment above the definition").toBeGreaterThan(0);
    expect(text.slice(0, at).trim().length, "a description before the example").toBeGreaterThan(3);
    expect(text.slice(at + "Example:".length).trim().length, "the example itself").toBeGreaterThan(3);
  });
});
