// The dnnc executable as users run it: `node bin/dnnc.js …` in a child process, so argument
// parsing, exit codes, stdout/stderr separation and the tsx loader are all part of what is tested.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { VERSION } from "../../src/cli/main.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const TIMEOUT = 30_000; // one run is ~1 s (tsx compiles the sources on start); a slow CI box gets room

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs bin/dnnc.js from the repository root, so paths in arguments and output are repository-relative. */
function dnnc(...args: string[]): Run {
  return dnncWithInput(undefined, ...args);
}

/** The same, with `input` on standard input. */
function dnncWithInput(input: string | undefined, ...args: string[]): Run {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1" };
  delete env["DNNC_DEBUG"]; // a user's mistake must not print a stack trace even by accident
  delete env["FORCE_COLOR"];
  const r = spawnSync(process.execPath, ["bin/dnnc.js", ...args], { cwd: ROOT, encoding: "utf8", env, timeout: TIMEOUT, input });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const STACK_LINE = /^\s+at /m;
function expectNoStackTrace(r: Run): void {
  expect(r.stderr).not.toMatch(STACK_LINE);
  expect(r.stdout).not.toMatch(STACK_LINE);
  expect(r.stderr).not.toContain("internal compiler error");
}

const sources = (dir: string) =>
  readdirSync(join(ROOT, dir))
    .filter((f) => f.endsWith(".dnn"))
    .sort()
    .map((f) => `${dir}/${f}`);
const SOURCES = [...sources("samples"), ...sources("stdlib")];

// ---------------------------------------------------------------------------------------------

describe("dnnc check on the shipped sources", () => {
  it("finds samples and stdlib files to check", () => {
    expect(SOURCES).toEqual(expect.arrayContaining(["samples/backprop_221.dnn", "samples/mlp_digits.dnn", "stdlib/layers.dnn"]));
  });

  it.each(SOURCES)("check %s exits 0 and prints nothing", (file) => {
    const r = dnnc("check", file);
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe("");
    expect(r.status).toBe(0);
  }, TIMEOUT);

  it("check --json on all of them at once prints an empty array", () => {
    const r = dnnc("check", "--json", ...SOURCES);
    expect(r.stderr).toBe("");
    expect(JSON.parse(r.stdout)).toEqual([]);
    expect(r.status).toBe(0);
  }, TIMEOUT);
});

// ---------------------------------------------------------------------------------------------
// test/fixtures/three_errors.dnn: three independent syntax errors, otherwise a valid file.

const THREE = "test/fixtures/three_errors.dnn";
const THREE_LINES = readFileSync(join(ROOT, THREE), "utf8").split("\n");
// 1-based positions, as the text rendering shows them, and the token each one must point at.
const EXPECTED = [
  { line: 8, col: 11, token: "f32", message: "expected ':', found 'f32'" }, //    input x f32[B, 4]
  { line: 10, col: 7, token: "=", message: "expected a name, found '='" }, //     let = 3
  { line: 13, col: 1, token: "}", message: "expected ')', found '}'" }, //        y = (h |> Dense(2)  ⏎  }
];

interface Rendered {
  header: string;
  path: string;
  line: number;
  col: number;
  sourceLine: string;
  caretCol: number; // 1-based column of the first caret
  carets: number;
}

/** Picks apart one rustc-style block: header, `--> path:line:col`, ` |`, `N | source`, ` | ^^^`. */
function parseBlock(block: string): Rendered {
  const lines = block.split("\n");
  const loc = /^ *--> (.+):(\d+):(\d+)$/.exec(lines[1] ?? "");
  if (!loc) throw new Error(`no --> line in:\n${block}`);
  const src = /^ *(\d+) \| (.*)$/.exec(lines[3] ?? "");
  if (!src) throw new Error(`no source line in:\n${block}`);
  const gutter = lines[3]!.indexOf("|") + 2; // the source text and the underline both start here
  const under = lines[4] ?? "";
  const caretAt = under.indexOf("^");
  return {
    header: lines[0]!,
    path: loc[1]!,
    line: Number(loc[2]),
    col: Number(loc[3]),
    sourceLine: src[2]!,
    caretCol: caretAt - gutter + 1,
    carets: /\^+/.exec(under)?.[0].length ?? 0,
  };
}

describe("dnnc check on a file with three syntax errors", () => {
  it("test/fixtures/three_errors.dnn has the mistakes where this test expects them", () => {
    for (const e of EXPECTED) expect(THREE_LINES[e.line - 1]!.slice(e.col - 1, e.col - 1 + e.token.length)).toBe(e.token);
  });

  it("exits 1 and renders all three on stderr, with --> lines and carets under the offending tokens", () => {
    const r = dnnc("check", THREE);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("");
    expectNoStackTrace(r);
    expect(r.stderr).not.toContain("\x1b["); // not a terminal: no colour

    const blocks = r.stderr.trimEnd().split("\n\n");
    expect(blocks).toHaveLength(4);
    expect(blocks[3]).toBe("error: 3 errors emitted");
    const rendered = blocks.slice(0, 3).map(parseBlock);
    rendered.forEach((d, i) => {
      const e = EXPECTED[i]!;
      expect(d.header).toBe(`error[DNN0002]: ${e.message}`);
      expect(d.path).toBe(THREE);
      expect({ line: d.line, col: d.col }).toEqual({ line: e.line, col: e.col });
      expect(d.sourceLine).toBe(THREE_LINES[e.line - 1]);
      expect(d.caretCol).toBe(e.col);
      expect(d.carets).toBe(e.token.length);
      expect(d.sourceLine.slice(d.caretCol - 1, d.caretCol - 1 + d.carets)).toBe(e.token);
    });
  }, TIMEOUT);

  it("--json prints exactly three DNN0002 errors on stdout whose 0-based ranges match the text rendering", () => {
    const json = dnnc("check", "--json", THREE);
    expect(json.status).toBe(1);
    expect(json.stderr).toBe("");
    const ds = JSON.parse(json.stdout) as { file: string; code: string; severity: string; message: string; range: { start: { line: number; character: number }; end: { line: number; character: number } } }[];
    expect(Array.isArray(ds)).toBe(true);
    expect(ds).toHaveLength(3);

    const text = dnnc("check", THREE);
    const rendered = text.stderr.trimEnd().split("\n\n").slice(0, 3).map(parseBlock);
    ds.forEach((d, i) => {
      const e = EXPECTED[i]!;
      expect(d).toMatchObject({ file: THREE, code: "DNN0002", severity: "error", message: e.message });
      expect(d.range.start).toEqual({ line: e.line - 1, character: e.col - 1 });
      expect(d.range.end).toEqual({ line: e.line - 1, character: e.col - 1 + e.token.length });
      // …and the same place the text rendering points at, converted from 1-based.
      expect(d.range.start).toEqual({ line: rendered[i]!.line - 1, character: rendered[i]!.col - 1 });
      expect(d.range.end.character - d.range.start.character).toBe(rendered[i]!.carets);
    });
  }, TIMEOUT);

  it("reports the path exactly as given on the command line (./ prefix kept)", () => {
    const r = dnnc("check", "--json", `./${THREE}`);
    expect(r.status).toBe(1);
    expect((JSON.parse(r.stdout) as { file: string }[]).map((d) => d.file)).toEqual([`./${THREE}`, `./${THREE}`, `./${THREE}`]);
  }, TIMEOUT);
});

// ---------------------------------------------------------------------------------------------

describe("usage errors exit 2 with one line on stderr and no stack trace", () => {
  const out = mkdtempSync(join(tmpdir(), "dnnc-cli-usage-"));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  const cases: { name: string; args: string[]; says: RegExp }[] = [
    { name: "an unknown flag", args: ["check", "--frobnicate", "samples/mlp_digits.dnn"], says: /unknown option '--frobnicate'/ },
    { name: "an unknown top-level flag", args: ["--frobnicate"], says: /unknown option '--frobnicate'/ },
    { name: "an unknown command", args: ["frobnicate", "samples/mlp_digits.dnn"], says: /unknown command 'frobnicate'/ },
    { name: "a missing file", args: ["check", "test/fixtures/no_such_file.dnn"], says: /test\/fixtures\/no_such_file\.dnn.*no such file/ },
    { name: "a missing file to compile", args: ["compile", "test/fixtures/no_such_file.dnn", "--out", out], says: /no such file/ },
    { name: "a directory instead of a file", args: ["check", "samples"], says: /samples.*directory/ },
    { name: "compile without --out", args: ["compile", "samples/backprop_221.dnn"], says: /--out/ },
    { name: "compile --target cuda (unknown target)", args: ["compile", "samples/backprop_221.dnn", "--target", "cuda", "--out", out], says: /unknown target 'cuda' \(expected one of: ts, wasm, wgsl, pytorch\)/ },
    { name: "compile --emit with an unknown form", args: ["compile", "samples/backprop_221.dnn", "--emit", "asm"], says: /asm/ },
    { name: "check with no files", args: ["check"], says: /missing required argument/ },
    { name: "a missing file to format", args: ["fmt", "test/fixtures/no_such_file.dnn"], says: /no such file/ },
    { name: "fmt --check with --stdout", args: ["fmt", "--check", "--stdout", "samples/mlp_digits.dnn"], says: /--check and --stdout/ },
  ];

  it.each(cases)("$name: dnnc $args", ({ args, says }) => {
    const r = dnnc(...args);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe("");
    expectNoStackTrace(r);
    expect(r.stderr.endsWith("\n")).toBe(true);
    const lines = r.stderr.trimEnd().split("\n");
    expect(lines, r.stderr).toHaveLength(1);
    expect(lines[0]).toMatch(/^dnnc: /);
    expect(lines[0]).toMatch(says);
  }, TIMEOUT);

  it("wrote nothing into --out when the command was refused", () => {
    expect(readdirSync(out)).toEqual([]);
  });
});

describe("--help and --version", () => {
  it("--help exits 0 and lists the commands on stdout", () => {
    const r = dnnc("--help");
    expect(r.status).toBe(0);
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(/^Usage: dnnc/);
    expect(r.stdout).toContain("check");
    expect(r.stdout).toContain("compile");
  }, TIMEOUT);

  it("compile --help exits 0 and documents --out and --target", () => {
    const r = dnnc("compile", "--help");
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("--out");
    expect(r.stdout).toContain("--target");
  }, TIMEOUT);

  it("--version exits 0 and prints the version", () => {
    const r = dnnc("--version");
    expect(r.status).toBe(0);
    expect(r.stderr).toBe("");
    expect(r.stdout.trim()).toBe(VERSION);
    expect(VERSION).toBe(JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).version);
  }, TIMEOUT);
});

// ---------------------------------------------------------------------------------------------

describe("dnnc compile", () => {
  const out = mkdtempSync(join(tmpdir(), "dnnc-cli-out-"));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it("--target ts --out <dir> exits 0 and writes backprop_221.ts", () => {
    const dir = join(out, "nested", "dir"); // created on demand
    const r = dnnc("compile", "samples/backprop_221.dnn", "--target", "ts", "--out", dir);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe("");
    const target = join(dir, "backprop_221.ts");
    // What was written, then what the fused functions cost (every symbolic size at --batch, 64).
    const lines = r.stderr.split("\n");
    expect(lines[0]).toBe(`wrote ${target} (Net221)`);
    expect(lines[1]).toBe("Net221: 9 parameters");
    expect(lines[2]).toMatch(/^  forward at B = 64: \d+ primitives in 2 kernels, [\d.]+ kFLOP, [\d.]+ kB moved, peak [\d.]+ kB \([\d.]+ kB workspace \+ [\d.]+ k?B arguments\)$/);
    expect(lines[3]).toMatch(/^  training step at B = 64: \d+ primitives in \d+ kernels, /);
    expect(readdirSync(dir)).toEqual(["backprop_221.ts"]);
    const ts = readFileSync(target, "utf8");
    expect(ts).toContain("export { u_Net221 as Net221 };"); // the class under its names.ts identifier
    expect(ts).not.toMatch(/^\s*$/);
  }, TIMEOUT);

  it("--target wgsl --out <dir> writes the WebGPU module and every shader as a .wgsl file", () => {
    const dir = join(out, "wgsl");
    const r = dnnc("compile", "samples/backprop_221.dnn", "--target", "wgsl", "--out", dir);
    expect(r.status).toBe(0);
    const shaders = readdirSync(join(dir, "backprop_221.wgsl"));
    expect(r.stderr.split("\n")[0]).toBe(`wrote ${join(dir, "backprop_221.ts")} (Net221) and ${shaders.length} shaders in ${join(dir, "backprop_221.wgsl")}/`);
    expect(readdirSync(dir).sort()).toEqual(["backprop_221.ts", "backprop_221.wgsl"]);
    expect(shaders.length).toBeGreaterThan(5);
    expect(shaders.every((f) => /^Net221_\d+\.wgsl$/.test(f))).toBe(true);
    const module = readFileSync(join(dir, "backprop_221.ts"), "utf8");
    expect(module).toContain("export { u_Net221 as Net221 };");
    expect(module).toContain("static async create(");
    // Each file is dnnc's header line, then the very text the module holds.
    const [header, ...shader] = readFileSync(join(dir, "backprop_221.wgsl", "Net221_0.wgsl"), "utf8").split("\n");
    expect(header).toBe("// Generated by dnnc. Do not edit: change the .dnn file and recompile.");
    expect(module).toContain(JSON.stringify(shader.join("\n")));
  }, TIMEOUT);

  it("--emit ir prints the IR of init, forward and train_step on stdout", () => {
    const r = dnnc("compile", "samples/backprop_221.dnn", "--emit", "ir");
    expect(r.status).toBe(0);
    expect(r.stderr).toBe("");
    expect(r.stdout).toContain("// model Net221");
    expect(r.stdout).toContain("fn init(");
    expect(r.stdout).toContain("fn forward(");
    expect(r.stdout).toContain("fn train_step(");
    expect(r.stdout).toMatch(/= matmul /);
  }, TIMEOUT);

  it("--batch sets the size the costs are stated at, and must be a positive integer", () => {
    const r = dnnc("compile", "samples/backprop_221.dnn", "--out", join(out, "b8"), "--batch", "8");
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/forward at B = 8: /);
    const bad = dnnc("compile", "samples/backprop_221.dnn", "--out", join(out, "b0"), "--batch", "0");
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/--batch must be a positive integer, received '0'/);
  }, TIMEOUT);

  it("--emit wat with --target wasm prints the WebAssembly kernels: the product, then the module's epilogues", () => {
    const r = dnnc("compile", "samples/mnist_cnn.dnn", "--target", "wasm", "--emit", "wat");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^\(module\n  \(import "env" "memory" \(memory 1 65536\)\)/);
    expect(r.stdout).toContain('(func $product (export "product")');
    expect(r.stdout).toContain('(func $e0 (export "e0")');
    const other = dnnc("compile", "samples/mnist_cnn.dnn", "--emit", "wat");
    expect(other.status).toBe(2);
    expect(other.stderr).toBe("dnnc: --emit wat prints the wasm target's WebAssembly kernels: give --target wasm\n");
  }, TIMEOUT);

  it("--emit kernels prints each function's kernels and buffers", () => {
    const r = dnnc("compile", "samples/backprop_221.dnn", "--emit", "kernels");
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/schedule forward: 10 primitives in 2 kernels\n  k0 matmul\n    %5: f32\[B, 2\] = matmul x, W_h  ; stored/);
    expect(r.stdout).toMatch(/buffers \(\d+\), live from the kernel writing them/);
  }, TIMEOUT);

  it("refuses a file with errors: exit 1, the diagnostics, and no output written", () => {
    const dir = join(out, "refused");
    const r = dnnc("compile", THREE, "--out", dir);
    expect(r.status).toBe(1);
    expectNoStackTrace(r);
    expect(r.stderr).toContain("error: 3 errors emitted");
    expect(existsSync(join(dir, "three_errors.ts"))).toBe(false);
  }, TIMEOUT);
});

// ---------------------------------------------------------------------------------------------
// test/fixtures/shape_error.dnn: `x: f32[B, 3] @ W: f32[4, 2]`, the only mistake in the file.

describe("a shape error", () => {
  const SHAPE = "test/fixtures/shape_error.dnn";
  const lines = readFileSync(join(ROOT, SHAPE), "utf8").split("\n");
  const atLine = lines.indexOf("  y = x @ W") + 1; // 1-based; the comment above it mentions `x @ W` too
  const atCol = lines[atLine - 1]!.indexOf("@") + 1;

  it("check: exit 1, DNN0304 at the `@` in the text rendering, no stack trace", () => {
    const r = dnnc("check", SHAPE);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("");
    expectNoStackTrace(r);
    const blocks = r.stderr.trimEnd().split("\n\n");
    expect(blocks).toHaveLength(2);
    expect(blocks[1]).toBe("error: 1 error emitted");
    const d = parseBlock(blocks[0]!);
    expect(d.header).toMatch(/^error\[DNN0304\]: /);
    expect(d.header).toContain("(3)");
    expect(d.header).toContain("(4)");
    expect({ path: d.path, line: d.line, col: d.col, caretCol: d.caretCol, carets: d.carets }).toEqual({ path: SHAPE, line: atLine, col: atCol, caretCol: atCol, carets: 1 });
    // The two operands are shown as related spans with their shapes.
    expect(blocks[0]).toContain(`::: ${SHAPE}:`);
    expect(blocks[0]).toContain("this is f32[B, 3]");
    expect(blocks[0]).toContain("this is f32[4, 2]");
  }, TIMEOUT);

  it("check --json: exit 1, one DNN0304 error at the `@`", () => {
    const r = dnnc("check", "--json", SHAPE);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe("");
    expectNoStackTrace(r);
    const ds = JSON.parse(r.stdout) as { file: string; code: string; severity: string; range: unknown; related?: { message: string }[] }[];
    expect(ds).toHaveLength(1);
    expect(ds[0]).toMatchObject({
      file: SHAPE,
      code: "DNN0304",
      severity: "error",
      range: { start: { line: atLine - 1, character: atCol - 1 }, end: { line: atLine - 1, character: atCol } },
    });
    expect(ds[0]!.related?.map((r) => r.message)).toEqual(["this is f32[B, 3]", "this is f32[4, 2]"]);
  }, TIMEOUT);

  it("compile: exit 1 with the same code, no stack trace", () => {
    const r = dnnc("compile", SHAPE, "--emit", "ir", "--json");
    expect(r.status).toBe(1);
    expectNoStackTrace(r);
    expect((JSON.parse(r.stdout) as { code: string }[]).map((d) => d.code)).toEqual(["DNN0304"]);
    expect(r.stdout).not.toContain("fn forward(");
  }, TIMEOUT);
});

describe("dnnc check --shapes", () => {
  it("prints the Keras-style summary of the MNIST CNN on stdout, 93,322 parameters", () => {
    const r = dnnc("check", "--shapes", "samples/mnist_cnn.dnn");
    expectNoStackTrace(r);
    expect(r.status).toBe(0);
    expect(r.stderr).toBe("");
    expect(r.stdout).toContain("Model: MnistCNN");
    expect(r.stdout).toMatch(/conv2d \(Conv2D\)\s+f32\[B, 26, 26, 32\]\s+320/);
    expect(r.stdout).toMatch(/flatten \(Flatten\)\s+f32\[B, 576\]\s+0/);
    expect(r.stdout).toContain("Total params: 93,322");
  }, TIMEOUT);

  it("prints diagnostics and no summary for a file with errors", () => {
    const r = dnnc("check", "--shapes", THREE);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe("");
  }, TIMEOUT);
});

describe("dnnc compile --emit ir --after", () => {
  it("stops after the named pass: `none` shows the IR as elaborated, `dce` fully simplified", () => {
    const raw = dnnc("compile", "samples/mlp_digits.dnn", "--emit", "ir", "--after", "none");
    const simplified = dnnc("compile", "samples/mlp_digits.dnn", "--emit", "ir", "--after", "dce");
    expect(raw.status).toBe(0);
    expect(simplified.status).toBe(0);
    const count = (s: string) => s.split("\n").filter((l) => /^\s+%\d+:/.test(l)).length;
    expect(count(raw.stdout)).toBeGreaterThan(count(simplified.stdout));
    expect(simplified.stdout).toContain("// model DigitsMLP, train_step, after dce: ");
    expect(simplified.stdout).not.toContain("as elaborated");
  }, TIMEOUT);

  it("without --after prints every function as elaborated and after each pass, the training step in forward, backward and update sections", () => {
    const r = dnnc("compile", "samples/backprop_221.dnn", "--emit", "ir");
    expect(r.status).toBe(0);
    const headings = r.stdout.split("\n").filter((l) => l.startsWith("// model"));
    expect(headings.map((h) => h.replace(/: \d+ nodes?$/, ""))).toEqual(
      ["init", "forward", "evaluate", "train_step"].flatMap((fn) => ["as elaborated", "after fold", "after cse", "after dce"].map((s) => `// model Net221, ${fn}, ${s}`)),
    );
    const step = r.stdout.slice(r.stdout.lastIndexOf("train_step, after dce"));
    const at = (s: string) => step.indexOf(s);
    expect(at("  // forward and loss")).toBeGreaterThan(0);
    expect(at("  // backward: gradients of 4 trainable parameters")).toBeGreaterThan(at("  // forward and loss"));
    expect(at("  // update: sgd")).toBeGreaterThan(at("  // backward"));
    // The backward section holds the transposed matmuls of the gradients; the update adds the velocity.
    expect(step.slice(at("  // backward"), at("  // update"))).toMatch(/= permute .*\n.*= matmul /);
    expect(step.slice(at("  // update"))).toMatch(/= add W_h, /);
  }, TIMEOUT);

  it("--after without --emit is a usage error", () => {
    const r = dnnc("compile", "samples/mlp_digits.dnn", "--after", "dce", "--out", "never-written");
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--after goes with --emit ir/);
  }, TIMEOUT);

  it("rejects an unknown pass with the list of passes", () => {
    const r = dnnc("compile", "samples/mlp_digits.dnn", "--emit", "ir", "--after", "inline");
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/fold, cse, dce/);
  }, TIMEOUT);
});

// ---------------------------------------------------------------------------------------------

describe("dnnc fmt", () => {
  const dir = mkdtempSync(join(tmpdir(), "dnnc-cli-fmt-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const MESSY = "model  M{\ninput x : f32[B,3]\n      output y:f32[B,3]\n y=x*2.0\n}\n";
  const TIDY = "model M {\n  input x: f32[B, 3]\n  output y: f32[B, 3]\n  y = x * 2.0\n}\n";
  const BROKEN = "model  M{\n  input x f32[B, 3]\n}\n";
  const file = (name: string, text: string): string => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  it("--check on samples/ and stdlib/: already formatted, exit 0, no output", () => {
    const r = dnnc("fmt", "--check", ...SOURCES);
    expect({ status: r.status, stdout: r.stdout, stderr: r.stderr }).toEqual({ status: 0, stdout: "", stderr: "" });
  }, TIMEOUT);

  it("--check lists the files that would change and exits 1, writing nothing", () => {
    const messy = file("check-messy.dnn", MESSY);
    const tidy = file("check-tidy.dnn", TIDY);
    const r = dnnc("fmt", "--check", messy, tidy);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe(`${messy}\n`);
    expect(r.stderr).toBe("1 file is not formatted (dnnc fmt rewrites them)\n");
    expect(readFileSync(messy, "utf8")).toBe(MESSY);
  }, TIMEOUT);

  it("rewrites files in place, silently, exit 0", () => {
    const messy = file("inplace.dnn", MESSY);
    const r = dnnc("fmt", messy);
    expect({ status: r.status, stdout: r.stdout, stderr: r.stderr }).toEqual({ status: 0, stdout: "", stderr: "" });
    expect(readFileSync(messy, "utf8")).toBe(TIDY);
  }, TIMEOUT);

  it("a file with syntax errors: the diagnostics, exit 1, that file untouched (the others still formatted)", () => {
    const broken = file("broken.dnn", BROKEN);
    const messy = file("beside-broken.dnn", MESSY);
    const r = dnnc("fmt", broken, messy);
    expect(r.status).toBe(1);
    expectNoStackTrace(r);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("error[DNN0002]: expected ':', found 'f32'");
    expect(r.stderr).toContain(`--> ${broken}:2:11`);
    expect(readFileSync(broken, "utf8")).toBe(BROKEN);
    expect(readFileSync(messy, "utf8")).toBe(TIDY);
  }, TIMEOUT);

  it("a missing file among others: exit 2 before anything is written", () => {
    const messy = file("beside-missing.dnn", MESSY);
    const r = dnnc("fmt", messy, join(dir, "missing.dnn"));
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/missing\.dnn: no such file/);
    expect(readFileSync(messy, "utf8")).toBe(MESSY);
  }, TIMEOUT);

  it("--stdout prints the result and leaves the file as it was; - formats standard input", () => {
    const messy = file("stdout.dnn", MESSY);
    const r = dnnc("fmt", "--stdout", messy);
    expect({ status: r.status, stdout: r.stdout, stderr: r.stderr }).toEqual({ status: 0, stdout: TIDY, stderr: "" });
    expect(readFileSync(messy, "utf8")).toBe(MESSY);
    const piped = dnncWithInput(MESSY, "fmt", "-");
    expect({ status: piped.status, stdout: piped.stdout, stderr: piped.stderr }).toEqual({ status: 0, stdout: TIDY, stderr: "" });
  }, TIMEOUT);
});
