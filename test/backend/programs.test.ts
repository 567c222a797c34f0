// Named training programs (`train M.name { … }`, decision 0015) in generated modules, on the ts
// and wasm targets, compiled the way a user does and imported: each program's step changes the
// parameters of its trainable set and leaves every other one bit-identical; each has its own
// optimizer states (saved and loaded with the rest) and its own step count; its inputs are checked
// and a non-finite step is skipped as trainStep's is, under its own method's name.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { compileSample, importGenerated, type CompiledSample } from "../helpers/compile-sample.ts";
import { readMetadata, readSafetensors, scalarF32 } from "../../src/fit/safetensors.ts";

const TIMEOUT = 180_000;
type Arrays = Record<string, Float32Array | Int32Array>;
interface Model {
  trainStep(batch: Arrays): number;
  trainHead(batch: Arrays): number;
  trainBody(batch: Arrays): number;
  evaluate(batch: Arrays): number;
  evaluateHead(batch: Arrays): number;
  evaluateBody(batch: Arrays): number;
  readonly steps: number;
  fit(data: Arrays, options?: { program?: string; epochs?: number; batchSize?: number; validationSplit?: number }): Promise<{ history: { loss: number[]; val_loss?: number[] } }>;
  getParameters(): Record<string, Float32Array>;
  setParameters(values: Record<string, ArrayLike<number>>): void;
  save(): Uint8Array;
  load(bytes: Uint8Array): Model;
}
interface ModelClass {
  create(options?: { seed?: number }): Model;
  readonly optimizerStates: readonly { name: string }[];
}

const B = 6;
const values = (n: number, seed: number, scale = 1) => Float32Array.from({ length: n }, (_, i) => ((((i * 7919 + seed * 104729) % 1000) / 1000) - 0.5) * scale);
const batch = (seed: number): Arrays => ({ x: values(B * 4, seed, 2), y: Int32Array.from({ length: B }, (_, i) => (i + seed) % 3), t: values(B * 3, seed + 1, 2) });
const HEAD = ["dense_1.kernel", "dense_1.bias"];
const BODY = ["dense.kernel", "dense.bias"];

/** The parameters `after` changed from `before`, by name: every value compared bit for bit. */
function changed(before: Record<string, Float32Array>, after: Record<string, Float32Array>): string[] {
  return Object.keys(before).filter((k) => !new Uint8Array(before[k]!.buffer).every((b, i) => b === new Uint8Array(after[k]!.buffer)[i]));
}
const tensor = (bytes: Uint8Array, name: string) => {
  const e = readSafetensors(bytes).get(name);
  if (!e) throw new Error(`no tensor ${name} in the file`);
  return new Float32Array(e.data.slice().buffer);
};

describe.each(["ts", "wasm"] as const)("training programs, --target %s", (target) => {
  let s: CompiledSample;
  let C: ModelClass;
  beforeAll(async () => {
    s = await compileSample("test/backend/fixtures/programs.dnn", target);
    if (s.code !== 0) throw new Error(s.stderr);
    C = (await importGenerated<Record<string, ModelClass>>(s.file)).TwoWays!;
  }, TIMEOUT);
  afterAll(() => s?.cleanup());

  it("each program updates exactly its trainable set; the others come back bit-identical", () => {
    const m = C.create({ seed: 3 });
    let before = m.getParameters();
    m.trainHead(batch(1));
    expect(changed(before, m.getParameters())).toEqual(HEAD);
    before = m.getParameters();
    m.trainBody(batch(2));
    expect(changed(before, m.getParameters())).toEqual(BODY);
    before = m.getParameters();
    m.trainStep(batch(3));
    expect(changed(before, m.getParameters())).toEqual([...BODY, ...HEAD]);
  });

  it("names each program's states after it, and steps only its own", () => {
    expect(C.optimizerStates.map((x) => x.name)).toEqual([
      "lr",
      ...[...BODY, ...HEAD].map((p) => `${p}/sgd.velocity`),
      "head/step",
      "head/lr",
      ...HEAD.flatMap((p) => [`head/${p}/adam.m`, `head/${p}/adam.v`]),
      "body/step",
      "body/lr",
      ...BODY.flatMap((p) => [`body/${p}/adam.m`, `body/${p}/adam.v`]),
    ]);
    const m = C.create({ seed: 3 });
    m.trainHead(batch(1));
    m.trainHead(batch(2));
    const file = m.save();
    expect(scalarF32(readSafetensors(file).get("head/step"))).toBe(2);
    expect(scalarF32(readSafetensors(file).get("body/step"))).toBe(0);
    expect(tensor(file, "head/dense_1.kernel/adam.m").some((v) => v !== 0)).toBe(true);
    expect(tensor(file, "body/dense.kernel/adam.m").every((v) => v === 0)).toBe(true);
    expect(tensor(file, "dense_1.kernel/sgd.velocity").every((v) => v === 0)).toBe(true);
    // The model's own step count is the default program's.
    expect(m.steps).toBe(0);
    expect(readMetadata(file)["dnnc.steps"]).toBe("0");
  });

  it("counts each program's Adam steps apart: default steps do not advance the head's bias correction", () => {
    const a = C.create({ seed: 4 });
    a.trainStep(batch(1));
    a.trainStep(batch(2));
    const b = C.create({ seed: 9 });
    b.setParameters(a.getParameters());
    a.trainHead(batch(3));
    b.trainHead(batch(3));
    expect(a.getParameters()).toEqual(b.getParameters());
  });

  it("save() and load() carry every program's parameters and states: training goes on identically", () => {
    const a = C.create({ seed: 5 });
    for (let i = 0; i < 3; i++) a.trainHead(batch(i)), a.trainBody(batch(i + 10)), a.trainStep(batch(i + 20));
    const b = C.create({ seed: 6 }).load(a.save());
    expect(b.save()).toEqual(a.save());
    for (const m of [a, b]) m.trainHead(batch(30)), m.trainBody(batch(31)), m.trainStep(batch(32));
    expect(b.getParameters()).toEqual(a.getParameters());
    expect(b.save()).toEqual(a.save());
  });

  it("evaluate<Name> is the program's loss, changing nothing", () => {
    const m = C.create({ seed: 7 });
    const file = m.save();
    const loss = m.evaluateBody(batch(1));
    expect(m.save()).toEqual(file);
    expect(m.trainBody(batch(1))).toBeCloseTo(loss, 5);
    expect(m.evaluateHead(batch(2))).toBeCloseTo(m.evaluate(batch(2)), 6);
  });

  it("fit({ program }) trains with that program alone; an unknown program is refused", async () => {
    const m = C.create({ seed: 2 });
    const data = { x: values(40 * 4, 3, 2), y: Int32Array.from({ length: 40 }, (_, i) => i % 3), t: values(40 * 3, 4, 2) };
    const before = m.getParameters();
    const fitted = await m.fit(data, { program: "body", epochs: 3, batchSize: 8, validationSplit: 0.25 });
    expect(changed(before, m.getParameters())).toEqual(BODY);
    expect(fitted.history.loss).toHaveLength(3);
    expect(fitted.history.loss[2]!).toBeLessThan(fitted.history.loss[0]!);
    expect(fitted.history.val_loss).toHaveLength(3);
    expect(scalarF32(readSafetensors(m.save()).get("body/step"))).toBe(12);
    await expect(m.fit(data, { program: "tail" })).rejects.toThrow(/TwoWays\.fit: no training program "tail"; leave program out for the default one, or name one of head, body/);
  });

  it("checks a program's batch under its method's name, and skips a non-finite step as trainStep does", () => {
    const m = C.create({ seed: 8 });
    const file = m.save();
    expect(() => m.trainBody({ x: values(B * 4, 1) })).toThrow(/TwoWays\.trainBody/);
    const bad = batch(1);
    (bad.x as Float32Array)[5] = NaN;
    expect(() => m.trainHead(bad)).toThrow(/TwoWays\.trainHead: the step was skipped: input "x" has NaN at index 5/);
    expect(m.save()).toEqual(file);
  });
});
