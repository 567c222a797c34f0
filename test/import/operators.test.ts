// Operators and forms the PyTorch fixtures do not show, in small graphs written with the export's
// encoder: each imported model is checked, compiled, and compared with onnxruntime at batch sizes
// 1 and 3 (as the fixtures are), and the .dnn text shows the translation chosen.
import { afterAll, describe, expect, it } from "vitest";
import { exportModel } from "../../src/api/export.ts";
import { Workspace } from "./helpers.ts";
import { f32, int64s, model, node, weight } from "./graphs.ts";

const ws = new Workspace();
afterAll(() => ws.cleanup());
const io = { input: "x", output: "y" };

describe("dnnc import translates", () => {
  it("MatMul + Add as a Dense, a MatMul alone as Dense(use_bias: false), Sigmoid and Softmax", async () => {
    const bytes = model(
      [node("MatMul", "/fc1/MatMul", ["x", "w1"], ["a"]), node("Add", "/fc1/Add", ["a", "b1"], ["h"]), node("Sigmoid", "/act", ["h"], ["s"]), node("MatMul", "/fc2/MatMul", ["s", "w2"], ["z"]), node("Softmax", "/softmax", ["z"], ["y"], [{ name: "axis", i: -1 }])],
      [weight("w1", [6, 5]), weight("b1", [5]), weight("w2", [5, 3])],
      [f32("x", ["batch", 6])],
      [f32("y", ["batch", 3])],
    );
    const text = await ws.expectSameAsOnnxruntime(bytes, "matmul.onnx", io);
    expect(text).toContain("|> Dense(5, activation: sigmoid)");
    expect(text).toContain("|> Dense(3, use_bias: false)");
    expect(text).toContain("|> softmax");
  }, 120_000);

  it("a non-square convolution as the conv2d primitive with model parameters, average pooling, a per-channel scale in NHWC", async () => {
    const bytes = model(
      [
        node("Conv", "/conv", ["x", "k", "kb"], ["c"], [{ name: "kernel_shape", ints: [3, 1] }, { name: "strides", ints: [1, 2] }]),
        node("Mul", "/scale", ["c", "s"], ["m"]),
        node("AveragePool", "/pool", ["m"], ["p"], [{ name: "kernel_shape", ints: [2, 2] }, { name: "strides", ints: [2, 2] }]),
        node("Flatten", "/flatten", ["p"], ["y"], [{ name: "axis", i: 1 }]),
      ],
      [weight("k", [4, 2, 3, 1]), weight("kb", [4]), weight("s", [4, 1, 1])],
      [f32("x", ["B", 2, 10, 8])],
      [f32("y", ["B", 4 * 4 * 2])],
    );
    const text = await ws.expectSameAsOnnxruntime(bytes, "conv.onnx", io);
    expect(text).toContain('conv2d(conv_kernel, stride: [1, 2], padding: "valid", dilation: 1)');
    expect(text).toContain("|> AvgPool2D(2)");
    // The Flatten of NHWC features with no Dense after it: back to NCHW first, as ONNX flattens.
    expect(text).toContain("|> transpose([0, 3, 1, 2])");
  }, 120_000);

  it("x.view(x.size(0), -1) (Shape, Gather, Unsqueeze, Concat, Reshape) as a Flatten; a Reshape to other shapes; Transpose", async () => {
    const bytes = model(
      [
        node("Shape", "/shape", ["x"], ["shape"]),
        node("Gather", "/batch", ["shape", "zero"], ["n"], [{ name: "axis", i: 0 }]),
        node("Unsqueeze", "/unsqueeze", ["n", "axes0"], ["n1"]),
        node("Concat", "/target", ["n1", "minus1"], ["target"], [{ name: "axis", i: 0 }]),
        node("Reshape", "/view", ["x", "target"], ["flat"]),
        node("Gemm", "/fc", ["flat", "w", "b"], ["h"], [{ name: "transB", i: 1 }]),
        node("Reshape", "/split", ["h", "to3"], ["r"]),
        node("Transpose", "/swap", ["r"], ["t"], [{ name: "perm", ints: [0, 2, 1] }]),
        node("Tanh", "/tanh", ["t"], ["y"]),
      ],
      [{ name: "zero", type: "int64", dims: [], data: BigInt64Array.of(0n) }, int64s("axes0", [0]), int64s("minus1", [-1]), weight("w", [6, 12]), weight("b", [6]), int64s("to3", [0, 2, 3])],
      [f32("x", ["N", 3, 4])],
      [f32("y", ["N", 3, 2])],
    );
    const text = await ws.expectSameAsOnnxruntime(bytes, "view.onnx", io);
    expect(text).toContain("|> Flatten()");
    expect(text).toContain("|> reshape([B, 2, 3])");
  }, 120_000);

  it("MaxPool with TensorFlow's same padding, a 1×1 conv, BatchNormalization of [N, C] features, a residual Sub", async () => {
    const bytes = model(
      [
        node("MaxPool", "/pool", ["x"], ["p"], [{ name: "kernel_shape", ints: [3, 3] }, { name: "strides", ints: [2, 2] }, { name: "pads", ints: [0, 0, 1, 1] }]),
        node("Conv", "/proj", ["p", "k"], ["c"], [{ name: "kernel_shape", ints: [1, 1] }]),
        node("Sub", "/diff", ["c", "p"], ["d"]),
        node("GlobalMaxPool", "/gmp", ["d"], ["g"]),
        node("Flatten", "/flatten", ["g"], ["f"], [{ name: "axis", i: 1 }]),
        node("BatchNormalization", "/bn", ["f", "gamma", "beta", "mean", "var"], ["y"]),
      ],
      [weight("k", [3, 3, 1, 1]), weight("gamma", [3]), weight("beta", [3]), weight("mean", [3]), { ...weight("var", [3]), data: Float32Array.of(0.5, 1.5, 2) }],
      [f32("x", ["B", 3, 8, 8])], // 8 × 8, a 3 × 3 window, stride 2: "same" pads 0 before and 1 after
      [f32("y", ["B", 3])],
    );
    const text = await ws.expectSameAsOnnxruntime(bytes, "pool.onnx", io);
    expect(text).toContain('|> MaxPool2D(3, strides: 2, padding: "same")');
    expect(text).toContain("|> GlobalMaxPool2D()");
  }, 120_000);

  it.each([
    ["linear_before_reset = 1 (PyTorch's) as GRU's reset_after form", 1, "|> GRU(4)"],
    ["linear_before_reset = 0 as GRU(reset_after: false)", 0, "|> GRU(4, reset_after: false)"],
  ])("GRU, %s, its last state Y_h read: no return_sequences", async (_what, linearBeforeReset, expected) => {
    const bytes = model(
      [
        node("Transpose", "/gru/Transpose", ["x"], ["t"], [{ name: "perm", ints: [1, 0, 2] }]),
        node("GRU", "/gru/GRU", ["t", "w", "r", "b"], ["", "h"], [{ name: "hidden_size", i: 4 }, { name: "linear_before_reset", i: linearBeforeReset as number }]),
        node("Squeeze", "/squeeze", ["h", "axes0"], ["s"]),
        node("Gemm", "/fc/Gemm", ["s", "fw", "fb"], ["y"], [{ name: "transB", i: 1 }]),
      ],
      [weight("w", [1, 12, 5]), weight("r", [1, 12, 4]), weight("b", [1, 24]), int64s("axes0", [0]), weight("fw", [3, 4]), weight("fb", [3])],
      [f32("x", ["B", 6, 5])],
      [f32("y", ["B", 3])],
    );
    const text = await ws.expectSameAsOnnxruntime(bytes, "gru.onnx", io);
    expect(text).toContain(expected as string);
  }, 120_000);

  it("MobileNet's pieces: Clip(0, 6) as relu6, HardSwish, ReduceMean over H and W in NHWC, Max/Min with constants, HardSigmoid", async () => {
    const scalar = (name: string, v: number) => ({ name, type: "float" as const, dims: [], data: Float32Array.of(v) });
    const bytes = model(
      [
        node("Conv", "/stem/conv", ["x", "k"], ["c"], [{ name: "kernel_shape", ints: [3, 3] }, { name: "pads", ints: [1, 1, 1, 1] }]),
        node("Clip", "/stem/relu6", ["c", "zero", "six"], ["r"]),
        node("HardSwish", "/block/hswish", ["r"], ["h"]),
        node("ReduceMean", "/pool", ["h"], ["m"], [{ name: "axes", ints: [2, 3] }, { name: "keepdims", i: 1 }]),
        node("Flatten", "/flatten", ["m"], ["f"], [{ name: "axis", i: 1 }]),
        node("Max", "/floor", ["f", "lo"], ["g"]),
        node("Min", "/ceiling", ["g", "hi"], ["q"]),
        node("HardSigmoid", "/gate", ["q"], ["y"]),
      ],
      [weight("k", [6, 2, 3, 3]), scalar("zero", 0), scalar("six", 6), scalar("lo", -0.25), scalar("hi", 0.5)],
      [f32("x", ["B", 2, 6, 6])],
      [f32("y", ["B", 6])],
    );
    const text = await ws.expectSameAsOnnxruntime(bytes, "mobile.onnx", io);
    expect(text).toContain("|> relu6");
    expect(text).toContain("|> hard_silu");
    expect(text).toContain("|> mean(axis: [1, 2])");
    expect(text).toContain("maximum(");
  }, 120_000);

  it("LayerNormalization as LayerNorm, on [B, T, C] sequences after a Dense; the same spelled out as ReduceMean, Sub, Pow… as primitives", async () => {
    const two = { name: "two", type: "float" as const, dims: [], data: Float32Array.of(2) };
    const eps = { name: "eps", type: "float" as const, dims: [], data: Float32Array.of(1e-5) };
    const bytes = model(
      [
        node("MatMul", "/fc/MatMul", ["x", "w"], ["a"]),
        node("Add", "/fc/Add", ["a", "bias"], ["h"]),
        node("LayerNormalization", "/ln/LayerNormalization", ["h", "gamma", "beta"], ["n"], [{ name: "axis", i: -1 }]),
        node("ReduceMean", "/manual/mean", ["n"], ["mu"], [{ name: "axes", ints: [-1] }]),
        node("Sub", "/manual/sub", ["n", "mu"], ["d"]),
        node("Pow", "/manual/pow", ["d", "two"], ["sq"]),
        node("ReduceMean", "/manual/var", ["sq"], ["var"], [{ name: "axes", ints: [-1] }]),
        node("Add", "/manual/eps", ["var", "eps"], ["ve"]),
        node("Sqrt", "/manual/sqrt", ["ve"], ["sd"]),
        node("Div", "/manual/div", ["d", "sd"], ["z"]),
        node("Mul", "/manual/scale", ["z", "gamma2"], ["y"]),
      ],
      [weight("w", [4, 6]), weight("bias", [6]), weight("gamma", [6]), weight("beta", [6]), weight("gamma2", [6], 3), two, eps],
      [f32("x", ["B", 5, 4])],
      [f32("y", ["B", 5, 6])],
    );
    const text = await ws.expectSameAsOnnxruntime(bytes, "norm.onnx", io);
    expect(text).toContain("|> LayerNorm(epsilon: 0.00001)");
    expect(text).toContain("mean(axis: 2)");
  }, 120_000);

  it("dnnc's own export of samples/mlp_digits.dnn (Shape with start and end, biases Expanded to [B, units]) comes back as the same Dense layers", async () => {
    const exported = exportModel({ path: "samples/mlp_digits.dnn", seed: 3 });
    const text = await ws.expectSameAsOnnxruntime(exported.bytes!, "mlp_digits.onnx", { input: "x", output: "logits" });
    expect(text).toContain("|> Dense(64, activation: relu)");
    expect(text).toContain("|> Dense(10)");
  }, 120_000);

  it.each([
    ["LSTM", 4, "|> Bidirectional(LSTM(4, return_sequences: true))"],
    ["GRU", 3, "|> Bidirectional(GRU(4, return_sequences: true))"],
  ])("a bidirectional %s, its outputs concatenated as PyTorch does, as Bidirectional", async (op, gates, expected) => {
    const g = gates as number;
    const bytes = model(
      [
        node("Transpose", "/rnn/Transpose", ["x"], ["t"], [{ name: "perm", ints: [1, 0, 2] }]),
        node(op as string, "/rnn/RNN", ["t", "w", "r", "b"], ["y"], [{ name: "hidden_size", i: 4 }, { name: "direction", s: "bidirectional" }, ...(op === "GRU" ? [{ name: "linear_before_reset", i: 1 }] : [])]),
        node("Transpose", "/rnn/Transpose_1", ["y"], ["yt"], [{ name: "perm", ints: [0, 2, 1, 3] }]),
        node("Reshape", "/rnn/Reshape", ["yt", "merge"], ["m"]),
        node("Transpose", "/rnn/Transpose_2", ["m"], ["z"], [{ name: "perm", ints: [1, 0, 2] }]),
        node("ReduceMean", "/pool", ["z"], ["p"], [{ name: "axes", ints: [1] }, { name: "keepdims", i: 0 }]),
        node("Gemm", "/fc/Gemm", ["p", "fw", "fb"], ["y_out"], [{ name: "transB", i: 1 }]),
      ],
      [weight("w", [2, g * 4, 5]), weight("r", [2, g * 4, 4]), weight("b", [2, 2 * g * 4]), int64s("merge", [0, 0, -1]), weight("fw", [3, 8]), weight("fb", [3])],
      [f32("x", ["B", 6, 5])],
      [f32("y_out", ["B", 3])],
    );
    const text = await ws.expectSameAsOnnxruntime(bytes, "birnn.onnx", { input: "x", output: "y_out" });
    expect(text).toContain(expected as string);
  }, 120_000);

  it("int64 token ids as an i32 input, a Gather from a weight table as Embedding, then an LSTM over the embedded sequence", async () => {
    const bytes = model(
      [
        node("Gather", "/embed/Gather", ["table", "tokens"], ["e"], [{ name: "axis", i: 0 }]),
        node("Transpose", "/lstm/Transpose", ["e"], ["t"], [{ name: "perm", ints: [1, 0, 2] }]),
        node("LSTM", "/lstm/LSTM", ["t", "w", "r", "b"], ["", "h"], [{ name: "hidden_size", i: 4 }]),
        node("Gather", "/last", ["h", "minus1"], ["s"], [{ name: "axis", i: 0 }]), // PyTorch's h_n[-1]
        node("Gemm", "/fc/Gemm", ["s", "fw", "fb"], ["y"], [{ name: "transB", i: 1 }]),
      ],
      [weight("table", [12, 5]), weight("w", [1, 16, 5]), weight("r", [1, 16, 4]), weight("b", [1, 32]), { name: "minus1", type: "int64", dims: [], data: BigInt64Array.of(-1n) }, weight("fw", [3, 4]), weight("fb", [3])],
      [{ name: "tokens", type: "int64", shape: ["B", 7] }],
      [f32("y", ["B", 3])],
    );
    const text = await ws.expectSameAsOnnxruntime(bytes, "tokens.onnx", { input: "tokens", output: "y", ids: 12 });
    expect(text).toContain("input  tokens: i32[B, 7]");
    expect(text).toContain("|> Embedding(12, 5)");
    expect(text).toContain("|> LSTM(4)");
  }, 120_000);

  it("grouped, depthwise and dilated convolutions as Conv2D's groups and dilation_rate", async () => {
    const bytes = model(
      [
        node("Conv", "/grouped", ["x", "k1", "b1"], ["a"], [{ name: "kernel_shape", ints: [3, 3] }, { name: "group", i: 2 }, { name: "pads", ints: [1, 1, 1, 1] }]),
        node("Conv", "/depthwise", ["a", "k2"], ["c"], [{ name: "kernel_shape", ints: [3, 3] }, { name: "group", i: 6 }, { name: "dilations", ints: [2, 2] }]),
        node("GlobalAveragePool", "/pool", ["c"], ["p"]),
        node("Flatten", "/flatten", ["p"], ["y"], [{ name: "axis", i: 1 }]),
      ],
      [weight("k1", [6, 2, 3, 3]), weight("b1", [6]), weight("k2", [6, 1, 3, 3])],
      [f32("x", ["B", 4, 9, 9])],
      [f32("y", ["B", 6])],
    );
    const text = await ws.expectSameAsOnnxruntime(bytes, "groups.onnx", io);
    expect(text).toContain('|> Conv2D(6, 3, padding: "same", groups: 2)');
    expect(text).toContain("|> Conv2D(6, 3, dilation_rate: 2, groups: 6, use_bias: false)");
  }, 120_000);

  it("auto_pad SAME_UPPER as padding \"same\", an average pooling with TensorFlow's padding (the mean of the positions inside)", async () => {
    const bytes = model(
      [
        node("Conv", "/conv", ["x", "k", "kb"], ["c"], [{ name: "kernel_shape", ints: [3, 3] }, { name: "strides", ints: [2, 2] }, { name: "auto_pad", s: "SAME_UPPER" }]),
        node("AveragePool", "/pool", ["c"], ["p"], [{ name: "kernel_shape", ints: [3, 3] }, { name: "strides", ints: [2, 2] }, { name: "auto_pad", s: "SAME_UPPER" }]),
        node("Flatten", "/flatten", ["p"], ["f"], [{ name: "axis", i: 1 }]),
        node("Gemm", "/fc", ["f", "w", "b"], ["y"], [{ name: "transB", i: 1 }]),
      ],
      [weight("k", [4, 3, 3, 3]), weight("kb", [4]), weight("w", [2, 4 * 3 * 3]), weight("b", [2])],
      [f32("x", ["B", 3, 10, 10])],
      [f32("y", ["B", 2])],
    );
    const text = await ws.expectSameAsOnnxruntime(bytes, "same.onnx", io);
    expect(text).toContain('|> Conv2D(4, 3, strides: 2, padding: "same")');
    expect(text).toContain('|> AvgPool2D(3, strides: 2, padding: "same")');
  }, 120_000);

  it("a ResNet stem's MaxPool(3, 2, padding 1) after a relu, an average counting its padding, and Pad, as ZeroPadding2D", async () => {
    const bytes = model(
      [
        node("Conv", "/stem/conv", ["x", "k"], ["c"], [{ name: "kernel_shape", ints: [3, 3] }]),
        node("Relu", "/stem/relu", ["c"], ["r"]),
        node("MaxPool", "/stem/pool", ["r"], ["m"], [{ name: "kernel_shape", ints: [3, 3] }, { name: "strides", ints: [2, 2] }, { name: "pads", ints: [1, 1, 1, 1] }]),
        node("Pad", "/pad", ["m", "pads"], ["pd"]),
        node("AveragePool", "/avg", ["pd"], ["a"], [{ name: "kernel_shape", ints: [3, 3] }, { name: "strides", ints: [1, 1] }, { name: "pads", ints: [1, 1, 1, 1] }, { name: "count_include_pad", i: 1 }]),
        node("Flatten", "/flatten", ["a"], ["y"], [{ name: "axis", i: 1 }]),
      ],
      [weight("k", [2, 3, 3, 3]), int64s("pads", [0, 0, 1, 1, 0, 0, 1, 1])],
      [f32("x", ["B", 3, 10, 10])],
      [f32("y", ["B", 2 * 6 * 6])], // 10 → conv 8 → max pool 4 → Pad 6 → average 6
    );
    const text = await ws.expectSameAsOnnxruntime(bytes, "stem.onnx", io);
    expect(text).toMatch(/\|> ZeroPadding2D\(1\) +\/\/ exact: the input is ≥ 0, a padded 0 never wins\n +\|> MaxPool2D\(3, strides: 2\)/);
    expect(text).toMatch(/\|> ZeroPadding2D\(1\) +\/\/ exact: the average counts the padding \(count_include_pad\)\n +\|> AvgPool2D\(3, strides: 1\)/);
    expect(text.match(/ZeroPadding2D\(1\)/g)).toHaveLength(3);
  }, 120_000);

  it("Conv over [N, C, L] as Conv1D on [N, L, C], MaxPool over L as MaxPool1D, a mean over L", async () => {
    const bytes = model(
      [
        node("Conv", "/conv", ["x", "k", "kb"], ["c"], [{ name: "kernel_shape", ints: [3] }, { name: "pads", ints: [1, 1] }]),
        node("Relu", "/relu", ["c"], ["r"]),
        node("MaxPool", "/pool", ["r"], ["p"], [{ name: "kernel_shape", ints: [2] }, { name: "strides", ints: [2] }]),
        node("ReduceMean", "/mean", ["p"], ["m"], [{ name: "axes", ints: [2] }, { name: "keepdims", i: 0 }]),
        node("Gemm", "/fc", ["m", "w", "b"], ["y"], [{ name: "transB", i: 1 }]),
      ],
      [weight("k", [6, 4, 3]), weight("kb", [6]), weight("w", [2, 6]), weight("b", [2])],
      [f32("x", ["B", 4, 10])],
      [f32("y", ["B", 2])],
    );
    const text = await ws.expectSameAsOnnxruntime(bytes, "conv1d.onnx", io);
    expect(text).toContain('|> Conv1D(6, 3, padding: "same", activation: relu)');
    expect(text).toContain("|> MaxPool1D(2)");
    expect(text).toContain("|> mean(axis: 1)");
  }, 120_000);
});
