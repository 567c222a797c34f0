// docs/diagnostics.md is the catalogue of diagnostic codes, tested like code. For every code in
// src/diagnostics/codes.ts it must have a section `## DNNxxxx: <title>` with two ```dnn blocks:
// a failing example that yields exactly one diagnostic, with the section's code (one mistake, one
// diagnostic), and after "Fix:" the corrected file, which must compile cleanly. The text report
// of each failing example is pinned in test/golden/catalogue/DNNxxxx.txt (UPDATE_GOLDEN=1
// rewrites them), so the span the caret points at is reviewed once and then held.
//
// A section may say `> Not reported yet: … as DNNyyyy`: the checker reports that code for the
// example today. The test expects exactly that, so the note has to go when the checker changes.
//
// A code for what `dnnc export` is asked (DNN076x) is about the request, not the file alone: its
// section says `> Reported by \`dnnc export\` with options \`{…}\`` (exportModel's options as JSON,
// `weights` as parameter name → shape, a checkpoint of zeros), and both of its examples are
// exported with those options instead of compiled.
//
// A code of `dnnc import` (DNN072x) is about an ONNX file, not .dnn source: its section says
// `> Reported by \`dnnc import\``, shows the report and the fix in prose, and has no ```dnn block;
// test/import/refusals.test.ts produces each of them.
//
// A section saying `> Reported by \`dnnc compile --target NAME\`` is a code of a package target
// (DNN077x): its examples check cleanly, and are then given to that target, which reports it.
//
// A code of what `dnnc graph` is asked (DNN079x) says `> Reported by \`dnnc graph\` with options
// \`{…}\`` (graph()'s options as JSON): both of its examples are drawn with those options.
import { readFileSync } from "node:fs";
import { isAbsolute, join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { compile } from "../../src/compiler.ts";
import { CODES, type Code } from "../../src/diagnostics/codes.ts";
import { renderTextAll } from "../../src/diagnostics/render-text.ts";
import { exportFile } from "../../src/api/export.ts";
import { runFrontEnd } from "../../src/api/compile.ts";
import { chooseModel } from "../../src/api/choose-model.ts";
import { drawKernels } from "../../src/graph/index.ts";
import { generateOrProblems } from "../../src/api/compile.ts";
import { isPackageTargetName, type PackageTargetName } from "../../src/backend/targets.ts";
import { safetensorsWrite } from "../../src/runtime/safetensors.ts";
import { expectGolden } from "../golden/goldens.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const DOC_PATH = join(ROOT, "docs", "diagnostics.md");
const doc = readFileSync(DOC_PATH, "utf8");

interface Section {
  code: string;
  title: string;
  line: number; // 1-based line of the heading
  failing?: string;
  fix?: string;
  blocks: number;
  hasFixLabel: boolean;
  reportedAs?: string; // from a "Not reported yet" note
  importReport?: boolean; // "Reported by `dnnc import`": about an ONNX file, its example a report
  exportOptions?: ExportRequest; // from a "Reported by `dnnc export`" note
  target?: PackageTargetName; // from a "Reported by `dnnc compile --target …`" note
  graphOptions?: { model?: string; kernels: string }; // from a "Reported by `dnnc graph`" note
}

/** exportModel's options as a section writes them: `weights` maps each parameter to a shape (a checkpoint of zeros). */
interface ExportRequest {
  model?: string;
  weights?: Record<string, number[]>;
}

function sections(markdown: string): Section[] {
  const out: Section[] = [];
  const lines = markdown.split(/\r?\n/);
  let current: Section | undefined;
  let fence: string[] | undefined;
  let fenceInfo = "";
  let sawFixLabel = false; // a "Fix:" paragraph since the failing example
  lines.forEach((text, i) => {
    if (fence) {
      if (/^```\s*$/.test(text)) {
        if (current && fenceInfo === "dnn") {
          const code = fence.join("\n") + "\n";
          current.blocks++;
          if (current.blocks === 1) current.failing = code;
          else if (current.blocks === 2) (current.fix = code), (current.hasFixLabel = sawFixLabel);
        }
        fence = undefined;
      } else fence.push(text);
      return;
    }
    const fenceOpen = /^```(.*)$/.exec(text);
    if (fenceOpen) {
      fence = [];
      fenceInfo = fenceOpen[1]!.trim();
      return;
    }
    const heading = /^## (DNN\d{4}): (.*)$/.exec(text);
    if (heading) {
      current = { code: heading[1]!, title: heading[2]!.trim(), line: i + 1, blocks: 0, hasFixLabel: false };
      out.push(current);
      sawFixLabel = false;
      return;
    }
    if (/^## /.test(text)) current = undefined;
    if (!current) return;
    if (/^Fix:/.test(text) && current.blocks === 1) sawFixLabel = true;
    if (/^> Reported by `dnnc import`/.test(text)) current.importReport = true;
    const note = /^> Not reported yet:.*?\b(DNN\d{4})\b/.exec(text);
    if (note) current.reportedAs = note[1]!;
    const exported = /^> Reported by `dnnc export` with options `(\{.*\})`/.exec(text);
    if (exported) current.exportOptions = JSON.parse(exported[1]!) as ExportRequest;
    const drawn = /^> Reported by `dnnc graph` with options `(\{.*\})`/.exec(text);
    if (drawn) current.graphOptions = JSON.parse(drawn[1]!) as Section["graphOptions"];
    const byTarget = /^> Reported by `dnnc compile --target (\w+)`/.exec(text);
    if (byTarget && isPackageTargetName(byTarget[1]!)) current.target = byTarget[1];
  });
  if (fence) throw new Error(`${DOC_PATH}: a code block is never closed`);
  return out;
}

const all = sections(doc);
const documented = new Map(all.map((s) => [s.code, s]));

async function check(code: string, text: string, request?: ExportRequest, target?: PackageTargetName, drawing?: Section["graphOptions"]) {
  const path = join(ROOT, "docs", "diagnostics", `${code}.dnn`);
  const result = request ? exported(path, text, request) : drawing ? drawn(path, text, drawing) : compile(path, text);
  const diagnostics = [...result.diagnostics];
  if (target && diagnostics.length === 0) diagnostics.push(...(await generateOrProblems(target, result.models, path)).problems);
  const lookup = (p: string) => result.program.sources.get(p);
  const rendered = renderTextAll(diagnostics, lookup, { displayPath: (p) => (isAbsolute(p) ? relative(ROOT, p) : p) });
  return { diagnostics, rendered };
}

function exported(path: string, text: string, request: ExportRequest) {
  const weights = request.weights && safetensorsWrite(Object.entries(request.weights).map(([name, shape]) => ({ name, shape, data: new Float32Array(shape.reduce((a, b) => a * b, 1)) })), {});
  const r = exportFile({ path, text, ...(request.model === undefined ? {} : { model: request.model }), ...(weights ? { weights, weightsPath: "checkpoint.safetensors" } : {}) });
  return { program: r.compilation.program, models: r.compilation.models, diagnostics: r.diagnostics };
}

/** The example drawn as `dnnc graph --kernels` draws it: the file's diagnostics, then the request's. */
function drawn(path: string, text: string, request: NonNullable<Section["graphOptions"]>) {
  const { compilation } = runFrontEnd({ path, text }, "none");
  const chosen = chooseModel(compilation, { path, ...(request.model === undefined ? {} : { model: request.model }) }, "draw");
  const refusal = "refusal" in chosen ? chosen.refusal : (() => {
    const r = drawKernels(compilation, chosen.model, "svg", request.kernels);
    return "refusal" in r ? r.refusal : undefined;
  })();
  return { program: compilation.program, models: compilation.models, diagnostics: [...compilation.diagnostics, ...(refusal ? [refusal] : [])] };
}

describe("docs/diagnostics.md", () => {
  it("has one section per code in codes.ts, in catalogue order, titled as there", () => {
    expect(all.map((s) => `${s.code}: ${s.title}`)).toEqual(Object.entries(CODES).map(([code, c]) => `${code}: ${c.title}`));
  });

  it.each(Object.keys(CODES).map((c) => [c]))("documents %s", (code) => {
    expect(documented.has(code), `no section "## ${code}: …" in docs/diagnostics.md`).toBe(true);
  });

  it("shows at least 30 codes produced by their own examples", () => {
    expect(all.filter((s) => !s.reportedAs).length).toBeGreaterThanOrEqual(30);
  });

  it.each(all.filter((s) => s.importReport).map((s) => [s.code, s] as const))("%s (an ONNX file's problem) shows its report and a fix, no .dnn example", (code, s) => {
    expect(code).toMatch(/^DNN072/);
    expect(s.blocks, "no ```dnn block: the problem is in an ONNX file").toBe(0);
    const start = doc.indexOf(`## ${code}:`);
    const next = doc.indexOf("\n## ", start + 1);
    const section = doc.slice(start, next < 0 ? undefined : next);
    expect(section).toContain(`error[${code}]: `);
    expect(section).toMatch(/\nFix: /);
  });

  describe.each(all.filter((s) => !s.importReport).map((s) => [`${s.code}: ${s.title} (line ${s.line})`, s] as const))("%s", (_name, s) => {
    it("has a failing example, then \"Fix:\" and the corrected file", () => {
      expect(s.blocks, "exactly two ```dnn blocks").toBe(2);
      expect(s.hasFixLabel, 'a paragraph starting "Fix:" between the two blocks').toBe(true);
    });

    it("the failing example reports exactly one diagnostic, with this code", async () => {
      const { diagnostics, rendered } = await check(s.code, s.failing ?? "", s.exportOptions, s.target, s.graphOptions);
      const expected = (s.reportedAs ?? s.code) as Code;
      expect(diagnostics.map((d) => `${d.severity}[${d.code}]: ${d.message}`), rendered).toHaveLength(1);
      const d = diagnostics[0]!;
      if (s.reportedAs && d.code === s.code)
        throw new Error(`${s.code} is reported now: remove the "Not reported yet" note from docs/diagnostics.md`);
      expect(d.code, rendered).toBe(expected);
      expect(d.severity).toBe(CODES[expected].severity);
      // The report's span lies in the example itself, not in the stdlib.
      expect(d.span.file).toBe(join(ROOT, "docs", "diagnostics", `${s.code}.dnn`));
    });

    it("the report matches test/golden/catalogue", async () => {
      expectGolden(join(ROOT, "test", "golden", "catalogue", `${s.code}.txt`), (await check(s.code, s.failing ?? "", s.exportOptions, s.target, s.graphOptions)).rendered);
    });

    it("the fix compiles cleanly", async () => {
      const { diagnostics, rendered } = await check(s.code, s.fix ?? "", s.exportOptions, s.target, s.graphOptions);
      expect(diagnostics.map((d) => `${d.severity}[${d.code}]: ${d.message}`), rendered).toEqual([]);
    });
  });
});
