// The runtime's model API as code (src/runtime/model.ts, src/runtime/cpu/model.ts), called
// directly rather than through a generated module: parameter lookup and checks, setParameters all
// or nothing, save/load round trips with and without the optimizer state, create's options, the
// update after a step, workspaces made once.
import { describe, expect, it } from "vitest";
import { checkParameterRecord, checkParameterValues, parameterIndex, savedMetadata, type ModelDescription } from "../../src/runtime/model.ts";
import { CpuModel, cpuCreateSeed } from "../../src/runtime/cpu/model.ts";
import { safetensorsRead } from "../../src/runtime/safetensors.ts";
import type { Workspace } from "../../src/runtime/cpu/memory.ts";

const TRAINED: ModelDescription = {
  name: "Tiny",
  parameters: [
    { name: "w", dtype: "f32", shape: [2, 2] },
    { name: "b", dtype: "f32", shape: [2] },
  ],
  stored: [
    { name: "w", shape: [2, 2] },
    { name: "b", shape: [2] },
    { name: "w/m", shape: [2, 2] },
  ],
  stateInitial: [0.25],
  trains: true,
};
const INFERENCE: ModelDescription = { ...TRAINED, stored: TRAINED.stored.slice(0, 2), stateInitial: [], trains: false };

/** A model class the way the TypeScript target generates one: the description, and methods calling the runtime. */
class Tiny extends CpuModel {
  constructor(model: ModelDescription, params: Float32Array[], states: Float32Array[]) {
    super(model, params, states);
  }
  static make(model = TRAINED): Tiny {
    return new Tiny(model, [Float32Array.of(1, 2, 3, 4), Float32Array.of(5, 6)], model.trains ? [new Float32Array(4)] : []);
  }
  get steps(): number {
    return this.stepCount;
  }
  /** A step whose outputs are the loss, new parameters and new state. */
  fakeStep(): number {
    return this.applyStep([Float32Array.of(0.5), Float32Array.of(9, 9, 9, 9), Float32Array.of(8, 8), Float32Array.of(7, 7, 7, 7)]);
  }
  ws(key: string, make: () => Workspace): Workspace {
    return this.workspace(key, make);
  }
  int(name: string, v: Int32Array): Float32Array {
    return this.asFloat32(name, v);
  }
}

describe("parameter lookup and checks", () => {
  const size = (i: number) => [4, 2][i]!;
  it("finds a parameter by name, and names the parameters there are when there is none", () => {
    expect(parameterIndex(TRAINED, "b", "getParameter")).toBe(1);
    expect(() => parameterIndex(TRAINED, "c", "getParameter")).toThrow(new RangeError('Tiny.getParameter: no parameter "c"; parameters are w, b'));
  });
  it("checks values are an array of the parameter's size", () => {
    expect(checkParameterValues(TRAINED, "setParameter", "w", [1, 2, 3, 4], size)).toBe(0);
    expect(() => checkParameterValues(TRAINED, "setParameter", "w", 3 as unknown as number[], size)).toThrow(new TypeError('Tiny.setParameter: "w" must be an array of numbers, received number'));
    expect(() => checkParameterValues(TRAINED, "setParameter", "w", [1, 2], size)).toThrow(new RangeError('Tiny.setParameter: "w" has 4 values (shape [2, 2]), received 2'));
  });
  it("setParameters' record: every entry checked, an object required", () => {
    expect(checkParameterRecord(TRAINED, { b: [1, 2] }, size)).toEqual([[1, [1, 2]]]);
    expect(() => checkParameterRecord(TRAINED, null as unknown as Record<string, number[]>, size)).toThrow("Tiny.setParameters: expects an object of parameters by name, received null");
  });
  it("save's metadata: the step count only for a trained model", () => {
    expect(savedMetadata(TRAINED, 3)).toEqual({ "dnnc.model": "Tiny", "dnnc.steps": "3" });
    expect(savedMetadata(INFERENCE, 3)).toEqual({ "dnnc.model": "Tiny" });
  });
});

describe("CpuModel", () => {
  it("gets copies of parameters, sets them, all or nothing", () => {
    const m = Tiny.make();
    const w = m.getParameter("w");
    w[0] = 100;
    expect([...m.getParameter("w")]).toEqual([1, 2, 3, 4]);
    m.setParameter("b", [7, 8]);
    expect(Object.entries(m.getParameters()).map(([k, v]) => [k, [...v]])).toEqual([["w", [1, 2, 3, 4]], ["b", [7, 8]]]);
    expect(() => m.setParameters({ w: [0, 0, 0, 0], b: [1] })).toThrow(RangeError);
    expect([...m.getParameter("w")]).toEqual([1, 2, 3, 4]);
    expect(Object.getPrototypeOf(m.getParameters())).toBe(null);
  });

  it("applies a step: counts it, stores the new parameters and state, returns the loss", () => {
    const m = Tiny.make();
    expect(m.fakeStep()).toBe(0.5);
    expect(m.steps).toBe(1);
    expect([...m.getParameter("w")]).toEqual([9, 9, 9, 9]);
    expect([...m.getParameter("b")]).toEqual([8, 8]);
  });

  it("save and load round-trip the parameters, the optimizer state and the step count", () => {
    const m = Tiny.make();
    m.fakeStep();
    const file = m.save();
    const read = safetensorsRead("test", file);
    expect([...read.tensors.keys()]).toEqual(["w", "b", "w/m"]);
    expect(read.metadata).toEqual({ "dnnc.model": "Tiny", "dnnc.steps": "1" });
    const n = Tiny.make().load(file);
    expect(n.steps).toBe(1);
    expect([...n.getParameter("w")]).toEqual([9, 9, 9, 9]);
    // Loaded again from its weights alone, training starts afresh: the state from its initial value, step 0.
    const weights = Tiny.make(INFERENCE).save();
    const k = Tiny.make();
    k.fakeStep();
    k.load(weights);
    expect(k.steps).toBe(0);
    expect(k.fakeStep()).toBe(0.5);
  });

  it("load refuses a bad file and leaves the model unchanged", () => {
    const m = Tiny.make();
    expect(() => m.load(Uint8Array.of(1, 2, 3))).toThrow(/^Tiny\.load: /);
    expect(() => m.load(Tiny.make(INFERENCE).save().slice(0, 20))).toThrow(/^Tiny\.load: /);
    expect([...m.getParameter("w")]).toEqual([1, 2, 3, 4]);
  });

  it("makes a workspace once per key, and keeps integer inputs' float copies per name and length", () => {
    const m = Tiny.make();
    let made = 0;
    const make = (): Workspace => (made++, { b: [], sub: [], scratch: [], out: [] });
    const a = m.ws("forward:2", make);
    expect(m.ws("forward:2", make)).toBe(a);
    expect(m.ws("forward:3", make)).not.toBe(a);
    expect(made).toBe(2);
    const f = m.int("y", Int32Array.of(1, 2));
    expect([...f]).toEqual([1, 2]);
    expect(m.int("y", Int32Array.of(3, 4))).toBe(f);
  });
});

describe("cpuCreateSeed", () => {
  it("returns the seed (0 by default) and refuses bad seeds and thread counts, naming the method", () => {
    expect(cpuCreateSeed("Tiny.create", {})).toBe(0);
    expect(cpuCreateSeed("Tiny.create", { seed: 7 })).toBe(7);
    expect(() => cpuCreateSeed("Tiny.create", { seed: 0.5 })).toThrow(new TypeError("Tiny.create: seed must be an integer, received 0.5"));
    expect(() => cpuCreateSeed("Tiny.create", { threads: 0 })).toThrow(new TypeError("Tiny.create: threads must be a positive integer, received 0"));
    expect(() => cpuCreateSeed("Tiny.create", { threads: 65 })).toThrow(new RangeError("Tiny.create: threads must be at most 64, received 65"));
    expect(() => cpuCreateSeed("Tiny.create", { threads: 2 })).toThrow(/threads: 2 needs workerThreads/);
  });
});
