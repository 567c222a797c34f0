// PyTorch's state_dicts (test/fixtures/pytorch, written by PyTorch itself with make_fixtures.py)
// loaded into the same models written by hand in .dnn: after the conversion, dnnc's forward (the
// reference interpreter) equals PyTorch's — its ONNX export run by onnxruntime-node — on random
// inputs; written back with the file as template, every tensor is the file's bit for bit (an
// LSTM's two biases excepted: they come back summed into bias_ih); a file that does not fit is
// refused with a report naming what did not pair.
import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import * as ort from "onnxruntime-node";
import { runFrontEnd } from "../../src/api/compile.ts";
import { convertPytorchWeights, formatReport } from "../../src/api/weights.ts";
import { interpret } from "../../src/ir/interpret.ts";
import { safetensorsCopy, safetensorsRead, safetensorsWriteEntries } from "../../src/runtime/safetensors.ts";
import { noise } from "../helpers/sample-values.ts";

const DIR = "test/fixtures/pytorch";
const bytes = (name: string) => new Uint8Array(readFileSync(`${DIR}/${name}`));

/** Every tensor of a safetensors file as float32 (or its raw bytes for other dtypes). */
function tensors(file: Uint8Array): Map<string, { dtype: string; shape: number[]; raw: Uint8Array }> {
  const st = safetensorsRead("", file);
  return new Map([...st.tensors.values()].map((t) => [t.name, { dtype: t.dtype, shape: t.shape, raw: file.subarray(t.begin, t.end) }]));
}

function floats(file: Uint8Array): Map<string, Float32Array> {
  const st = safetensorsRead("", file);
  return new Map([...st.tensors.values()].map((t) => {
    const out = new Float32Array(t.shape.reduce((a, b) => a * b, 1));
    safetensorsCopy(st, t, out);
    return [t.name, out];
  }));
}

function fromPytorch(model: string, weights = `${model}.safetensors`, map?: Record<string, string>) {
  return convertPytorchWeights({ path: `${DIR}/${model}.dnn`, direction: "from-pytorch", weights: bytes(weights), ...(map ? { map } : {}) });
}

/** NHWC → NCHW, for feeding PyTorch's model the image dnnc's gets. */
function nchw(x: Float32Array, [n, h, w, c]: number[]): Float32Array {
  const out = new Float32Array(x.length);
  for (let b = 0; b < n!; b++) for (let i = 0; i < h!; i++) for (let j = 0; j < w!; j++) for (let k = 0; k < c!; k++) out[((b * c! + k) * h! + i) * w! + j] = x[((b * h! + i) * w! + j) * c! + k]!;
  return out;
}

const CASES = [
  { name: "mlp", input: [3, 64], scale: 16, image: false },
  { name: "cnn_bn", input: [3, 28, 28, 1], scale: 2, image: true },
  { name: "resnet", input: [3, 16, 16, 3], scale: 2, image: true },
  { name: "lstm", input: [3, 28, 28], scale: 1, image: false },
];

describe("PyTorch state_dicts into hand-written .dnn models", () => {
  it.each(CASES)("$name: every layer pairs in order, and dnnc's forward equals PyTorch's (its ONNX export in onnxruntime)", async ({ name, input, scale, image }) => {
    const r = fromPytorch(name);
    expect(r.report?.unmatchedLayers).toEqual([]);
    expect(r.report?.unmatchedTensors).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.report!.matched.every((m) => m.how === "auto")).toBe(true);
    const m = runFrontEnd({ path: `${DIR}/${name}.dnn` }, "dce").compilation.models[0]!;
    const params = floats(r.bytes!);
    const x = Float32Array.from(noise(input.reduce((a, b) => a * b, 1), 3), (v) => v * scale);
    const args = m.forward.args.map((a) => (a.role === "input" ? Float64Array.from(x) : Float64Array.from(params.get(a.name)!)));
    const dnnc = interpret(m.forward, args, { B: input[0]! })[0]!;
    const session = await ort.InferenceSession.create(`${DIR}/${name}.onnx`);
    const torchInput = image ? nchw(x, input) : x;
    const torchShape = image ? [input[0]!, input[3]!, input[1]!, input[2]!] : input;
    const torch = (await session.run({ x: new ort.Tensor("float32", torchInput, torchShape) }))["logits"]!.data as Float32Array;
    await session.release();
    const largest = torch.reduce((a, v) => Math.max(a, Math.abs(v)), 0);
    expect(largest).toBeGreaterThan(0.1);
    const worst = torch.reduce((a, v, i) => Math.max(a, Math.abs(v - dnnc[i]!)), 0);
    expect(worst).toBeLessThanOrEqual(1e-4 * largest);
  });

  it("cnn_bn: the Dense after Flatten has its rows reordered from C, H, W to H, W, C, and the report says so", () => {
    const r = fromPytorch("cnn_bn");
    const dense = r.report!.matched.find((m) => m.layer === "dense")!;
    expect(dense.module).toBe("fc");
    expect(dense.tensors[0]!.transform).toMatch(/C, H, W flatten order to H, W, C \(a Flatten of \[6, 6, 16\]/);
    // Kernel row (h, w, c) is fc.weight's column (c, h, w): a spot check of the permutation itself.
    const kernel = floats(r.bytes!).get("dense.kernel")!;
    const weight = floats(bytes("cnn_bn.safetensors")).get("fc.weight")!;
    for (const [h, w, c, o] of [[0, 0, 1, 0], [2, 5, 7, 3], [5, 1, 15, 9]]) expect(kernel[((h! * 6 + w!) * 16 + c!) * 10 + o!]).toBe(weight[o! * 576 + (c! * 6 + h!) * 6 + w!]);
  });

  it("a Dense after a Flatten of a Conv1D's [T, C] map reads PyTorch's C, T order; after an LSTM's sequence, as is", () => {
    const text = (rnn: boolean) => `import std.layers.{Conv1D, LSTM, Flatten, Dense}\nmodel M {\n  input x: f32[B, 5, 2]\n  output y: f32[B, 2]\n  y = x |> ${rnn ? "LSTM(3, return_sequences: true)" : "Conv1D(3, 2)"} |> Flatten() |> Dense(2)\n}\n`;
    const weight = Float32Array.from({ length: 2 * 15 }, (_, i) => i);
    const entry = (name: string, shape: number[], data: Float32Array) => ({ name, dtype: "F32", shape, bytes: new Uint8Array(data.buffer.slice(0)) });
    const conv = [entry("conv.weight", [3, 2, 2], new Float32Array(12)), entry("conv.bias", [3], new Float32Array(3))];
    const rnn = [entry("rnn.weight_ih_l0", [12, 2], new Float32Array(24)), entry("rnn.weight_hh_l0", [12, 3], new Float32Array(36)), entry("rnn.bias_ih_l0", [12], new Float32Array(12)), entry("rnn.bias_hh_l0", [12], new Float32Array(12))];
    const fc = (n: number) => [entry("fc.weight", [2, n], weight.slice(0, 2 * n)), entry("fc.bias", [2], new Float32Array(2))];
    const afterConv = convertPytorchWeights({ path: "m.dnn", text: text(false), direction: "from-pytorch", weights: safetensorsWriteEntries([...conv, ...fc(12)], {}) });
    expect(afterConv.report!.matched[1]!.tensors[0]!.transform).toMatch(/from PyTorch's C, T flatten order to T, C \(a Flatten of \[4, 3\]/);
    const kernel = floats(afterConv.bytes!).get("dense.kernel")!;
    for (let t = 0; t < 4; t++) for (let c = 0; c < 3; c++) for (let o = 0; o < 2; o++) expect(kernel[(t * 3 + c) * 2 + o]).toBe(o * 12 + c * 4 + t);
    const afterRnn = convertPytorchWeights({ path: "m.dnn", text: text(true), direction: "from-pytorch", weights: safetensorsWriteEntries([...rnn, ...fc(15)], {}) });
    expect(afterRnn.report!.matched[1]!.tensors[0]!.transform).toBe("transposed [out, in] → [in, out]");
  });

  it.each(["mlp", "cnn_bn", "resnet"])("%s: written back with the file as template, every tensor is the file's bit for bit", (name) => {
    const r = fromPytorch(name);
    const back = convertPytorchWeights({ path: `${DIR}/${name}.dnn`, direction: "to-pytorch", weights: r.bytes!, like: bytes(`${name}.safetensors`) });
    expect(back.ok).toBe(true);
    const original = tensors(bytes(`${name}.safetensors`));
    const written = tensors(back.bytes!);
    expect([...written.keys()]).toEqual([...original.keys()]);
    for (const [n, t] of original) expect(written.get(n), n).toEqual(t);
  });

  it("lstm: written back, the weights are the file's bit for bit and the biases bias_ih + bias_hh and 0; loaded again, the same parameters", () => {
    const r = fromPytorch("lstm");
    const back = convertPytorchWeights({ path: `${DIR}/lstm.dnn`, direction: "to-pytorch", weights: r.bytes!, like: bytes("lstm.safetensors") });
    expect(back.ok).toBe(true);
    const original = floats(bytes("lstm.safetensors"));
    const written = floats(back.bytes!);
    for (const n of ["lstm.weight_ih_l0", "lstm.weight_hh_l0", "fc.weight", "fc.bias"]) expect(written.get(n), n).toEqual(original.get(n));
    expect(written.get("lstm.bias_ih_l0")).toEqual(original.get("lstm.bias_ih_l0")!.map((v, i) => v + original.get("lstm.bias_hh_l0")![i]!));
    expect(written.get("lstm.bias_hh_l0")).toEqual(new Float32Array(128));
    const again = convertPytorchWeights({ path: `${DIR}/lstm.dnn`, direction: "from-pytorch", weights: back.bytes! });
    expect(again.bytes).toEqual(r.bytes);
  });

  it("without a template, the state_dict is named after the dnnc layers (num_batches_tracked 0), and reads back to the same parameters", () => {
    const r = fromPytorch("resnet");
    const out = convertPytorchWeights({ path: `${DIR}/resnet.dnn`, direction: "to-pytorch", weights: r.bytes!, map: { dense: "fc" } });
    expect(out.ok).toBe(true);
    const written = tensors(out.bytes!);
    expect([...written.keys()].slice(0, 7)).toEqual(["conv2d.weight", "batch_norm.weight", "batch_norm.bias", "batch_norm.running_mean", "batch_norm.running_var", "batch_norm.num_batches_tracked", "conv2d_1.weight"]);
    expect(written.get("batch_norm.num_batches_tracked")).toEqual({ dtype: "I64", shape: [], raw: new Uint8Array(8) });
    expect(written.get("fc.weight")?.shape).toEqual([10, 32]);
    const again = convertPytorchWeights({ path: `${DIR}/resnet.dnn`, direction: "from-pytorch", weights: out.bytes! });
    expect(again.bytes).toEqual(r.bytes);
  });
});

describe("a file in name order (as safetensors' save_file writes a state_dict: sorted by dtype, then name)", () => {
  function byName(name: string): Uint8Array {
    const t = tensors(bytes(`${name}.safetensors`));
    const order = [...t.keys()].sort((a, b) => (t.get(a)!.dtype === t.get(b)!.dtype ? (a < b ? -1 : 1) : t.get(a)!.dtype === "I64" ? -1 : 1));
    return safetensorsWriteEntries(order.map((n) => ({ name: n, dtype: t.get(n)!.dtype, shape: t.get(n)!.shape, bytes: t.get(n)!.raw })), {});
  }

  it.each(["cnn_bn", "resnet"])("%s: pairs each kind of layer in natural name order, says so, and loads what the file in model order loads", (name) => {
    const r = convertPytorchWeights({ path: `${DIR}/${name}.dnn`, direction: "from-pytorch", weights: byName(name) });
    expect(r.ok).toBe(true);
    expect(r.report!.notes).toEqual([expect.stringMatching(/^the file's tensors are in name order, not the model's/)]);
    expect(formatReport(r.report!)).toContain("Note: the file's tensors are in name order");
    expect(r.bytes).toEqual(fromPytorch(name).bytes);
  });

  it("a file in the state_dict's order is paired in that order, with no note", () => {
    expect(fromPytorch("mlp").report!.notes).toEqual([]);
  });
});

describe("weights that do not fit", () => {
  it("an MLP's file in the CNN: nothing pairs, and the report names every layer and tensor left", () => {
    const r = fromPytorch("cnn_bn", "mlp.safetensors");
    expect(r.ok).toBe(false);
    expect(r.bytes).toBeUndefined();
    expect(r.report!.unmatchedLayers.map((u) => u.layer)).toEqual(["conv2d", "batch_norm", "conv2d_1", "batch_norm_1", "dense"]);
    expect(r.report!.unmatchedTensors.map((t) => t.name)).toEqual(["fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"]);
    const text = formatReport(r.report!);
    expect(text).toContain("Not paired in the model:\n  conv2d (Conv2D): conv2d.kernel [3, 3, 1, 8], conv2d.bias [8]\n    no module left in order has the tensors a Conv2D of these shapes reads (weight [8, 1, 3, 3], bias [8])");
    expect(text).toContain("Not read in the PyTorch file:\n  fc1.weight F32[32, 64]");
  });

  it("one layer of another width: it and its module are reported, the rest pair", () => {
    const text = readFileSync(`${DIR}/mlp.dnn`, "utf8").replace("Dense(32,", "Dense(16,");
    const r = convertPytorchWeights({ path: `${DIR}/mlp.dnn`, text, direction: "from-pytorch", weights: bytes("mlp.safetensors") });
    expect(r.ok).toBe(false);
    expect(r.report!.matched).toEqual([]);
    expect(r.report!.unmatchedLayers.map((u) => [u.layer, u.reason])).toEqual([
      ["dense", "no module left in order has the tensors a Dense of these shapes reads (weight [16, 64], bias [16])"],
      ["dense_1", "no module left in order has the tensors a Dense of these shapes reads (weight [10, 16], bias [10])"],
    ]);
  });
});

describe("recurrent layers, Embedding, LayerNorm, Conv1d (test/weights/make_fixtures.py writes the state_dicts and PyTorch's logits)", () => {
  const CASES = [
    { name: "seq_gru", pairs: ["embedding←embed", "layer_norm←norm", "conv1d←conv", "gru←gru[l0]", "gru_1←gru[l1]", "dense←head"] },
    { name: "bi_rnn", pairs: ["lstm←lstm[l0]", "lstm_1←lstm[l0_reverse]", "gru←gru[l0]", "gru_1←gru[l0_reverse]", "dense←fc"] },
  ];
  const fixture = (name: string) => ({
    path: `test/weights/fixtures/${name}.dnn`,
    file: new Uint8Array(readFileSync(`test/weights/fixtures/${name}.safetensors`)),
    reference: JSON.parse(readFileSync(`test/weights/fixtures/${name}.json`, "utf8")) as { inputs: number[]; shape: number[]; logits: number[] },
  });

  it.each(CASES)("$name: each layer and direction of a PyTorch RNN pairs with a dnnc layer, and the forward equals PyTorch's logits", ({ name, pairs }) => {
    const { path, file, reference } = fixture(name);
    const r = convertPytorchWeights({ path, direction: "from-pytorch", weights: file });
    expect(r.ok).toBe(true);
    expect(r.report!.matched.map((m) => `${m.layer}←${m.module}`)).toEqual(pairs);
    const m = runFrontEnd({ path }, "dce").compilation.models[0]!;
    const params = floats(r.bytes!);
    const args = m.forward.args.map((a) => (a.role === "input" ? Float64Array.from(reference.inputs) : Float64Array.from(params.get(a.name)!)));
    const dnnc = interpret(m.forward, args, { B: reference.shape[0]! })[0]!;
    const largest = reference.logits.reduce((a, v) => Math.max(a, Math.abs(v)), 0);
    expect(largest).toBeGreaterThan(0.1);
    reference.logits.forEach((v, i) => expect(Math.abs(v - dnnc[i]!)).toBeLessThanOrEqual(1e-5 * largest));
  });

  it("seq_gru: writes back bit for bit (a GRU's two biases stay two)", () => {
    const { path, file } = fixture("seq_gru");
    const r = convertPytorchWeights({ path, direction: "from-pytorch", weights: file });
    const back = convertPytorchWeights({ path, direction: "to-pytorch", weights: r.bytes!, like: file });
    expect(back.ok).toBe(true);
    const original = tensors(file);
    const written = tensors(back.bytes!);
    expect([...written.keys()]).toEqual([...original.keys()]);
    for (const [n, t] of original) expect(written.get(n), n).toEqual(t);
  });
});

describe("a map", () => {
  /** mlp.safetensors with fc2 stored before fc1: in order, each Linear fits one dense only at the other's expense. */
  function swapped(): Uint8Array {
    const t = tensors(bytes("mlp.safetensors"));
    const order = ["fc2.weight", "fc2.bias", "fc1.weight", "fc1.bias"];
    return safetensorsWriteEntries(order.map((name) => ({ name, dtype: "F32", shape: t.get(name)!.shape, bytes: t.get(name)!.raw })), {});
  }
  const path = `${DIR}/mlp.dnn`;

  it("without one, a file whose order crosses the model's is refused, each layer's only candidate named", () => {
    const r = convertPytorchWeights({ path, direction: "from-pytorch", weights: swapped() });
    expect(r.ok).toBe(false);
    expect(r.report!.unmatchedLayers.map((u) => [u.layer, u.candidates])).toEqual([["dense", ["fc1"]], ["dense_1", ["fc2"]]]);
    expect(formatReport(r.report!)).toContain("(candidates: fc1; give a --map)");
  });

  it("by module, or by tensor, settles it: the result is the in-order file's", () => {
    const want = fromPytorch("mlp").bytes;
    const byModule = convertPytorchWeights({ path, direction: "from-pytorch", weights: swapped(), map: { dense: "fc1" } });
    expect(byModule.ok).toBe(true);
    expect(byModule.report!.matched.map((m) => [m.layer, m.module, m.how])).toEqual([["dense", "fc1", "map"], ["dense_1", "fc2", "auto"]]);
    expect(byModule.bytes).toEqual(want);
    const byTensor = convertPytorchWeights({ path, direction: "from-pytorch", weights: swapped(), map: { "dense_1.kernel": "fc2.weight", "dense_1.bias": "fc2.bias" } });
    expect(byTensor.ok).toBe(true);
    expect(byTensor.bytes).toEqual(want);
  });

  it("a recurrent module by its plain name, and a layer's entry beside its parameter's", () => {
    const r = convertPytorchWeights({ path: `${DIR}/lstm.dnn`, direction: "from-pytorch", weights: bytes("lstm.safetensors"), map: { lstm: "lstm", dense: "fc", "dense.bias": "fc.bias" } });
    expect(r.ok).toBe(true);
    expect(r.report!.matched.map((m) => [m.layer, m.module, m.how])).toEqual([["lstm", "lstm[l0]", "map"], ["dense", "fc", "map"]]);
    expect(r.bytes).toEqual(fromPytorch("lstm").bytes);
  });

  it("entries naming nothing, or a module that does not fit, are reported", () => {
    const r = convertPytorchWeights({ path, direction: "from-pytorch", weights: bytes("mlp.safetensors"), map: { dense: "fc2", nothing: "fc1", dense_1: "fc9" } });
    expect(r.ok).toBe(false);
    expect(r.report!.problems).toEqual(['map: the model has no layer or parameter "nothing"', 'map: "dense_1" → "fc9": the file has no module "fc9"']);
    expect(r.report!.unmatchedLayers[0]).toMatchObject({ layer: "dense", reason: "mapped to fc2, which does not fit: fc2.weight is [10, 32], the layer needs [32, 64]" });
  });

  it("writing without a template: entries naming nothing, or two tensors one name, are reported and nothing is written", () => {
    const checkpoint = fromPytorch("mlp").bytes!;
    const r = convertPytorchWeights({ path, direction: "to-pytorch", weights: checkpoint, map: { dense: "fc", dense_1: "fc", nothing: "x" } });
    expect(r.ok).toBe(false);
    expect(r.bytes).toBeUndefined();
    expect(r.report!.problems).toEqual(['map: the model has no layer or parameter "nothing"', 'map: two tensors would be named "fc.weight"', 'map: two tensors would be named "fc.bias"']);
  });

  it("several equal layers and more equal modules than layers: ambiguous, refused with the candidates", () => {
    const text = "import std.layers.{Dense}\nmodel Two {\n  input x: f32[B, 4]\n  output y: f32[B, 4]\n  y = x |> Dense(4) |> Dense(4)\n}\n";
    const linear = (k: number) => [`l${k}.weight`, `l${k}.bias`].map((name, i) => ({ name, dtype: "F32", shape: i ? [4] : [4, 4], bytes: new Uint8Array(i ? 16 : 64) }));
    const weights = safetensorsWriteEntries([...linear(0), ...linear(1), ...linear(2)], {});
    const r = convertPytorchWeights({ path: "two.dnn", text, direction: "from-pytorch", weights });
    expect(r.ok).toBe(false);
    expect(r.report!.unmatchedLayers.map((u) => [u.layer, u.candidates])).toEqual([["dense", ["l0", "l1"]], ["dense_1", ["l1", "l2"]]]);
    const settled = convertPytorchWeights({ path: "two.dnn", text, direction: "from-pytorch", weights, map: { dense: "l0", dense_1: "l2" }, allowUnused: true });
    expect(settled.ok).toBe(true);
    expect(settled.report!.unmatchedTensors.map((t) => t.name)).toEqual(["l1.weight", "l1.bias"]);
  });
});
