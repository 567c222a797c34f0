// `dnnc train --program NAME` trains with a named training program (`train M.name { … }`,
// decision 0015): its step, its targets, its learning rate `NAME/lr` (--lr sets it); the
// checkpoint holds every program's states, only the chosen one's moved. Unknown or missing
// programs are one-line errors (exit 2).
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readSafetensors, scalarF32 } from "../../src/fit/safetensors.ts";
import { dnncIn } from "../helpers/dnnc-cli.ts";

const TIMEOUT = 120_000;
const FINE_TUNE = `import std.layers.{Dense}
import std.losses.{sparse_cross_entropy}
import std.optimizers.{adam}

model Digits {
  input  x: f32[B, 64]
  output logits: f32[B, 10]
  logits = x / 16.0 |> Dense(32, activation: relu) |> Dense(10)
}

train Digits.head {
  target y: i32[B]
  trainable = params("dense_1.*")
  loss = sparse_cross_entropy(logits, y)
  optimizer = adam(lr: 0.01)
}

train Digits {
  target y: i32[B]
  loss = sparse_cross_entropy(logits, y)
  optimizer = adam(lr: 0.003)
}
`;

describe("dnnc train --program", () => {
  it("trains the named program alone, with its own learning rate and states", () => {
    const dir = mkdtempSync(join(tmpdir(), "dnnc-train-program-"));
    writeFileSync(join(dir, "tune.dnn"), FINE_TUNE);
    const r = dnncIn(dir, TIMEOUT, "train", "tune.dnn", "--program", "head", "--epochs", "2", "--limit", "400", "--lr", "0.02", "--json");
    expect(r.stderr).toMatch(/^training Digits \(program head\) on digits\/train: /m);
    expect(r.status).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result.history).toHaveLength(2);
    expect(result.testAccuracy).toBeGreaterThan(0.3); // the head alone on a random first layer, 400 examples: 0.42 (chance: 0.1)
    const file = readSafetensors(readFileSync(join(dir, "tune.safetensors")));
    const f32 = (name: string) => new Float32Array(new Uint8Array(file.get(name)!.data).buffer); // a copy: readFileSync gives a Buffer, whose slice is a view
    expect(scalarF32(file.get("head/lr"))).toBeCloseTo(0.02, 7);
    expect(scalarF32(file.get("lr"))).toBeCloseTo(0.003, 7);
    expect(scalarF32(file.get("head/step"))).toBe(2 * Math.ceil(360 / 32));
    expect(f32("head/dense_1.kernel/adam.m").some((v) => v !== 0)).toBe(true);
    expect(f32("dense.kernel/adam.m").every((v) => v === 0)).toBe(true);
    expect(file.has("head/dense.kernel/adam.m")).toBe(false);
  }, TIMEOUT);

  it("names the programs there are when asked for another, or for the default one a model lacks", () => {
    const dir = mkdtempSync(join(tmpdir(), "dnnc-train-program-"));
    writeFileSync(join(dir, "tune.dnn"), FINE_TUNE);
    const r = dnncIn(dir, TIMEOUT, "train", "tune.dnn", "--program", "tail");
    expect([r.status, r.stderr.trim()]).toEqual([2, "dnnc: model Digits has no training program tail; its programs: head"]);
    writeFileSync(join(dir, "only.dnn"), FINE_TUNE.replace(/\ntrain Digits \{[^}]*\}\n/, "\n"));
    const only = dnncIn(dir, TIMEOUT, "train", "only.dnn");
    expect([only.status, only.stderr.trim()]).toEqual([2, "dnnc: model Digits has no unnamed train block: choose a training program with --program; its programs: head"]);
  }, TIMEOUT);
});
