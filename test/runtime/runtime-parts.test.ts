// Linking the runtime into a module (src/backend/runtime-parts.ts): a part is included when the
// code names what it declares, directly or through another included part, in the list's order.
import { describe, expect, it } from "vitest";
import { linkRuntime, runtimePart, type RuntimePart } from "../../src/backend/runtime-parts.ts";

const part = (file: string, code: string, declares: string[]): RuntimePart => ({ file, code, declares, chunks: [{ code, declares }] });
const a = part("a", "function alpha() { return beta(); }", ["alpha"]);
const b = part("b", "function beta() { return 1; }", ["beta"]);
const c = part("c", "function gamma() {}", ["gamma"]);

describe("linkRuntime", () => {
  it("includes what the code uses, and what that uses, in the parts' order", () => {
    expect(linkRuntime([b, a, c], "alpha();")).toBe(`${b.code}\n\n${a.code}`);
  });
  it("includes nothing for code that uses no part, nor for a name only in a comment", () => {
    expect(linkRuntime([a, b, c], "const x = 1;")).toBe("");
    expect(linkRuntime([a, b, c], "// alpha %3 = sigmoid\nconst x = 1; /* alpha() */\n/**\n * alpha\n */")).toBe("");
    expect(linkRuntime([b, a, c], "const u = 'http://x'; // alpha\nalpha();")).toBe(`${b.code}\n\n${a.code}`);
  });
  it("includes a file's declarations one by one: what is used, with its comments, and nothing else", () => {
    const p = runtimePart("runtime/describe.ts");
    const file: RuntimePart = { ...p, code: "", chunks: [...p.chunks, { code: "/** Unused. */\nfunction unused(): void {}", declares: ["unused"] }] };
    const linked = linkRuntime([file], "describe(x);");
    expect(linked).toContain("function describe(");
    expect(linked).toContain("/** A short description of a value for error messages. */");
    expect(linked).not.toContain("unused");
  });
});

describe("runtimePart", () => {
  it("reads a file's region without its imports or `export`s, and lists its declarations", () => {
    const p = runtimePart("runtime/cpu/model.ts");
    expect(p.code).not.toMatch(/^import /m);
    expect(p.code).not.toMatch(/^export /m);
    expect(p.declares).toEqual(["CreateOptions", "createOptions", "cpuCreateSeed", "CpuModel"]);
  });
  it("what a worker's source declares (text in a template literal) is not the runtime's", () => {
    // `const scratch`, `let seen` in cpu/threads.ts's worker: a module naming `seen` must not get startThreads.
    const chunks = runtimePart("runtime/cpu/threads.ts").chunks;
    expect(chunks.find((c) => c.code.includes("receiveMessageOnPort"))!.declares).toEqual(["startThreads"]);
    expect(runtimePart("runtime/wasm/kernels.ts").declares).not.toContain("seen");
  });

  it("a model with no windows, gathers or scans leaves the network loops out", async () => {
    const { compile } = await import("../../src/compiler.ts");
    const { generate } = await import("../../src/backend/targets.ts");
    const { module } = await generate("ts", compile("samples/backprop_221.dnn").models, "backprop_221.dnn");
    expect(module).not.toContain("function windowsOf(");
    expect(module).toContain("class CpuModel");
    const cnn = await generate("ts", compile("samples/cnn_fashion.dnn").models, "cnn_fashion.dnn");
    expect(cnn.module).toContain("function windowsOf(");
  }, 60_000);
});
