// The IDX reader: every value type round-trips through a writer written from the format's
// description, gzip is transparent, and every way a file can be malformed is an error that says
// which, with the path in front when read from disk.
import { afterAll, describe, expect, it } from "vitest";
import { gzipSync } from "node:zlib";
import { loadIdxPair, readIdx, readIdxFile } from "../../src/data/idx.ts";
import { IDX_TYPES, tempDir, writeIdx, type IdxTypeCode } from "./helpers.ts";

const tmp = tempDir();
afterAll(() => tmp.cleanup());

const SAMPLES: Record<IdxTypeCode, { ctor: Function; values: number[] }> = {
  0x08: { ctor: Uint8Array, values: [0, 1, 127, 128, 255, 42] },
  0x09: { ctor: Int8Array, values: [-128, -1, 0, 1, 127, 42] },
  0x0b: { ctor: Int16Array, values: [-32768, -1, 0, 258, 32767, 42] },
  0x0c: { ctor: Int32Array, values: [-2147483648, -1, 0, 16909060, 2147483647, 42] },
  0x0d: { ctor: Float32Array, values: [-1.5, 0, 0.1, 3.4e38, -7.25e-8, 42] },
  0x0e: { ctor: Float64Array, values: [-1.5, 0, 0.1, 1e300, -Math.PI, 42] },
};

describe("readIdx round trips", () => {
  for (const code of Object.keys(IDX_TYPES).map(Number) as IdxTypeCode[]) {
    const { ctor, values } = SAMPLES[code];
    for (const gzip of [false, true]) {
      it(`type 0x${code.toString(16).padStart(2, "0")} (${ctor.name})${gzip ? ", gzipped" : ""}`, () => {
        const r = readIdx(writeIdx(code, [2, 3], values, { gzip }));
        expect(r.dims).toEqual([2, 3]);
        expect(r.data).toBeInstanceOf(ctor);
        const expected = code === 0x0d ? Array.from(Float32Array.from(values)) : values;
        expect(Array.from(r.data)).toEqual(expected);
      });
    }
  }

  it("one to four dimensions, and the big-endian dims of a real MNIST header", () => {
    for (const dims of [[5], [2, 3], [2, 1, 3], [1, 2, 2, 2]]) {
      const count = dims.reduce((a, b) => a * b, 1);
      const values = Array.from({ length: count }, (_, i) => i);
      const r = readIdx(writeIdx(0x08, dims, values));
      expect(r.dims).toEqual(dims);
      expect(Array.from(r.data)).toEqual(values);
    }
    // 60000 × 28 × 28: 0x0000ea60 big-endian, as in train-images-idx3-ubyte.
    const header = readIdx(new Uint8Array([0, 0, 8, 1, 0, 0, 0, 3, 9, 8, 7]));
    expect(header.dims).toEqual([3]);
    expect(Array.from(readIdx(writeIdx(0x08, [60000], new Uint8Array(60000))).dims)).toEqual([60000]);
  });

  it("an empty tensor (a zero dimension) is valid", () => {
    const r = readIdx(writeIdx(0x0d, [0, 28, 28], []));
    expect(r.dims).toEqual([0, 28, 28]);
    expect(r.data.length).toBe(0);
  });

  it("the result owns its memory (an odd byte offset in the input does not matter)", () => {
    const file = writeIdx(0x0c, [2], [7, -7]);
    const shifted = new Uint8Array(file.length + 1);
    shifted.set(file, 1);
    const r = readIdx(shifted.subarray(1));
    expect(Array.from(r.data)).toEqual([7, -7]);
  });
});

describe("malformed IDX files are errors that say what is wrong", () => {
  const good = writeIdx(0x08, [2, 2], [1, 2, 3, 4]);
  const cases: [string, Uint8Array, RegExp][] = [
    ["empty", new Uint8Array(0), /truncated IDX header: 0 bytes/],
    ["three bytes", good.slice(0, 3), /truncated IDX header: 3 bytes/],
    ["bad magic", Uint8Array.from([1, 0, ...good.slice(2)]), /not an IDX file.*0x01 0x00/],
    ["a gzip'd text file", gzipSync(Buffer.from("hello, world\n")), /not an IDX file.*0x68 0x65/],
    ["unknown type", Uint8Array.from([0, 0, 0x0a, ...good.slice(3)]), /unknown IDX data type 0x0a/],
    ["zero dimensions", Uint8Array.from([0, 0, 8, 0]), /0 dimensions/],
    ["header cut in the dims", good.slice(0, 9), /truncated IDX header: 2 dimensions need 12 bytes, the file has 9/],
    ["data cut short", good.slice(0, good.length - 1), /truncated IDX data: 4 unsigned byte values \(dimensions 2 × 2\) need 4 bytes, the file has 3/],
    ["trailing bytes", Uint8Array.from([...good, 0, 0]), /2 trailing bytes after the IDX data/],
    ["floats cut mid-value", writeIdx(0x0e, [2], [1, 2]).slice(0, -3), /truncated IDX data: 2 double values.*need 16 bytes, the file has 13/],
    ["corrupt gzip", gzipSync(good).slice(0, 12), /corrupt gzip data/],
  ];
  for (const [what, bytes, message] of cases) {
    it(what, () => {
      expect(() => readIdx(bytes)).toThrow(message);
    });
  }

  it("from a file, the message starts with the path", () => {
    const p = tmp.file("bad.idx", Uint8Array.from([0, 0, 0x07, 1, 0, 0, 0, 0]));
    expect(() => readIdxFile(p)).toThrow(`${p}: unknown IDX data type 0x07`);
    expect(() => readIdxFile(`${tmp.dir}/absent.idx`)).toThrow(`${tmp.dir}/absent.idx: no such file`);
  });
});

describe("loadIdxPair", () => {
  const images = writeIdx(0x08, [3, 2, 2], [0, 255, 51, 102, 1, 2, 3, 4, 255, 255, 0, 0], { gzip: true });
  const labels = writeIdx(0x08, [3], [2, 0, 1]);

  it("images scaled to [0, 1], shape [rows, cols, 1], classes numbered up to the largest label", () => {
    const d = loadIdxPair(tmp.file("i.gz", images), tmp.file("l", labels));
    expect(d.n).toBe(3);
    expect(d.shape).toEqual([2, 2, 1]);
    expect(Array.from(d.y)).toEqual([2, 0, 1]);
    expect(d.classes).toEqual(["0", "1", "2"]);
    expect(Array.from(d.x.subarray(0, 4))).toEqual(Array.from(Float32Array.from([0, 1, 0.2, 0.4])));
    expect(d.name).toBe(`${tmp.dir}/i.gz`);
  });

  it("a scale of 1 keeps the bytes; names and class names can be given", () => {
    const d = loadIdxPair(tmp.file("i.gz", images), tmp.file("l", labels), { scale: 1, name: "tiny", classes: ["a", "b", "c", "d"] });
    expect(Array.from(d.x.subarray(0, 4))).toEqual([0, 255, 51, 102]);
    expect(d.name).toBe("tiny");
    expect(d.classes).toEqual(["a", "b", "c", "d"]);
  });

  it("mismatched counts name both files", () => {
    const i = tmp.file("i3", images);
    const l = tmp.file("l4", writeIdx(0x08, [4], [0, 1, 2, 3]));
    expect(() => loadIdxPair(i, l)).toThrow(`${i} holds 3 images but ${l} holds 4 labels`);
  });

  it("labels with two dimensions, negative labels or more labels than classes are refused", () => {
    const i = tmp.file("i", images);
    expect(() => loadIdxPair(i, tmp.file("l2d", writeIdx(0x08, [3, 1], [0, 1, 2])))).toThrow(/a labels file has 1 dimension, this one has 2/);
    expect(() => loadIdxPair(i, tmp.file("lneg", writeIdx(0x09, [3], [0, -1, 2])))).toThrow(/record 1 \(counting from 0\) has label -1; labels must be integers ≥ 0/);
    expect(() => loadIdxPair(i, tmp.file("l", labels), { classes: ["a", "b"] })).toThrow(/record 0 \(counting from 0\) has label 2, outside \[0, 2\): 2 classes were given/);
    expect(() => loadIdxPair(tmp.file("i1d", writeIdx(0x08, [3], [0, 1, 2])), tmp.file("l", labels))).toThrow(/at least 2 dimensions/);
  });

  it("labels are checked against a limit (the model's classes), the cap, and must be integers, naming the record and value", () => {
    const i = tmp.file("i", images);
    const l = tmp.file("l5", writeIdx(0x0c, [3], [1, 7, 0]));
    expect(() => loadIdxPair(i, l, { limit: { count: 5, why: "Net has 5 classes" } })).toThrow(`${l}: record 1 (counting from 0) has label 7, outside [0, 5): Net has 5 classes`);
    expect(loadIdxPair(i, l, { limit: { count: 8, why: "Net has 8 classes" } }).classes).toHaveLength(8) // up to the largest label; the limit only bounds them;
    const huge = tmp.file("lhuge", writeIdx(0x0c, [3], [0, 99999999, 1]));
    expect(() => loadIdxPair(i, huge)).toThrow(/record 1 \(counting from 0\) has label 99999999, outside \[0, 10000\): dnnc handles at most 10,000 classes/);
    const frac = tmp.file("lfrac", writeIdx(0x0d, [3], [0, 1.5, 1]));
    expect(() => loadIdxPair(i, frac)).toThrow(/record 1 \(counting from 0\) has label 1\.5; labels must be integers ≥ 0/);
  });

  it("non-finite pixel values are refused, naming the record and position", () => {
    const floats = tmp.file("if", writeIdx(0x0d, [3, 2, 2], [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, NaN, 0]));
    expect(() => loadIdxPair(floats, tmp.file("l", labels))).toThrow(`${floats}: record 2 (counting from 0), value 2 is NaN: training needs finite numbers`);
    const doubles = tmp.file("id", writeIdx(0x0e, [3, 1, 1], [0, 1e300, 0]));
    expect(() => loadIdxPair(doubles, tmp.file("l", labels))).toThrow(/record 1 \(counting from 0\), value 0 is 1e\+300, beyond the range of a 32-bit float: training needs finite numbers/);
  });

  it("an error in either file names that file", () => {
    const bad = tmp.file("bad", Uint8Array.from([0, 0, 8, 1, 0, 0, 0, 5, 1]));
    expect(() => loadIdxPair(bad, tmp.file("l", labels))).toThrow(`${bad}: truncated IDX data`);
    expect(() => loadIdxPair(tmp.file("i", images), bad)).toThrow(`${bad}: truncated IDX data`);
  });
});
