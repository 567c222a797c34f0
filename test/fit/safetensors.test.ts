// The safetensors reader `dnnc train` uses on checkpoints (src/fit/safetensors.ts) is the
// generated modules' own (runtime/safetensors.ts): the same checks and bounds, so a crafted file is refused
// with a one-line reason before anything is allocated for it, by the library and by the executable.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readMetadata, readSafetensors, withMetadata, writeSafetensors, type Entry } from "../../src/fit/safetensors.ts";
import { safetensorsWrite } from "../../src/runtime/safetensors.ts";
import { dnncIn, ROOT } from "../helpers/dnnc-cli.ts";

/** A file whose 8-byte header length says `claimed`, followed by `header` (ASCII) and `data`. */
function crafted(claimed: number | bigint, header: string, data: number[] = []): Uint8Array {
  const b = new Uint8Array(8 + header.length + data.length);
  new DataView(b.buffer).setBigUint64(0, BigInt(claimed), true);
  for (let i = 0; i < header.length; i++) b[8 + i] = header.charCodeAt(i);
  b.set(data, 8 + header.length);
  return b;
}

/** A well-formed length followed by `header` and `data`. */
const file = (header: string, data: number[] = []): Uint8Array => crafted(header.length, header, data);
const TWICE = file(`{${'"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}'},${'"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}'}}`, [0, 0, 0, 0, 0, 0, 0, 0]);

const f32 = (...values: number[]): Entry => ({ dtype: "F32", shape: [values.length], data: new Uint8Array(Float32Array.from(values).buffer) });

describe("readSafetensors refuses crafted files with a reason, whatever they claim", () => {
  const cases: [string, Uint8Array, string][] = [
    ["a header length of 2^40 in a 10-byte file", crafted(2n ** 40n, "{}"), "not a valid safetensors file: the header length is 1099511627776 bytes, more than the 100000000 a safetensors header may have"],
    ["a header length of 2^64 - 1", crafted(2n ** 64n - 1n, "{}"), "not a valid safetensors file: the header length is 18446744073709552000 bytes, more than the 100000000"],
    ["a header length of 100,000,001", crafted(100_000_001, "{}"), "not a valid safetensors file: the header length is 100000001 bytes, more than the 100000000"],
    ["the same tensor name twice", TWICE, 'not a valid safetensors file: the header has the key "a" twice in one object'],
    ["a tensor beyond the file", file('{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}', [0, 0, 0, 0]), 'not a valid safetensors file: tensor "a" has data_offsets [0, 8], past the end of the 4-byte data section'],
  ];
  it.each(cases)("%s", (_, bytes, message) => {
    expect(() => readSafetensors(bytes)).toThrow(message);
    expect(() => readMetadata(bytes)).toThrow(message);
  });

  it("round-trips any tensor name, `__proto__` and non-ASCII ones included, with the data 8-byte aligned", () => {
    const tensors = new Map([
      ["__proto__", f32(1, 2)],
      ["é", f32(3)],
      ["constructor", f32(4)],
    ]);
    const bytes = writeSafetensors(tensors, { "dnnc.steps": "3", __proto__: "kept" } as Record<string, string>);
    expect(Number(new DataView(bytes.buffer).getBigUint64(0, true)) % 8).toBe(0);
    const back = readSafetensors(bytes);
    expect([...back.keys()]).toEqual(["__proto__", "é", "constructor"]);
    expect(new Float32Array(back.get("__proto__")!.data.slice().buffer)).toEqual(Float32Array.of(1, 2));
    expect(Object.entries(readMetadata(bytes))).toEqual([["dnnc.steps", "3"]]);
  });
});

const dnnc = (cwd: string, ...args: string[]) => dnncIn(cwd, 120_000, ...args);

describe("dnnc train refuses such a checkpoint in one line, exit 2", () => {
  const dir = mkdtempSync(join(tmpdir(), "dnnc-st-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    ["--init-from", "huge-header.safetensors", crafted(2n ** 40n, "{}"), /^dnnc: checkpoint huge-header\.safetensors refused: not a valid safetensors file: the header length is 1099511627776 bytes, more than the 100000000 a safetensors header may have$/],
    ["--resume", "twice.safetensors", TWICE, /^dnnc: checkpoint twice\.safetensors refused: not a valid safetensors file: the header has the key "a" twice in one object$/],
  ])("%s %s", (flag, name, bytes, says) => {
    writeFileSync(join(dir, name), bytes);
    const r = dnnc(dir, "train", join(ROOT, "samples/mlp_digits.dnn"), "--epochs", "1", flag, name);
    expect(r.status).toBe(2);
    expect(r.stderr.trimEnd().split("\n").at(-1)).toMatch(says);
  }, 120_000);
});

describe("one writer", () => {
  it("lays out a checkpoint `dnnc train` rewrites byte for byte as a module's save() does", () => {
    // What a generated model's save() returns (runtime/safetensors.ts, pasted into the module).
    const saved = safetensorsWrite(
      [
        { name: "dense.kernel", shape: [2, 3], data: Float32Array.of(1, -2, 3.5, 0, -0, 1e-8) },
        { name: "é", shape: [], data: Float32Array.of(7) },
      ],
      { "dnnc.model": "M", "dnnc.steps": "12" },
    );
    expect(writeSafetensors(readSafetensors(saved), readMetadata(saved))).toEqual(saved);
    // A rewrite that adds metadata (the epoch reached) changes the header alone.
    const tagged = withMetadata(saved, { "dnnc.train.epoch": "3" });
    expect(readMetadata(tagged)).toEqual({ "dnnc.model": "M", "dnnc.steps": "12", "dnnc.train.epoch": "3" });
    expect(tagged.subarray(tagged.length - 28)).toEqual(saved.subarray(saved.length - 28));
  });
});
