import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { diagnostic, type Diagnostic } from "../../src/diagnostics/diagnostic.ts";
import { renderText, renderTextAll } from "../../src/diagnostics/render-text.ts";
import { renderJson, toJson } from "../../src/diagnostics/render-json.ts";
import { SourceFile, type Span } from "../../src/syntax/source.ts";
import { parse } from "../../src/syntax/parse.ts";

// Golden files are compared byte for byte; read them relative to this test, not the cwd.
const golden = (name: string) => readFileSync(new URL(`../golden/diagnostics/${name}`, import.meta.url), "utf8");

const CNN = `model Cnn {
  input x: f32[B, 1, 28, 28]
  output y: f32[B, 10]
  let h = x
    |> Conv2D(32, kernel: 3)
    |> relu
    |> MaxPool(2)
    |> relu
    |> Conv2D(64, kernel: 3)
    |> MaxPool(2)
    |> relu
    |> Dense(64)
  y = h |> Dense(10)
}
`;
const LAYERS = "// standard layers\nlayer Dense(units: int) {\n  forward(x: f32[B, n]) = x\n}\n";

const files = new Map<string, SourceFile>();
const add = (path: string, text: string) => files.set(path, new SourceFile(path, text)).get(path)!;
const lookup = (path: string) => files.get(path);
add("cnn.dnn", CNN);
add("layers.dnn", LAYERS);
const eofAfterNewline = add("eof1.dnn", "model M {\n  let a = 1\n");
const eofOnLastLine = add("eof2.dnn", "model M {");
add("tabs.dnn", "model M {\n\tlet z =\tq\n}\n");

// The span of the nth occurrence of `needle`, so tests name what they point at, not offsets.
function at(path: string, needle: string, nth = 1): Span {
  const text = files.get(path)!.text;
  let i = -1;
  for (let k = 0; k < nth; k++) i = text.indexOf(needle, i + 1);
  if (i < 0) throw new Error(`${needle} not in ${path}`);
  return { file: path, start: i, end: i + needle.length };
}

const lines = (...ls: string[]) => ls.join("\n");

describe("renderText", () => {
  it("underlines a one-line primary span with carets", () => {
    const d = diagnostic("DNN0101", at("cnn.dnn", "relu", 2), "unknown name `relu`");
    expect(renderText(d, lookup)).toBe(
      lines("error[DNN0101]: unknown name `relu`", " --> cnn.dnn:8:8", "  |", "8 |     |> relu", "  |        ^^^^"),
    );
  });

  it("shows a related span in the same file, a hint, and pads line 9 to the width of line 12", () => {
    const d = diagnostic("DNN0301", at("cnn.dnn", "Dense(64)"), "Dense expects a last dimension of 576 here, found 1600", {
      related: [{ span: at("cnn.dnn", "Conv2D(64, kernel: 3)"), message: "this produces f32[B, 1600]" }],
      hint: "did you mean `Flatten()` before `Dense`?",
    });
    expect(renderText(d, lookup) + "\n").toBe(golden("related-same-file.txt"));
  });

  it("gives line numbers 9 and 10 one gutter width", () => {
    const d = diagnostic("DNN0302", at("cnn.dnn", "MaxPool(2)", 2), "MaxPool expects rank 4", {
      related: [{ span: at("cnn.dnn", "Conv2D", 2), message: "input comes from here" }],
    });
    expect(renderText(d, lookup)).toBe(
      lines(
        "error[DNN0302]: MaxPool expects rank 4",
        "  --> cnn.dnn:10:8",
        "   |",
        "10 |     |> MaxPool(2)",
        "   |        ^^^^^^^^^^",
        "   |",
        "  ::: cnn.dnn:9:8",
        "   |",
        " 9 |     |> Conv2D(64, kernel: 3)",
        "   |        ------ input comes from here",
      ),
    );
  });

  it("gives a related span in another file its own ::: section", () => {
    const d = diagnostic("DNN0205", at("cnn.dnn", "Dense(10)"), "too many arguments", {
      related: [{ span: at("layers.dnn", "Dense(units: int)"), message: "Dense is defined here" }],
    });
    expect(renderText(d, lookup) + "\n").toBe(golden("related-other-file.txt"));
  });

  it("marks a zero-width span at end of file with a single caret", () => {
    const eof = (f: SourceFile) => diagnostic("DNN0002", f.span(f.text.length, f.text.length), "expected '}', found end of file");
    expect(renderText(eof(eofAfterNewline), lookup)).toBe(lines("error[DNN0002]: expected '}', found end of file", " --> eof1.dnn:3:1", "  |", "3 |", "  | ^"));
    expect(renderText(eof(eofOnLastLine), lookup)).toBe(
      lines("error[DNN0002]: expected '}', found end of file", " --> eof2.dnn:1:10", "  |", "1 | model M {", "  |          ^"),
    );
  });

  it("expands tabs to four spaces in both the line and the underline", () => {
    const name = diagnostic("DNN0101", at("tabs.dnn", "q"), "unknown name `q`");
    expect(renderText(name, lookup)).toBe(lines("error[DNN0101]: unknown name `q`", " --> tabs.dnn:2:10", "  |", "2 |     let z =    q", "  |                ^"));
    const unused = diagnostic("DNN0406", at("tabs.dnn", "z =\tq"), "`z` is never used");
    expect(renderText(unused, lookup)).toBe(lines("warning[DNN0406]: `z` is never used", " --> tabs.dnn:2:6", "  |", "2 |     let z =    q", "  |         ^^^^^^^^"));
  });

  it("underlines a multi-line span to the end of its first line", () => {
    const d = diagnostic("DNN0201", { file: "cnn.dnn", start: at("cnn.dnn", "x\n").start, end: at("cnn.dnn", "relu").end }, "type mismatch");
    expect(renderText(d, lookup)).toBe(lines("error[DNN0201]: type mismatch", " --> cnn.dnn:4:11", "  |", "4 |   let h = x", "  |           ^"));
  });

  it("prints only the header and locations when a source is unknown", () => {
    const d = diagnostic("DNN0102", { file: "gone.dnn", start: 5, end: 9 }, "unknown module `std.foo`", {
      related: [{ span: { file: "other.dnn", start: 0, end: 3 }, message: "imported here" }],
    });
    expect(renderText(d, lookup)).toBe(lines("error[DNN0102]: unknown module `std.foo`", " --> gone.dnn", " ::: other.dnn", "  = note: imported here"));
  });

  it("colours only when asked", () => {
    const d = diagnostic("DNN0101", at("cnn.dnn", "relu"), "unknown name `relu`", { hint: "import it" });
    expect(renderText(d, lookup)).not.toContain("\x1b");
    expect(renderText(d, lookup, { color: false })).not.toContain("\x1b");
    expect(renderTextAll([d], lookup)).not.toContain("\x1b");
    const [red, blue, cyan, bold, off] = ["\x1b[1;31m", "\x1b[1;34m", "\x1b[1;36m", "\x1b[1m", "\x1b[0m"];
    expect(renderText(d, lookup, { color: true })).toBe(
      lines(
        `${red}error[DNN0101]${off}${bold}: unknown name \`relu\`${off}`,
        `${blue} -->${off} cnn.dnn:6:8`,
        `${blue}  |${off}`,
        `${blue}6 |${off}     |> relu`,
        `${blue}  |${off}        ${red}^^^^${off}`,
        `  ${blue}=${off} ${cyan}hint${off}: import it`,
      ),
    );
    const warning = diagnostic("DNN0406", at("cnn.dnn", "h"), "unused");
    expect(renderText(warning, lookup, { color: true })).toContain("\x1b[1;33mwarning[DNN0406]");
  });
});

describe("renderTextAll", () => {
  const none = () => undefined;
  const err = diagnostic("DNN0101", { file: "x.dnn", start: 0, end: 1 }, "e");
  const warn = diagnostic("DNN0406", { file: "x.dnn", start: 0, end: 1 }, "w");
  const info: Diagnostic = { ...warn, severity: "info" };
  const last = (ds: Diagnostic[]) => renderTextAll(ds, none).trimEnd().split("\n").pop();

  it("ends with a summary whose grammar follows the counts", () => {
    expect(last([err])).toBe("error: 1 error emitted");
    expect(last([err, err, warn])).toBe("error: 2 errors, 1 warning emitted");
    expect(last([err, warn, warn, warn])).toBe("error: 1 error, 3 warnings emitted");
    expect(last([warn])).toBe("warning: 1 warning emitted");
    expect(last([warn, warn])).toBe("warning: 2 warnings emitted");
  });

  it("separates diagnostics with blank lines and prints nothing for none", () => {
    expect(renderTextAll([], none)).toBe("");
    expect(renderTextAll([err, warn], none)).toBe(
      lines("error[DNN0101]: e", " --> x.dnn", "", "warning[DNN0406]: w", " --> x.dnn", "", "error: 1 error, 1 warning emitted", ""),
    );
    expect(renderTextAll([info], none)).toBe(lines("info[DNN0406]: w", " --> x.dnn", ""));
  });
});

describe("JSON", () => {
  it("uses 0-based positions and omits empty related and absent hint", () => {
    const d = diagnostic("DNN0301", at("cnn.dnn", "Dense(64)"), "dimension mismatch", {
      related: [{ span: at("layers.dnn", "Dense"), message: "defined here" }],
      hint: "add Flatten()",
    });
    expect(toJson(d, lookup)).toEqual({
      file: "cnn.dnn",
      code: "DNN0301",
      severity: "error",
      message: "dimension mismatch",
      range: { start: { line: 11, character: 7 }, end: { line: 11, character: 16 } },
      related: [{ file: "layers.dnn", message: "defined here", range: { start: { line: 1, character: 6 }, end: { line: 1, character: 11 } } }],
      hint: "add Flatten()",
    });
    const plain = diagnostic("DNN0002", eofOnLastLine.span(9, 9), "expected '}', found end of file");
    expect(renderJson([plain], lookup) + "\n").toBe(golden("eof.json"));
    expect(renderJson([], lookup)).toBe("[]");
  });
});

describe("real parse diagnostics", () => {
  it("renders three independent syntax errors at the offending tokens", () => {
    const text = "model Bad {\n  input x f32[B]\n  let = 3\n  output y: f32[B]\n  y = (x + 1\n}\n";
    const { diagnostics, source } = parse("bad.dnn", text);
    expect(renderTextAll(diagnostics, (p) => (p === source.path ? source : undefined))).toBe(golden("syntax-errors.txt"));
  });
});
