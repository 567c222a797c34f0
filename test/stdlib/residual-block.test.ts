// std.layers' ResidualBlock passes `momentum` to each of its BatchNorms: resnet_fashion, whose
// own block writes BatchNorm(momentum: 0.9) out by hand, compiles to the same IR with stdlib's
// block given momentum 0.9 (the layers named residual_block* instead of block*), and to another
// with the default 0.99.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { compile } from "../../src/compiler.ts";
import { printFn } from "../../src/ir/print.ts";
import { ROOT } from "./harness.ts";

const SAMPLE = join(ROOT, "samples/resnet_fashion.dnn");

function ir(source: string): string {
  const c = compile(SAMPLE, source);
  expect(c.diagnostics).toEqual([]);
  return c.models.flatMap((m) => [m.init, m.forward, ...(m.train ? [m.train.fn] : [])].map(printFn)).join("\n");
}

/** The sample with its local `layer Block` removed and its uses replaced by stdlib's block. */
function withStdlibBlock(momentum: string): string {
  const source = readFileSync(SAMPLE, "utf8");
  const local = /\n(\/\/[^\n]*\n)*layer Block\([\s\S]*?\n}\n/.exec(source)!;
  return source
    .replace(local[0], "\n")
    .replace("import std.layers.{", "import std.layers.{ResidualBlock, ")
    .replace(/\bBlock\(([^)]*)\)/g, (_, args: string) => `ResidualBlock(${args}${momentum})`);
}

it("ResidualBlock(momentum: 0.9) is the sample's hand-written block", () => {
  const sample = ir(readFileSync(SAMPLE, "utf8"));
  expect(sample).toContain("const 0.9\n");
  expect(ir(withStdlibBlock(", momentum: 0.9")).replace(/\bresidual_block/g, "block")).toBe(sample);
  expect(ir(withStdlibBlock("")).replace(/\bresidual_block/g, "block")).not.toBe(sample);
});
