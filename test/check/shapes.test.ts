// `dnnc check --shapes` for every sample, pinned as golden text, and every sample's parameter
// count against the count Keras reports for the same architecture — computed here from
// Keras's formulas, independently of the compiler.
import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { compile } from "../../src/compiler.ts";
import { printSummary } from "../../src/check/summary.ts";
import { size } from "../../src/ir/shape.ts";
import { expectGolden } from "../golden/goldens.ts";

const samples = readdirSync("samples").filter((f) => f.endsWith(".dnn"));

function summaries(file: string): { text: string; counts: Map<string, { total: number; trainable: number }> } {
  const c = compile(`samples/${file}`);
  expect(c.diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual([]);
  const counts = new Map<string, { total: number; trainable: number }>();
  const text = c.models
    .map((m) => {
      const params = m.params.map((p) => ({ size: size(p.shape) as number, trainable: p.trainable }));
      counts.set(m.name, { total: params.reduce((a, p) => a + p.size, 0), trainable: params.reduce((a, p) => a + (p.trainable ? p.size : 0), 0) });
      return printSummary(m.name, m.summary, params, c.program.sources.get(`samples/${file}`));
    })
    .join("\n");
  return { text, counts };
}

describe("shape summary of each sample", () => {
  it.each(samples)("%s", (file) => {
    expectGolden(`test/golden/shapes/${file.replace(/\.dnn$/, ".txt")}`, summaries(file).text);
  });
});

// Keras's parameter counts, layer by layer.
const dense = (i: number, o: number) => i * o + o;
const conv = (k: number, cin: number, cout: number) => k * k * cin * cout + cout;
const bn = (c: number) => 4 * c; // gamma, beta (trainable); moving mean and variance (not)
const lstm = (d: number, u: number) => 4 * (d * u + u * u + u);
const gru = (d: number, u: number) => 3 * (d * u + u * u + 2 * u); // reset_after = True
const block = (cin: number, f: number, project: boolean) => conv(3, cin, f) + bn(f) + conv(3, f, f) + bn(f) + (project ? conv(1, cin, f) + bn(f) : 0);

const attention = (d: number, h: number, k: number) => 3 * (d * h * k + h * k) + h * k * d + d;
const transformerBlock = (d: number, h: number, k: number, mlp: number) => 2 * 2 * d + attention(d, h, k) + dense(d, mlp) + dense(mlp, d);

describe("parameter counts equal Keras's", () => {
  const cases: [string, string, number, number][] = [
    // file, model, total, trainable
    ["mlp_digits.dnn", "DigitsMLP", dense(64, 64) + dense(64, 10), dense(64, 64) + dense(64, 10)],
    ["mnist_cnn.dnn", "MnistCNN", 93_322, 93_322], // as printed by the Keras tutorial's model.summary()
    ["lstm_mnist.dnn", "LstmClassifier", lstm(28, 64) + dense(64, 10), lstm(28, 64) + dense(64, 10)],
    ["lstm_mnist.dnn", "GruClassifier", gru(28, 64) + dense(64, 10), gru(28, 64) + dense(64, 10)],
    [
      "resnet_small.dnn",
      "ResNetSmall",
      conv(3, 3, 16) + bn(16) + 2 * block(16, 16, false) + block(16, 32, true) + block(32, 32, false) + block(32, 64, true) + block(64, 64, false) + dense(64, 10),
      conv(3, 3, 16) + bn(16) + 2 * block(16, 16, false) + block(16, 32, true) + block(32, 32, false) + block(32, 64, true) + block(64, 64, false) + dense(64, 10) -
        // every BatchNorm's moving statistics (2c each): the stem's, 2 per plain block, 3 per projecting block
        2 * (16 + 4 * 16 + 5 * 32 + 5 * 64),
    ],
    ["transfer.dnn", "TransferClassifier", conv(3, 3, 32) + conv(3, 32, 64) + conv(3, 64, 128) + dense(128, 5), dense(128, 5)],
    ["mlp_fashion.dnn", "FashionMLP", dense(784, 256) + dense(256, 128) + dense(128, 100) + dense(100, 10), dense(784, 256) + dense(256, 128) + dense(128, 100) + dense(100, 10)],
    ["cnn_fashion.dnn", "FashionCNN", 93_322, 93_322],
    ["gru_fashion.dnn", "FashionGRU", gru(28, 128) + dense(128, 10), gru(28, 128) + dense(128, 10)],
    ["lstm_fashion.dnn", "FashionLSTM", lstm(28, 128) + dense(128, 10), lstm(28, 128) + dense(128, 10)],
    ["regularized_fashion.dnn", "RegularizedFashionMLP", dense(784, 512) + dense(512, 256) + dense(256, 10), dense(784, 512) + dense(512, 256) + dense(256, 10)],
    [
      "resnet_fashion.dnn",
      "FashionResNet",
      conv(3, 1, 16) + bn(16) + block(16, 16, false) + block(16, 32, true) + block(32, 32, false) + block(32, 64, true) + dense(64, 10),
      conv(3, 1, 16) + bn(16) + block(16, 16, false) + block(16, 32, true) + block(32, 32, false) + block(32, 64, true) + dense(64, 10) - 2 * (16 + 2 * 16 + 3 * 32 + 2 * 32 + 3 * 64),
    ],
    ["transfer_fashion.dnn", "FashionPretrain", conv(3, 1, 32) + conv(3, 32, 64) + dense(1600, 64) + dense(64, 5), conv(3, 1, 32) + conv(3, 32, 64) + dense(1600, 64) + dense(64, 5)],
    ["transfer_fashion.dnn", "FashionTransfer", conv(3, 1, 32) + conv(3, 32, 64) + dense(1600, 64) + dense(64, 5), dense(1600, 64) + dense(64, 5)],
    // Conv2DTranspose's kernel is [k, k, filters, channels]: Keras's count is conv's with the two swapped.
    ["autoencoder_fashion.dnn", "FashionAutoencoder", conv(3, 1, 16) + conv(3, 16, 8) + conv(3, 8, 8) + conv(3, 8, 16) + conv(3, 16, 1), conv(3, 1, 16) + conv(3, 16, 8) + conv(3, 8, 8) + conv(3, 8, 16) + conv(3, 16, 1)],
    // Keras's MultiHeadAttention over width d with h heads of k: 3·(d·h·k + h·k) + h·k·d + d; a
    // pre-norm Transformer block adds two LayerNorms (2d each) and a Dense(mlp) → Dense(d) MLP.
    ["vit_fashion.dnn", "FashionViT", conv(4, 1, 64) + 49 * 64 + 4 * transformerBlock(64, 4, 16, 128) + 2 * 64 + dense(64, 10), conv(4, 1, 64) + 49 * 64 + 4 * transformerBlock(64, 4, 16, 128) + 2 * 64 + dense(64, 10)],
    ["sort_transformer.dnn", "SortTransformer", 11 * 64 + 16 * 64 + 2 * transformerBlock(64, 4, 16, 128) + 2 * 64 + dense(64, 11), 11 * 64 + 16 * 64 + 2 * transformerBlock(64, 4, 16, 128) + 2 * 64 + dense(64, 11)],
    ["regularized_mlp.dnn", "RegularizedMLP", dense(784, 256) + bn(256) + dense(256, 128) + bn(128) + dense(128, 10), dense(784, 256) + dense(256, 128) + dense(128, 10) + 2 * 256 + 2 * 128],
    // GenBlock is a Dense layer of the sample's own (generator 4 → 32 → 32 → 2); the discriminator's weights (2 → 32 → 32 → 1) are the model's params.
    ["gan.dnn", "Gan", dense(4, 32) + dense(32, 32) + dense(32, 2) + dense(2, 32) + dense(32, 32) + dense(32, 1), dense(4, 32) + dense(32, 32) + dense(32, 2) + dense(2, 32) + dense(32, 32) + dense(32, 1)],
  ];
  it.each(cases)("%s %s", (file, model, total, trainable) => {
    expect(summaries(file).counts.get(model)).toEqual({ total, trainable });
  });
  it("covers every sample with layers", () => {
    expect(samples.filter((f) => f !== "backprop_221.dnn").sort()).toEqual([...new Set(cases.map((c) => c[0]))].sort());
  });
});
