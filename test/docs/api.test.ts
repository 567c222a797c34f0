// docs/api.md is the reference of src/api.ts and the plugins: an export or an option added
// without a word there fails here.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import * as api from "../../src/api.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const doc = readFileSync(join(ROOT, "docs", "api.md"), "utf8");
const source = (file: string) => readFileSync(join(ROOT, file), "utf8");

/** The names in `export type { … }` lists of a file (after `as` where it renames). */
const exportedTypes = (text: string) => [...text.matchAll(/^export type \{([^}]*)\}/gm)].flatMap((m) => m[1]!.split(",").map((n) => n.trim().split(/\s+as\s+/).pop()!)).filter(Boolean);
/** The fields of an exported interface of a file. */
const fields = (text: string, name: string) => {
  const body = new RegExp(`export interface ${name}\\b[^{]*\\{([\\s\\S]*?)\\n\\}`).exec(text)?.[1] ?? "";
  return [...body.matchAll(/^ {2}(\w+)\??:/gm)].map((m) => m[1]!);
};

describe("docs/api.md", () => {
  it("names every export of the API, value or type", () => {
    const names = [...Object.keys(api), ...exportedTypes(source("src/api.ts"))];
    expect(names.length).toBeGreaterThan(20);
    expect(names.filter((n) => !doc.includes(n))).toEqual([]);
  });

  it("describes every option and result field", () => {
    const interfaces: [string, string][] = [
      ["src/api/compile.ts", "SourceOptions"],
      ["src/api/compile.ts", "CompileOptions"],
      ["src/api/compile.ts", "CheckResult"],
      ["src/api/compile.ts", "CompileResult"],
      ["src/api/compile.ts", "OutputFile"],
      ["src/api/compile.ts", "ModelInfo"],
      ["src/api/stats.ts", "ModelStats"],
      ["src/api/stats.ts", "FunctionStats"],
      ["src/api/diagnostics.ts", "Diagnostic"],
      ["src/api/diagnostics.ts", "Location"],
      ["src/api/diagnostics.ts", "FormatDiagnosticsOptions"],
      ["src/api/export.ts", "ExportOptions"],
      ["src/api/export.ts", "ExportResult"],
      ["src/api/import.ts", "ImportOptions"],
      ["src/api/import.ts", "ImportResult"],
      ["src/api/graph.ts", "GraphOptions"],
      ["src/api/graph.ts", "GraphResult"],
      ["src/api.ts", "FormatOptions"],
      ["src/api.ts", "FormatResult"],
      ["src/plugins/vite.ts", "DnncViteOptions"],
      ["src/plugins/esbuild.ts", "DnncEsbuildOptions"],
    ];
    const missing = interfaces.flatMap(([file, name]) => {
      const fs = fields(source(file), name);
      expect(fs.length, `${name} in ${file}`).toBeGreaterThan(0);
      return fs.filter((f) => !doc.includes(`\`${f}\``)).map((f) => `${name}.${f}`);
    });
    expect(missing).toEqual([]);
  });
});
