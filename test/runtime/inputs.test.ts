// The runtime's input validation as code (src/runtime/inputs.ts): a plan as data, sizes learnt
// from lengths, refusals naming where each size came from, sizes the caller gives.
import { describe, expect, it } from "vitest";
import { bindInputs, dimValue, type InputPlan } from "../../src/runtime/inputs.ts";

// y: i32[B] binds B first; then x: f32[B, T, 3] has T alone unknown and binds it.
const SEQ: InputPlan = {
  names: ["x", "y"],
  symbols: ["B", "T"],
  steps: [
    { name: "y", dtype: "i32", shape: ["B"], uses: [], binds: "B", per: [] },
    { name: "x", dtype: "f32", shape: ["B", "T", 3], uses: ["B"], binds: "T", per: ["B", 3] },
  ],
};
const GIVEN: InputPlan = {
  names: ["x"],
  symbols: ["B", "T"],
  steps: [
    { name: "x", dtype: "f32", shape: ["B", "T"], uses: [], given: "T" },
    { name: "x", dtype: "f32", shape: ["B", "T"], uses: ["T"], binds: "B", per: ["T"] },
  ],
};

describe("dimValue", () => {
  it("evaluates the IR's canonical size text", () => {
    const sizes = new Map([["B", 4], ["T", 7]]);
    expect(dimValue(5, sizes)).toBe(5);
    expect(dimValue("B", sizes)).toBe(4);
    expect(dimValue("169*B", sizes)).toBe(676);
    expect(dimValue("T - 1", sizes)).toBe(6);
    expect(dimValue("B*T + 2*T - 1", sizes)).toBe(41);
  });
});

describe("bindInputs", () => {
  it("learns the sizes from the lengths, in the plan's order", () => {
    expect(bindInputs("M.forward", SEQ, { y: new Int32Array(2), x: new Float32Array(2 * 5 * 3) })).toEqual([2, 5]);
  });
  it("refuses what is not an object, a wrong array type, and a length that fits no size, saying where the sizes came from", () => {
    expect(() => bindInputs("M.forward", SEQ, 3)).toThrow(new TypeError('M.forward: expects an object with "x", "y", received number'));
    expect(() => bindInputs("M.forward", SEQ, { y: new Float32Array(2), x: new Float32Array(6) })).toThrow(new TypeError('M.forward: "y" must be an Int32Array (i32[B]), received Float32Array of 2 values'));
    expect(() => bindInputs("M.forward", SEQ, { y: new Int32Array(2), x: new Float32Array(7) })).toThrow(
      new RangeError('M.forward: "x" expects f32[B, T, 3], a positive multiple of 6 values (B = 2 from the length of "y"), received 7'),
    );
  });
  it("takes a size the lengths cannot determine from the caller's sizes, and refuses it missing or contradicted", () => {
    expect(bindInputs("M.forward", GIVEN, { x: new Float32Array(12) }, { sizes: { T: 4 } })).toEqual([3, 4]);
    expect(() => bindInputs("M.forward", GIVEN, { x: new Float32Array(12) }, {})).toThrow(new RangeError('M.forward: the length of "x" (f32[B, T], 12 values) does not determine T: give it, as in forward(…, { sizes: { T: … } })'));
    expect(() => bindInputs("M.forward", GIVEN, { x: new Float32Array(12) }, { sizes: { T: 4, B: 2 } })).toThrow(
      new RangeError('M.forward: sizes.B is 2, but the length of "x" (f32[B, T], 12 values, T = 4 given in sizes) makes B = 3'),
    );
    expect(() => bindInputs("M.forward", GIVEN, { x: new Float32Array(12) }, { sizes: { Q: 1 } })).toThrow(/sizes has "Q", which is not a size of this model; its sizes are B, T/);
  });
  it("gives 1 for a size no array uses", () => {
    const plan: InputPlan = { names: ["x"], symbols: ["B"], steps: [{ name: "x", dtype: "f32", shape: [4], uses: [] }] };
    expect(bindInputs("M.forward", plan, { x: new Float32Array(4) })).toEqual([1]);
    expect(() => bindInputs("M.forward", plan, { x: new Float32Array(5) })).toThrow(new RangeError('M.forward: "x" expects f32[4], 4 values, received 5'));
  });
});
