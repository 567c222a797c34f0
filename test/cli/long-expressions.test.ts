// Long flat expressions through the real `dnnc`: chains as long as a generated file makes them
// (100,000-term sums and products, 10,000 pipeline stages, 10,000 stacked minus signs, 10,000
// exponents) check and compile without exhausting the stack — every pass walks operator chains
// with loops (src/syntax/operators.ts) — and nesting that really is unbounded (brackets, `else
// if`, postfix chains) stops at a located DNN0005, never an internal error (exit 3).
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { spawnSync } from "node:child_process";
import { dnncIn, ROOT } from "../helpers/dnnc-cli.ts";

const dir = mkdtempSync(join(tmpdir(), "dnnc-long-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Each run is a fresh process on a shared machine: generous limits, far above an idle run's.
const TIMEOUT = 240_000;

function model(name: string, value: string, before = ""): string {
  const path = join(dir, `${name}.dnn`);
  writeFileSync(path, `${before}model M {\n  input  x: f32[B, 4]\n  output y: f32[B, 4]\n  y = ${value}\n}\n`);
  return path;
}

const terms = (n: number, op: string, term = "x") => Array.from({ length: n }, () => term).join(` ${op} `);

describe("long operator chains check", () => {
  it.each([
    ["a 100,000-term sum", "sum", terms(100_000, "+")],
    ["a 100,000-term product", "product", terms(100_000, "*")],
    ["10,000 pipeline stages", "pipeline", "x" + " |> relu".repeat(10_000)],
    ["10,000 stacked minus signs", "minus", "-".repeat(10_000) + "x"],
    ["10,000 minus signs with spaces", "minus-spaced", "- ".repeat(10_000) + "x"],
    ["a 10,000-term power (right-associative)", "power", terms(10_000, "^", "x")],
    ["a 10,000-term mixed chain", "mixed", Array.from({ length: 2_500 }, () => "-x ^ 2.0 * x").join(" + ")],
  ])("%s", (_name, file, value) => {
    const r = dncCheck(model(file, value));
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
  }, TIMEOUT);
});

describe("long operator chains compile", () => {
  it.each([
    ["a 100,000-term sum", "sum-compile", terms(100_000, "+")],
    ["10,000 pipeline stages", "pipeline-compile", "x" + " |> relu".repeat(10_000)],
    ["10,000 stacked minus signs", "minus-compile", "-".repeat(10_000) + "x"],
  ])("%s", (_name, file, value) => {
    const r = dnncIn(dir, TIMEOUT, "compile", model(file, value), "--target", "ts", "--out", join(dir, "out"));
    expect(r.stderr).toContain("wrote");
    expect(r.status).toBe(0);
  }, TIMEOUT);
});

describe("long files", () => {
  // Lists built with push(...spread) overflowed the stack past ~100,000 items: here the
  // binder's unused lets, the module's references and the file's diagnostics.
  it("150,000 unused lets: 150,000 warnings, exit 0", () => {
    const lets = Array.from({ length: 150_000 }, (_, i) => `  let a${i} = 1\n`).join("");
    const path = join(dir, "unused.dnn");
    writeFileSync(path, `model M {\n  input  x: f32[B, 4]\n  output y: f32[B, 4]\n${lets}  y = x\n}\n`);
    // 150,000 warnings are more than dnncIn's output buffer holds.
    const r = spawnSync(process.execPath, [join(ROOT, "bin/dnnc.js"), "check", path], { encoding: "utf8", env: { ...process.env, NO_COLOR: "1", DNNC_DEBUG: "" }, timeout: TIMEOUT, maxBuffer: 1 << 30 });
    expect(r.stderr).not.toContain("internal compiler error");
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/warning: 150000 warnings emitted\n$/);
  }, TIMEOUT);
});

describe("unbounded nesting is a located DNN0005", () => {
  it.each([
    ["100,000 nested parentheses", "parens", "(".repeat(100_000) + "x" + ")".repeat(100_000), "", "4:54"], // the model's `{` is the first of 48 levels
    ["a 10,000-link `else if` chain", "else-if", "if true { x } " + "else if false { x } ".repeat(10_000) + "else { x }", "", "4:7"],
    ["1,000 calls in a postfix chain", "postfix", "f(x)" + "(x)".repeat(1_000), "fn f(a: f32[B, 4]) = a\n", "5:7"],
    ["1,000 indexings in a postfix chain", "index", "x" + "[0]".repeat(1_000), "", "4:7"],
  ])("%s", (_name, file, value, before, at) => {
    const r = dncCheck(model(file, value, before));
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^error\[DNN0005\]: expression nested too deeply/m);
    expect(r.stderr).toContain(`${file}.dnn:${at}`);
  }, TIMEOUT);
});

function dncCheck(path: string) {
  return dnncIn(dir, TIMEOUT, "check", path);
}
