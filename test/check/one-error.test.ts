// One mistake early in a deep model reports exactly one error, at the mistake: every later
// layer receives a poisoned value and stays quiet.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { compile } from "../../src/compiler.ts";

const sample = (file: string) => readFileSync(`samples/${file}`, "utf8");

function errorsOf(text: string, path = "samples/mutated.dnn") {
  return compile(path, text).diagnostics.filter((d) => d.severity === "error");
}

const lineOf = (text: string, needle: string) => text.slice(0, text.indexOf(needle)).split("\n").length;

describe("one wrong dimension early in a deep model yields one error", () => {
  const cases: { name: string; file: string; from: string; to: string; code: string; at: string }[] = [
    { name: "CNN input without its channel axis", file: "mnist_cnn.dnn", from: "f32[B, 28, 28, 1]", to: "f32[B, 28, 28]", code: "DNN0302", at: "|> Conv2D(32, 3" },
    { name: "CNN first kernel larger than the image", file: "mnist_cnn.dnn", from: "Conv2D(32, 3,", to: "Conv2D(32, 29,", code: "DNN0307", at: "|> Conv2D(32, 29" },
    { name: "CNN without Flatten before Dense", file: "mnist_cnn.dnn", from: "|> Flatten()\n", to: "", code: "DNN0302", at: "logits = x" },
    { name: "ResNet stem given a flat input", file: "resnet_small.dnn", from: "f32[B, 32, 32, 3]", to: "f32[B, 3072]", code: "DNN0302", at: "Conv2D(16, 3" },
    { name: "ResNet residual add without a projection", file: "resnet_small.dnn", from: "ResidualBlock(32, strides: 2, project: true)", to: "ResidualBlock(32, strides: 2)", code: "DNN0303", at: "ResidualBlock(32, strides: 2)" },
    { name: "LSTM fed an image with a channel axis", file: "lstm_mnist.dnn", from: "input  x: f32[B, 28, 28]\n  output logits: f32[B, 10]\n\n  logits = x |> LSTM", to: "input  x: f32[B, 28, 28, 1]\n  output logits: f32[B, 10]\n\n  logits = x |> LSTM", code: "DNN0302", at: "LSTM(64)" },
  ];
  it.each(cases)("$name", ({ file, from, to, code, at }) => {
    const original = sample(file);
    expect(original).toContain(from);
    const text = original.replace(from, to);
    const errors = errorsOf(text);
    expect(errors.map((e) => `${e.code}: ${e.message}`)).toHaveLength(1);
    expect(errors[0]!.code).toBe(code);
    // The error is reported in the user's file, on the line of the mistake.
    expect(errors[0]!.span.file).toBe("samples/mutated.dnn");
    const src = text;
    expect(lineOf(src, at)).toBe(src.slice(0, errors[0]!.span.start).split("\n").length);
  });
});
