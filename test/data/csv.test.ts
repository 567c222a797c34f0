// CSV datasets: headers found or given, CRLF, gzip, quoting, label columns by position or name,
// class names, and every malformed file an error at file:line:column.
import { afterAll, describe, expect, it } from "vitest";
import { gzipSync } from "node:zlib";
import { loadCsv, parseCsv } from "../../src/data/csv.ts";
import { tempDir } from "./helpers.ts";

const tmp = tempDir();
afterAll(() => tmp.cleanup());

const rows = (d: { x: Float32Array; n: number; shape: number[] }) =>
  Array.from({ length: d.n }, (_, i) => Array.from(d.x.subarray(i * d.shape[0]!, (i + 1) * d.shape[0]!)));

describe("reading", () => {
  it("no header, label last: features as floats, classes numbered up to the largest label", () => {
    const d = parseCsv("1,2,0\n3.5,-4e-1,2\n", "t.csv");
    expect(d.n).toBe(2);
    expect(d.shape).toEqual([2]);
    expect(rows(d)).toEqual([[1, 2], [3.5, Math.fround(-0.4)]]);
    expect(Array.from(d.y)).toEqual([0, 2]);
    expect(d.classes).toEqual(["0", "1", "2"]);
    expect(d.name).toBe("t.csv");
  });

  it("a header is detected when the first row is not numeric, and the label found by name", () => {
    const text = "a,label,b\n1,1,2\n3,0,4\n";
    const auto = parseCsv(text, "t.csv", { label: 1 });
    expect(rows(auto)).toEqual([[1, 2], [3, 4]]);
    expect(Array.from(auto.y)).toEqual([1, 0]);
    const named = parseCsv(text, "t.csv", { label: "label" });
    expect(rows(named)).toEqual(rows(auto));
    expect(Array.from(named.y)).toEqual([1, 0]);
  });

  it("a header whose feature names are numbers is still found by its label cell", () => {
    const d = parseCsv("0,1,label\n5,6,1\n7,8,0\n", "t.csv");
    expect(d.n).toBe(2);
    expect(Array.from(d.y)).toEqual([1, 0]);
  });

  it("header: false reads the first row as data; header: true skips it even when numeric", () => {
    expect(parseCsv("1,2,0\n3,4,1\n", "t.csv", { header: false }).n).toBe(2);
    expect(parseCsv("1,2,0\n3,4,1\n", "t.csv", { header: true }).n).toBe(1);
  });

  it("by default the label is the column a header names `label` (Kaggle's layout), else the last", () => {
    const kaggle = parseCsv("label,pixel0,pixel1\n7,0,255\n3,12,0\n", "t.csv");
    expect(Array.from(kaggle.y)).toEqual([7, 3]);
    expect(rows(kaggle)).toEqual([[0, 255], [12, 0]]);
    // Any case, spaces around; a header of numbers with a `label` cell is still a header.
    expect(Array.from(parseCsv("0, Label ,2\n5,1,6\n", "t.csv").y)).toEqual([1]);
    // Two columns named label: no guess, the last column as without a header.
    expect(Array.from(parseCsv("label,label,y\n1,2,0\n", "t.csv").y)).toEqual([0]);
    // An explicit choice wins over the name.
    expect(Array.from(parseCsv("label,b,c\n1,2,0\n", "t.csv", { label: "last" }).y)).toEqual([0]);
  });

  it("label first, or a negative index counted from the end", () => {
    const first = parseCsv("9,1,2\n8,3,4\n", "t.csv", { label: "first" });
    expect(Array.from(first.y)).toEqual([9, 8]);
    expect(rows(first)).toEqual([[1, 2], [3, 4]]);
    expect(Array.from(parseCsv("1,7,2\n3,5,4\n", "t.csv", { label: -2 }).y)).toEqual([7, 5]);
  });

  it("CRLF, a byte-order mark, spaces around cells, blank lines at the end, integral floats as labels", () => {
    const d = parseCsv("\ufeffx, y ,label\r\n1, 2 ,1.0\r\n3,4,0\r\n\r\n\n  \n", "t.csv");
    expect(rows(d)).toEqual([[1, 2], [3, 4]]);
    expect(Array.from(d.y)).toEqual([1, 0]);
  });

  it("quoted fields, with doubled quotes inside", () => {
    const d = parseCsv('"x","y ""mm""",class\n1,"2",cat\n3,4,"dog, big"\n', "t.csv");
    expect(rows(d)).toEqual([[1, 2], [3, 4]]);
    expect(d.classes).toEqual(["cat", "dog, big"]);
  });

  it("class names map to indices in sorted order, not first-seen order", () => {
    const d = parseCsv("1,zebra\n2,ant\n3,moth\n4,ant\n", "t.csv");
    expect(d.classes).toEqual(["ant", "moth", "zebra"]);
    expect(Array.from(d.y)).toEqual([2, 0, 1, 0]);
    // Given classes fix the mapping, so that a train and a test file agree.
    const given = parseCsv("1,zebra\n2,ant\n", "t.csv", { classes: ["zebra", "moth", "ant"] });
    expect(Array.from(given.y)).toEqual([0, 2]);
    expect(() => parseCsv("1,zebra\n2,eel\n", "t.csv", { classes: ["zebra"] })).toThrow('t.csv:2: label "eel" is not one of the classes given (zebra)');
  });

  it("scale multiplies the features, not the labels", () => {
    const d = parseCsv("16,8,3\n", "t.csv", { scale: 1 / 16 });
    expect(rows(d)).toEqual([[1, 0.5]]);
    expect(Array.from(d.y)).toEqual([3]);
  });

  it("loadCsv reads plain and gzipped files (by content, whatever the name) and names the dataset by the file", () => {
    const text = "a,b,label\n1,2,1\n3,4,0\n";
    const plain = loadCsv(tmp.file("plain.csv", text));
    const gz = loadCsv(tmp.file("packed.csv.gz", gzipSync(text)));
    const odd = loadCsv(tmp.file("packed.data", gzipSync(text)));
    for (const d of [plain, gz, odd]) {
      expect(rows(d)).toEqual([[1, 2], [3, 4]]);
      expect(Array.from(d.y)).toEqual([1, 0]);
    }
    expect(plain.name).toBe("plain.csv");
    expect(gz.name).toBe("packed.csv.gz");
  });
});

describe("errors at file:line:column", () => {
  const cases: [string, string, Parameters<typeof parseCsv>[2], string][] = [
    ["a word among numbers", "1,2,0\n3,x4,1\n", {}, 'f.csv:2:3: "x4" is not a number in column 2'],
    ["the header's name for the column", "a,bee,label\n1,2,0\n3,,1\n", {}, 'f.csv:3:3: empty cell in column 2 ("bee")'],
    ["hex, Infinity and NaN are not numbers here", "1,0x10,0\n", { header: false }, 'f.csv:1:3: "0x10" is not a number'],
    ["Infinity", "1,2,0\nInfinity,2,0\n", {}, 'f.csv:2:1: "Infinity" is not a number'],
    ["a short row", "1,2,0\n3,4\n", {}, "f.csv:2:4: 2 fields where line 1 has 3"],
    ["a long row", "a,b,label\n1,2,0\n3,4,1,5\n", {}, "f.csv:3:7: 4 fields where line 1 (the header) has 3"],
    ["CRLF does not shift columns", "1,2,0\r\n3,?,1\r\n", {}, 'f.csv:2:3: "?" is not a number'],
    ["a blank line between rows", "1,2,0\n\n3,4,1\n", {}, "f.csv:2:1: blank line between rows of data"],
    ["a negative label", "1,2,0\n3,4,-1\n", {}, "f.csv:2:5: label -1 (column 3) is not an integer ≥ 0; the label is the last column unless"],
    ["a fractional label", "1,2,0\n3,4,0.5\n", {}, "f.csv:2:5: label 0.5 (column 3) is not an integer ≥ 0"],
    ["a name among numeric labels", "1,2,0\n3,4,cat\n", {}, 'f.csv:2:5: label "cat" is not a number (the first row\'s label is'],
    ["an unterminated quote", '1,"2,0\n', {}, "f.csv:1:3: unterminated quoted field"],
    ["text after a quote", '1,"2"x,0\n', {}, "f.csv:1:6: expected a comma after the quoted field"],
    ["an unknown label column", "a,b\n1,2\n", { label: "c" }, 'f.csv:1:1: no column named "c"; the columns are "a", "b"'],
    ["a label column out of range", "1,2\n", { label: 5 }, "f.csv: label column 5 does not exist: the first line has 2 columns"],
    ["a named label without a header", "1,2\n", { label: "y", header: false }, "a column name needs a header line"],
    ["an empty file", "\n\n", {}, "f.csv: no data: the file is empty"],
    ["a header alone", "a,b\n", { header: true }, "f.csv: no data: the file has a header line and nothing after it"],
    ["one column", "1\n2\n", {}, "f.csv:1:1: one column only"],
    ["labels beyond the classes given", "1,4\n", { classes: ["a", "b"] }, "f.csv:1:3: label 4 (column 2) is outside [0, 2): 2 classes were given"],
    ["a label beyond the model's classes, with the column it came from", "a,b,c\n1,2,3\n4,5,9\n", { limit: { count: 5, why: "Net has 5 classes" } }, 'f.csv:3:5: label 9 (column 3 ("c")) is outside [0, 5): Net has 5 classes; the label is the last column unless the header names one `label`'],
    ["a label column chosen, no hint", "1,7,3\n", { label: 1, limit: { count: 5, why: "Net has 5 classes" } }, "f.csv:1:3: label 7 (column 2) is outside [0, 5): Net has 5 classes"],
    ["one stray huge label is not 10^8 classes", "1,2,0\n3,4,99999999\n", {}, "f.csv:2:5: label 99999999 (column 3) is outside [0, 10000): dnnc handles at most 10,000 classes"],
    ["more class names than the limit", "1,a\n2,b\n3,c\n", { limit: { count: 2, why: "Net has 2 classes" } }, 'f.csv: the labels (column 2) name 3 classes ("a", "b", "c"), more than 2: Net has 2 classes'],
    ["a cell that overflows a double", "1,2,0\n3,1e999,1\n", {}, "f.csv:2:3: 1e999 in column 2 is beyond the range of a 32-bit float (±3.4e38)"],
    ["a cell that overflows a float", "x,y,label\n-1e39,2,0\n", {}, 'f.csv:2:1: -1e39 in column 1 ("x") is beyond the range of a 32-bit float'],
    ["a cell that overflows once scaled", "1e38,2,0\n", { scale: 16 }, "f.csv:1:1: 1e38 in column 1 is beyond the range of a 32-bit float (±3.4e38) once scaled by 16"],
  ];
  for (const [what, text, opts, message] of cases) {
    it(what, () => {
      expect(() => parseCsv(text, "f.csv", opts)).toThrow(message);
    });
  }

  it("loadCsv puts the path in front; a missing file or corrupt gzip says so", () => {
    const p = tmp.file("bad.csv", "1,2,0\n3,x,1\n");
    expect(() => loadCsv(p)).toThrow(`${p}:2:3: "x" is not a number`);
    expect(() => loadCsv(`${tmp.dir}/none.csv`)).toThrow(`${tmp.dir}/none.csv: no such file`);
    const gz = tmp.file("cut.csv.gz", gzipSync("1,2,0\n".repeat(100)).subarray(0, 15));
    expect(() => loadCsv(gz)).toThrow(`${gz}: corrupt gzip data`);
  });
});
