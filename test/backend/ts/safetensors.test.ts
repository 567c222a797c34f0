// save() and load() of the generated model class, against the safetensors format as its
// specification states it (https://huggingface.co/docs/safetensors): an 8-byte little-endian
// unsigned header length N, N bytes of UTF-8 JSON mapping each tensor's name to its dtype, shape
// and [begin, end) data offsets (relative to the data section, which the tensors cover exactly),
// an optional "__metadata__" of strings, then the little-endian data. The oracles here are
// written from that text alone: files built byte by byte, and a minimal reader that shares no
// code with the generated runtime.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadGenerated, type CompiledSample } from "../../helpers/compile-sample.ts";

const TIMEOUT = 120_000;

type Arrays = Record<string, Float32Array | Int32Array>;
interface Model {
  trainStep(batch: Arrays): number;
  forward(inputs: Arrays): Record<string, Float32Array>;
  readonly steps: number;
  getParameter(name: string): Float32Array;
  getParameters(): Record<string, Float32Array>;
  setParameters(values: Record<string, ArrayLike<number>>): void;
  save(): Uint8Array;
  load(bytes: Uint8Array | ArrayBuffer, options?: { ignoreUnknown?: boolean }): Model;
}
interface ModelClass {
  create(options?: { seed?: number }): Model;
  readonly parameters: readonly { name: string; shape: readonly (number | string)[] }[];
  readonly optimizerStates: readonly { name: string; shape: readonly (number | string)[] }[];
}

const samples: CompiledSample[] = [];
let Net221: ModelClass;
let DigitsMLP: ModelClass;
let RegularizedMLP: ModelClass;

const load = (sample: string, name: string) => loadGenerated<ModelClass>(sample, name, samples);

beforeAll(async () => {
  Net221 = await load("samples/backprop_221.dnn", "Net221");
  DigitsMLP = await load("samples/mlp_digits.dnn", "DigitsMLP");
  RegularizedMLP = await load("samples/regularized_mlp.dnn", "RegularizedMLP");
}, TIMEOUT);
afterAll(() => samples.forEach((s) => s.cleanup()));

// ---- the format, from its specification ----------------------------------------------------

/** n as 8 bytes, least significant first. */
function u64le(n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < 8; i++, n = Math.floor(n / 256)) out.push(n % 256);
  return out;
}

/** Header length, header text (UTF-8), data bytes: a file as the specification lays it out. */
function file(header: string, data: ArrayLike<number>): Uint8Array {
  const h = new TextEncoder().encode(header);
  return Uint8Array.from([...u64le(h.length), ...h, ...Array.from(data)]);
}

/** float32 values as little-endian bytes. */
function f32le(values: readonly number[]): number[] {
  const b = new Uint8Array(4 * values.length);
  const v = new DataView(b.buffer);
  values.forEach((x, i) => v.setFloat32(4 * i, x, true));
  return [...b];
}

interface Entry {
  name: string;
  dtype?: string;
  shape: number[];
  values: number[];
}

/** A well-formed F32 file of `entries` in order (the test's own writer, from the specification). */
function build(entries: Entry[], metadata?: Record<string, string>): Uint8Array {
  const header: Record<string, unknown> = metadata ? { __metadata__: metadata } : {};
  const data: number[] = [];
  for (const e of entries) {
    const bytes = f32le(e.values);
    header[e.name] = { dtype: e.dtype ?? "F32", shape: e.shape, data_offsets: [data.length, data.length + bytes.length] };
    data.push(...bytes);
  }
  return file(JSON.stringify(header), data);
}

interface ReadTensor {
  dtype: string;
  shape: number[];
  offsets: [number, number];
  values: Float32Array;
}

/** A minimal reader written from the specification, checking what it says a file must satisfy. */
function readSpec(bytes: Uint8Array): { headerLength: number; metadata: Record<string, string>; tensors: Map<string, ReadTensor>; order: string[] } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = Number(view.getBigUint64(0, true));
  expect(8 + n).toBeLessThanOrEqual(bytes.length);
  const text = new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(8, 8 + n));
  expect(text.startsWith("{")).toBe(true);
  const header = JSON.parse(text) as Record<string, unknown>;
  const data = bytes.subarray(8 + n);
  const tensors = new Map<string, ReadTensor>();
  const order: string[] = [];
  let metadata: Record<string, string> = {};
  const ranges: [number, number][] = [];
  for (const [name, entry] of Object.entries(header)) {
    if (name === "__metadata__") {
      metadata = entry as Record<string, string>;
      for (const v of Object.values(metadata)) expect(typeof v).toBe("string");
      continue;
    }
    const { dtype, shape, data_offsets } = entry as { dtype: string; shape: number[]; data_offsets: [number, number] };
    expect(dtype).toBe("F32");
    const count = shape.reduce((a, b) => a * b, 1);
    const [begin, end] = data_offsets;
    expect(end - begin, name).toBe(4 * count);
    const dv = new DataView(data.buffer, data.byteOffset + begin, end - begin);
    tensors.set(name, { dtype, shape, offsets: [begin, end], values: Float32Array.from({ length: count }, (_, i) => dv.getFloat32(4 * i, true)) });
    order.push(name);
    ranges.push([begin, end]);
  }
  // The tensors cover the data section exactly: no hole, no overlap, nothing after.
  ranges.sort((a, b) => a[0] - b[0]);
  let at = 0;
  for (const [b, e] of ranges) {
    expect(b).toBe(at);
    at = e;
  }
  expect(at).toBe(data.length);
  return { headerLength: n, metadata, tensors, order };
}

const bytesOf = (a: ArrayBufferView) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
const same = (a: ArrayBufferView, b: ArrayBufferView) => bytesOf(a).equals(bytesOf(b));
const digitsBatch = (B: number, seed: number) => ({
  x: Float32Array.from({ length: B * 64 }, (_, i) => (i * 7 + seed * 13) % 17),
  y: Int32Array.from({ length: B }, (_, i) => (i * 3 + seed) % 10),
});

// ---- save -----------------------------------------------------------------------------------

describe("save", () => {
  it("writes every parameter and optimizer state as F32 under its dnnc name, the step count in __metadata__, readable by the specification's reader", () => {
    const m = DigitsMLP.create({ seed: 1 });
    for (let i = 0; i < 3; i++) m.trainStep(digitsBatch(8, i));
    const bytes = m.save();
    const f = readSpec(bytes);
    expect(f.metadata).toEqual({ "dnnc.model": "DigitsMLP", "dnnc.steps": "3" });
    expect(f.order).toEqual([...DigitsMLP.parameters, ...DigitsMLP.optimizerStates].map((t) => t.name));
    for (const p of DigitsMLP.parameters) {
      const t = f.tensors.get(p.name)!;
      expect(t.shape).toEqual(p.shape);
      expect(same(t.values, m.getParameter(p.name)), p.name).toBe(true);
    }
    // Adam's state after three steps is not its initial zeros.
    expect(f.tensors.get("dense.kernel/adam.v")!.values.some((v) => v > 0)).toBe(true);
    // The data starts on an 8-byte boundary (the header is padded with spaces, as the spec allows).
    expect((8 + f.headerLength) % 8).toBe(0);
    expect(bytes[8 + f.headerLength - 1] === 0x20 || bytes[8 + f.headerLength - 1] === 0x7d).toBe(true);
  });

  it("the bytes of a small model, in full", () => {
    const bytes = Net221.create().save();
    const f = readSpec(bytes);
    const header = new TextDecoder().decode(bytes.subarray(8, 8 + f.headerLength));
    expect(header.trimEnd()).toBe(
      '{"__metadata__":{"dnnc.model":"Net221","dnnc.steps":"0"},' +
        '"W_h":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]},"b_h":{"dtype":"F32","shape":[2],"data_offsets":[16,24]},' +
        '"W_o":{"dtype":"F32","shape":[2,1],"data_offsets":[24,32]},"b_o":{"dtype":"F32","shape":[1],"data_offsets":[32,36]},' +
        '"lr":{"dtype":"F32","shape":[],"data_offsets":[36,40]},' +
        '"W_h/sgd.velocity":{"dtype":"F32","shape":[2,2],"data_offsets":[40,56]},"b_h/sgd.velocity":{"dtype":"F32","shape":[2],"data_offsets":[56,64]},' +
        '"W_o/sgd.velocity":{"dtype":"F32","shape":[2,1],"data_offsets":[64,72]},"b_o/sgd.velocity":{"dtype":"F32","shape":[1],"data_offsets":[72,76]}}',
    );
    expect([...bytes.subarray(0, 8)]).toEqual(u64le(f.headerLength));
    // W_h = [[0.3, -0.1], [0.5, 0.2]] as float32, little-endian: 0.3f = 0x3E99999A, −0.1f = 0xBDCCCCCD, …
    expect([...bytes.subarray(8 + f.headerLength, 8 + f.headerLength + 16)]).toEqual([0x9a, 0x99, 0x99, 0x3e, 0xcd, 0xcc, 0xcc, 0xbd, 0x00, 0x00, 0x00, 0x3f, 0xcd, 0xcc, 0x4c, 0x3e]);
    expect(bytes.length).toBe(8 + f.headerLength + 76);
  });
});

// ---- load: files built by hand --------------------------------------------------------------

// Net221's four parameters as a file written out byte by byte: header text, then the data in an
// order of its own (b_o first), each float32 as its four little-endian bytes.
const HAND_HEADER =
  '{"b_o":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},' +
  '"W_h":{"dtype":"F32","shape":[2,2],"data_offsets":[4,20]},' +
  '"b_h":{"dtype":"F32","shape":[2],"data_offsets":[20,28]},' +
  '"W_o":{"dtype":"F32","shape":[2,1],"data_offsets":[28,36]}}';
const HAND_DATA = [
  0x00, 0x00, 0x00, 0x3f, // b_o = 0.5        (0x3F000000)
  0x00, 0x00, 0x80, 0x3f, // W_h[0][0] = 1     (0x3F800000)
  0x00, 0x00, 0x00, 0xc0, // W_h[0][1] = −2    (0xC0000000)
  0x00, 0x00, 0x80, 0x3e, // W_h[1][0] = 0.25  (0x3E800000)
  0x00, 0x00, 0xc0, 0x3f, // W_h[1][1] = 1.5   (0x3FC00000)
  0x00, 0x00, 0x80, 0xbf, // b_h[0] = −1       (0xBF800000)
  0x00, 0x00, 0x40, 0x40, // b_h[1] = 3        (0x40400000)
  0x00, 0x00, 0x00, 0xbf, // W_o[0] = −0.5     (0xBF000000)
  0x00, 0x00, 0x00, 0x40, // W_o[1] = 2        (0x40000000)
];
function handFile(): Uint8Array {
  const header = [...HAND_HEADER].map((c) => c.charCodeAt(0)); // ASCII
  const n = header.length;
  return Uint8Array.from([n & 0xff, (n >> 8) & 0xff, 0, 0, 0, 0, 0, 0, ...header, ...HAND_DATA]);
}

describe("load", () => {
  it("reads a file built byte by byte (tensors in another order than the model's), as a weights-only file", () => {
    const m = Net221.create();
    m.trainStep({ x: Float32Array.of(1, 0), y: Float32Array.of(1) });
    expect(m.load(handFile())).toBe(m);
    expect(m.getParameter("W_h")).toEqual(Float32Array.of(1, -2, 0.25, 1.5));
    expect(m.getParameter("b_h")).toEqual(Float32Array.of(-1, 3));
    expect(m.getParameter("W_o")).toEqual(Float32Array.of(-0.5, 2));
    expect(m.getParameter("b_o")).toEqual(Float32Array.of(0.5));
    // No optimizer state in the file: training starts afresh from these weights.
    expect(m.steps).toBe(0);
    // forward with these weights, by hand: h = σ(x·W_h + b_h), a = σ(h·W_o + b_o).
    const s = (z: number) => 1 / (1 + Math.exp(-z));
    const h = [s(1 * 1 + 1 * 0.25 - 1), s(1 * -2 + 1 * 1.5 + 3)];
    const a = s(h[0]! * -0.5 + h[1]! * 2 + 0.5);
    const out = m.forward({ x: Float32Array.of(1, 1) });
    expect(Math.abs(out["h"]![0]! - h[0]!)).toBeLessThan(1e-6);
    expect(Math.abs(out["h"]![1]! - h[1]!)).toBeLessThan(1e-6);
    expect(Math.abs(out["a"]![0]! - a)).toBeLessThan(1e-6);
  });

  it("accepts an ArrayBuffer, a Node Buffer, and a view at an odd offset into a larger buffer", () => {
    const bytes = handFile();
    const expected = Net221.create().load(bytes).getParameters();
    expect(Net221.create().load(bytes.slice().buffer).getParameters()).toEqual(expected);
    expect(Net221.create().load(Buffer.from(bytes)).getParameters()).toEqual(expected);
    const big = new Uint8Array(bytes.length + 3);
    big.set(bytes, 3);
    expect(Net221.create().load(big.subarray(3)).getParameters()).toEqual(expected);
  });

  it("converts F64, F16 and BF16 tensors to float32; accepts UTF-8 in the header and trailing spaces after it", () => {
    const header =
      '{"__metadata__":{"note":"poids entraînés"},' +
      '"W_h":{"dtype":"F64","shape":[2,2],"data_offsets":[0,32]},' +
      '"b_h":{"dtype":"F16","shape":[2],"data_offsets":[32,36]},' +
      '"W_o":{"dtype":"BF16","shape":[2,1],"data_offsets":[36,40]},' +
      '"b_o":{"dtype":"F16","shape":[1],"data_offsets":[40,42]}}   ';
    const data = [
      ...[0, 0, 0, 0, 0, 0, 0xf0, 0x3f], // 1.0 as F64 (0x3FF0000000000000)
      ...[0x9a, 0x99, 0x99, 0x99, 0x99, 0x99, 0xb9, 0x3f], // 0.1 as F64 (0x3FB999999999999A) → float32 0.1
      ...[0, 0, 0, 0, 0, 0, 0, 0xc0], // −2.0 as F64
      ...[0, 0, 0, 0, 0, 0, 0, 0], // 0
      ...[0x00, 0x3c, 0x00, 0xb8], // 1.0, −0.5 as F16 (0x3C00, 0xB800)
      ...[0x80, 0x3f, 0x40, 0xc0], // 1.0, −3.0 as BF16 (0x3F80, 0xC040)
      ...[0x01, 0x00], // the smallest subnormal F16, 2^−24
    ];
    const m = Net221.create().load(file(header, data));
    expect(m.getParameter("W_h")).toEqual(Float32Array.of(1, 0.1, -2, 0));
    expect(m.getParameter("b_h")).toEqual(Float32Array.of(1, -0.5));
    expect(m.getParameter("W_o")).toEqual(Float32Array.of(1, -3));
    expect(m.getParameter("b_o")).toEqual(Float32Array.of(2 ** -24));
  });

  it("a file with the optimizer state restores it and the step count", () => {
    const params = Net221.parameters.map((p, i) => ({ name: p.name, shape: p.shape as number[], values: Array.from({ length: (p.shape as number[]).reduce((a, b) => a * b, 1) }, (_, j) => i + j / 4) }));
    const states = Net221.optimizerStates.map((s) => ({ name: s.name, shape: s.shape as number[], values: Array.from({ length: (s.shape as number[]).reduce((a, b) => a * b, 1) }, () => 0.125) }));
    const m = Net221.create().load(build([...params, ...states], { "dnnc.steps": "7" }));
    expect(m.steps).toBe(7);
    const f = readSpec(m.save());
    expect(f.metadata["dnnc.steps"]).toBe("7");
    for (const s of Net221.optimizerStates) expect([...f.tensors.get(s.name)!.values].every((v) => v === 0.125)).toBe(true);
    for (const p of params) expect([...m.getParameter(p.name)]).toEqual(p.values);
  });

  it("tensors the model lacks are refused, or skipped with { ignoreUnknown: true }", () => {
    const entries: Entry[] = [...Net221.parameters.map((p) => ({ name: p.name, shape: p.shape as number[], values: Array((p.shape as number[]).reduce((a, b) => a * b, 1)).fill(1) })), { name: "extra", dtype: "F32", shape: [3], values: [1, 2, 3] }];
    const m = Net221.create();
    expect(() => m.load(build(entries))).toThrow('Net221.load: the file holds a tensor this model does not have: "extra" (pass { ignoreUnknown: true } to skip it)');
    expect(m.getParameter("b_o")).toEqual(Float32Array.of(0.1));
    m.load(build(entries), { ignoreUnknown: true });
    expect(m.getParameter("b_o")).toEqual(Float32Array.of(1));
  });
});

// ---- load: refusals -------------------------------------------------------------------------

describe("load refuses a malformed or mismatched file with a precise Error, leaving the model unchanged", () => {
  const good = () => handFile();
  const params: Entry[] = [
    { name: "W_h", shape: [2, 2], values: [1, 2, 3, 4] },
    { name: "b_h", shape: [2], values: [5, 6] },
    { name: "W_o", shape: [2, 1], values: [7, 8] },
    { name: "b_o", shape: [1], values: [9] },
  ];
  const withHeader = (header: string) => file(header, HAND_DATA);
  const E = "Net221.load: not a valid safetensors file: ";
  /** The hand-built file with its header length off by `extra`. */
  const lengthPlus = (extra: number) => {
    const b = good();
    b.set(u64le(HAND_HEADER.length + extra), 0);
    return b;
  };
  const cases: [string, () => Uint8Array, string][] = [
    ["empty", () => new Uint8Array(0), `${E}it is 0 bytes long, shorter than the 8-byte header length`],
    ["too short for the header length", () => Uint8Array.of(2, 0, 0, 0, 0, 0, 0), `${E}it is 7 bytes long, shorter than the 8-byte header length`],
    ["header length beyond the file", () => Uint8Array.from([...u64le(1000), ...new TextEncoder().encode("{}")]), `${E}the header length is 1000 bytes, but only 2 bytes follow it`],
    ["header length beyond 2^32", () => Uint8Array.from([...u64le(2 ** 40), 0x7b, 0x7d]), `${E}the header length is 1099511627776 bytes, more than the 100000000 a safetensors header may have`],
    ["header of 100,000,001 bytes (one past the reference implementation's limit), all there", () => {
      const b = new Uint8Array(8 + 100_000_001).fill(0x20);
      b.set([...u64le(100_000_001), 0x7b], 0);
      b[8 + 100_000_000] = 0x7d;
      return b;
    }, `${E}the header length is 100000001 bytes, more than the 100000000 a safetensors header may have`],
    ["header nesting deeper than 128 levels", () => withHeader(`{"W_h":${"[".repeat(129)}${"]".repeat(129)}}`), `${E}the header nests more than 128 levels deep`],
    ["a tensor named twice", () => withHeader(HAND_HEADER.replace('"b_h":', '"W_h":')), `${E}the header has the key "W_h" twice in one object`],
    ["a key twice in a tensor's entry", () => withHeader(HAND_HEADER.replace('"W_h":{"dtype":"F32"', '"W_h":{"dtype":"F16","dtype":"F32"')), `${E}the header has the key "dtype" twice in one object`],
    ["a metadata key twice, once escaped", () => withHeader(HAND_HEADER.replace("{", '{"__metadata__":{"dnnc.steps":"1","dnnc.st\\u0065ps":"2"},')), `${E}the header has the key "dnnc.steps" twice in one object`],
    ["a dtype named like an Object.prototype property", () => withHeader(HAND_HEADER.replace('"W_h":{"dtype":"F32"', '"W_h":{"dtype":"toString"')), `${E}tensor "W_h" has unknown dtype "toString" (known:`],
    ["dtype __proto__", () => withHeader(HAND_HEADER.replace('"W_h":{"dtype":"F32"', '"W_h":{"dtype":"__proto__"')), `${E}tensor "W_h" has unknown dtype "__proto__" (known:`],
    ["a shape of more than 2^53 elements (one of its sizes 0)", () => withHeader(HAND_HEADER.replace('"shape":[1],"data_offsets":[0,4]', '"shape":[4294967296,4294967296,0],"data_offsets":[0,0]')), `${E}tensor "b_o" has shape [4294967296,4294967296,0]: more than 2^53 elements`],
    ["a 10,000-character name, cut short in the message", () => withHeader(HAND_HEADER.replace('"W_h":{"dtype":"F32"', `"${"w".repeat(10_000)}":{"dtype":"F31"`)), `${E}tensor "${"w".repeat(80)}…" has unknown dtype "F31"`],
    ["header length one past the data", () => lengthPlus(HAND_DATA.length + 1), `${E}the header length is ${HAND_HEADER.length + HAND_DATA.length + 1} bytes, but only ${HAND_HEADER.length + HAND_DATA.length} bytes follow it`],
    ["header not starting with {", () => file(" {}", []), `${E}the header does not start with "{"`],
    ["header not UTF-8", () => Uint8Array.from([...u64le(4), 0x7b, 0xff, 0x7d, 0x20]), `${E}the header is not valid UTF-8 (byte 1 of the header)`],
    ["overlong UTF-8", () => Uint8Array.from([...u64le(4), 0x7b, 0xc0, 0xaf, 0x7d]), `${E}the header is not valid UTF-8 (byte 1 of the header)`],
    ["truncated UTF-8", () => Uint8Array.from([...u64le(3), 0x7b, 0x7d, 0xe2]), `${E}the header is not valid UTF-8 (byte 2 of the header)`],
    ["header length cutting the JSON short", () => lengthPlus(-1), `${E}the header is not valid JSON`],
    ["invalid JSON", () => withHeader('{"W_h": {"dtype": "F32",}}'), `${E}the header is not valid JSON`],
    ["metadata not strings", () => withHeader('{"__metadata__":{"steps":3}}'), `${E}__metadata__ "steps" is a number, not a string`],
    ["entry not an object", () => withHeader('{"W_h":[1,2]}'), `${E}tensor "W_h" is not an object with dtype, shape and data_offsets`],
    ["unknown dtype", () => withHeader(HAND_HEADER.replace('"W_h":{"dtype":"F32"', '"W_h":{"dtype":"F31"')), `${E}tensor "W_h" has unknown dtype "F31" (known:`],
    ["shape not integers", () => withHeader(HAND_HEADER.replace('"shape":[2,2]', '"shape":[2,-2]')), `${E}tensor "W_h" has a shape that is not a list of non-negative integers: [2,-2]`],
    ["offsets reversed", () => withHeader(HAND_HEADER.replace("[4,20]", "[20,4]")), `${E}tensor "W_h" has data_offsets [20,4], not [begin, end] with 0 ≤ begin ≤ end`],
    ["offsets past the data", () => withHeader(HAND_HEADER.replace('"shape":[2,1],"data_offsets":[28,36]', '"shape":[2,1],"data_offsets":[32,40]')), `${E}tensor "W_o" has data_offsets [32, 40], past the end of the 36-byte data section`],
    ["offsets not matching dtype × shape", () => withHeader(HAND_HEADER.replace('"shape":[2,2],"data_offsets":[4,20]', '"shape":[2,3],"data_offsets":[4,20]')), `${E}tensor "W_h" is F32[2, 3], 24 bytes, but its data_offsets [4, 20] span 16`],
    ["overlapping tensors", () => withHeader(HAND_HEADER.replace("[20,28]", "[16,24]").replace("[28,36]", "[24,32]")), `${E}tensors "W_h" and "b_h" overlap (data_offsets [4, 20] and [16, 24])`],
    ["a hole between tensors", () => withHeader(HAND_HEADER.replace("[0,4]", "[0,0]").replace('"b_o":{"dtype":"F32","shape":[1]', '"b_o":{"dtype":"F32","shape":[0]')), `${E}bytes [0, 4) of the data section belong to no tensor`],
    ["trailing garbage", () => Uint8Array.from([...good(), 0, 0, 0, 0]), `${E}the last 4 bytes of the file belong to no tensor`],
    ["a missing parameter", () => build(params.filter((p) => p.name !== "W_o")), 'Net221.load: the file has no tensor "W_o"; the model\'s parameters are "W_h", "b_h", "W_o", "b_o"'],
    ["a parameter of the wrong shape", () => build(params.map((p) => (p.name === "W_o" ? { ...p, shape: [1, 2] } : p))), 'Net221.load: tensor "W_o" has shape [1, 2], expected [2, 1]'],
    ["a parameter of the wrong size", () => build(params.map((p) => (p.name === "b_h" ? { ...p, shape: [3], values: [1, 2, 3] } : p))), 'Net221.load: tensor "b_h" has shape [3], expected [2]'],
    ["an integer dtype for a parameter", () => build(params.map((p) => (p.name === "b_o" ? { ...p, dtype: "I32" } : p))), 'Net221.load: tensor "b_o" is I32; a float32 tensor loads from F32, F64, F16, BF16'],
    ["part of the optimizer state", () => build([...params, { name: "W_h/sgd.velocity", shape: [2, 2], values: [0, 0, 0, 0] }]), 'Net221.load: the file holds part of the optimizer state but not "lr", "b_h/sgd.velocity", "W_o/sgd.velocity", "b_o/sgd.velocity": it must hold all of it (to resume training) or none (to train afresh from its weights)'],
    ["a step count that is not a count", () => build(params, { "dnnc.steps": "3.5" }), 'Net221.load: __metadata__ "dnnc.steps" must be a non-negative integer, found "3.5"'],
    ["an unknown tensor", () => build([...params, { name: "W_x", shape: [1], values: [0] }]), 'Net221.load: the file holds a tensor this model does not have: "W_x" (pass { ignoreUnknown: true } to skip it)'],
  ];

  it("the well-formed variants the refusals start from load", () => {
    expect(() => Net221.create().load(good())).not.toThrow();
    expect(() => Net221.create().load(build(params))).not.toThrow();
  });

  it.each(cases)("%s", (_, make, message) => {
    const m = Net221.create();
    m.trainStep({ x: Float32Array.of(1, 0), y: Float32Array.of(1) });
    const before = m.save();
    let error: unknown;
    try {
      m.load(make());
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message.startsWith(message), `message: ${(error as Error).message}\nexpected to start with: ${message}`).toBe(true);
    expect(same(m.save(), before)).toBe(true);
    expect(m.steps).toBe(1);
  });

  it("reads a header in time linear in its length: 20,000,000 bytes in well under 8 s (character-by-character decoding took ~15 s)", () => {
    const n = 20_000_000;
    const pad = n - HAND_HEADER.length - '"__metadata__":{"pad":""},'.length;
    const header = HAND_HEADER.replace("{", `{"__metadata__":{"pad":"${"p".repeat(pad)}"},`);
    expect(header.length).toBe(n);
    const text = new TextEncoder().encode(header);
    const bytes = new Uint8Array(8 + n + HAND_DATA.length);
    bytes.set(u64le(n));
    bytes.set(text, 8);
    bytes.set(HAND_DATA, 8 + n);
    const start = performance.now();
    const m = Net221.create().load(bytes);
    expect(performance.now() - start).toBeLessThan(8000);
    expect(m.getParameter("W_o")).toEqual(Float32Array.of(-0.5, 2));
  }, 60_000);

  it("anything but bytes is a TypeError", () => {
    expect(() => Net221.create().load([1, 2, 3] as unknown as Uint8Array)).toThrow(new TypeError("Net221.load: expects the file's bytes as a Uint8Array, received an array of 3 values"));
  });
});

// ---- round trips ----------------------------------------------------------------------------

describe("a saved model resumes training exactly", () => {
  it("DigitsMLP (Adam): 3 steps, save, load into a fresh model of another seed, 2 more steps on both → identical parameters and state", () => {
    const a = DigitsMLP.create({ seed: 1 });
    for (let i = 0; i < 3; i++) a.trainStep(digitsBatch(16, i));
    const b = DigitsMLP.create({ seed: 2 }).load(a.save());
    expect(b.steps).toBe(3);
    expect(same(b.save(), a.save())).toBe(true);
    for (let i = 3; i < 5; i++) expect(b.trainStep(digitsBatch(16, i))).toBe(a.trainStep(digitsBatch(16, i)));
    expect(b.steps).toBe(5);
    for (const p of DigitsMLP.parameters) expect(same(b.getParameter(p.name), a.getParameter(p.name)), p.name).toBe(true);
    expect(same(b.save(), a.save())).toBe(true);
  });

  it("RegularizedMLP (dropout drawn from the step number, BatchNorm's moving statistics, Adam): identical after the round trip", () => {
    const batch = (seed: number) => ({ x: Float32Array.from({ length: 4 * 784 }, (_, i) => Math.fround(Math.sin(i * 0.01 + seed))), y: Int32Array.of(seed % 10, 1, 2, 3) });
    const a = RegularizedMLP.create({ seed: 1 });
    for (let i = 0; i < 3; i++) a.trainStep(batch(i));
    const b = RegularizedMLP.create({ seed: 5 }).load(a.save());
    for (let i = 3; i < 5; i++) expect(b.trainStep(batch(i))).toBe(a.trainStep(batch(i)));
    expect(same(b.save(), a.save())).toBe(true);
  });

  it("a weights-only file restarts the optimizer: the same as a fresh model given those weights", () => {
    const a = DigitsMLP.create({ seed: 1 });
    for (let i = 0; i < 3; i++) a.trainStep(digitsBatch(16, i));
    const weights = build(DigitsMLP.parameters.map((p) => ({ name: p.name, shape: p.shape as number[], values: [...a.getParameter(p.name)] })));
    const b = DigitsMLP.create({ seed: 7 });
    b.trainStep(digitsBatch(16, 9));
    b.load(weights);
    expect(b.steps).toBe(0);
    const c = DigitsMLP.create({ seed: 8 });
    c.setParameters(a.getParameters());
    for (let i = 0; i < 2; i++) expect(b.trainStep(digitsBatch(16, i))).toBe(c.trainStep(digitsBatch(16, i)));
    expect(same(b.save(), c.save())).toBe(true);
  });
});
