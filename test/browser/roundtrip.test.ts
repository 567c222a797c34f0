// The point of interchange, end to end: models made in PyTorch and exported with torch.onnx.export
// (test/fixtures/pytorch/make_fixtures.py) are imported by dnnc, compiled for WebGPU, and run in
// headless chromium on its SwiftShader; their outputs must be onnxruntime's on the same inputs —
// every class the same, every logit to 1e-4 — so a PyTorch user can ship a model to the browser
// through dnnc unchanged. The MLP was trained on the UCI digits and is run on the 297 it did not
// see; the ResNet (NCHW convolutions, BatchNorm, residual adds) on random images.
import { gunzipSync } from "node:zlib";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as ort from "onnxruntime-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importOnnx } from "../../src/api/import.ts";
import { compile } from "../../src/compiler.ts";
import { generate } from "../../src/backend/targets.ts";
import { browserUnavailable, serve, webgpuPage, type Served, type WebgpuPage } from "../helpers/browser.ts";

const HELD_OUT = 1500; // make_fixtures.py trained on the first 1,500 rows

/** The held-out digits as make_fixtures.py reads them: 64 raw pixels (0..16) and the label. */
function heldOutDigits(): { x: Float32Array; labels: number[] } {
  const rows = gunzipSync(readFileSync("samples/data/digits/digits.csv.gz")).toString("utf8").trim().split("\n").slice(HELD_OUT);
  const values = rows.map((r) => r.split(",").map(Number));
  return { x: Float32Array.from(values.flatMap((v) => v.slice(0, 64))), labels: values.map((v) => v[64]!) };
}

const argmax = (logits: ArrayLike<number>, row: number, k: number) => {
  let best = 0;
  for (let j = 1; j < k; j++) if (logits[row * k + j]! > logits[row * k + best]!) best = j;
  return best;
};

interface Case {
  onnx: string;
  x: Float32Array;
  shape: number[];
}

/** What the page does with each imported model: its generated WebGPU module, weights and inputs. */
const PAGE = `<!doctype html><script type="module" src="main.ts"></script>`;
const MAIN = (names: string[]) => `
${names.map((n, i) => `import { ${n} } from "./model${i}.wgsl.ts";`).join("\n")}
const bytes = async (path: string) => new Uint8Array(await (await fetch(path)).arrayBuffer());
async function run(model: any, i: number): Promise<number[]> {
  model.load(await bytes(\`data/weights\${i}.safetensors\`));
  const x = new Float32Array((await bytes(\`data/inputs\${i}.bin\`)).buffer);
  return Array.from(await model.predict({ x }));
}
async function all(): Promise<number[][]> {
  return [${names.map((n, i) => `await run(await ${n}.create(), ${i})`).join(", ")}];
}
(window as any).result = all().then((logits) => ({ logits }), (e) => ({ error: String(e) }));
`;

const digits = heldOutDigits();
const images = Float32Array.from({ length: 4 * 3 * 16 * 16 }, (_, i) => Math.sin(i * 12.9898) * 2);
const CASES: Case[] = [
  { onnx: "test/fixtures/pytorch/mlp.onnx", x: digits.x, shape: [digits.labels.length, 64] },
  { onnx: "test/fixtures/pytorch/resnet.onnx", x: images, shape: [4, 3, 16, 16] },
];

let served: Served;
let browser: WebgpuPage | string;
let dir: string;
const expected: Float32Array[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "dnnc-roundtrip-"));
  const names: string[] = [];
  const files: Record<string, string> = { "/index.html": PAGE };
  for (const [i, c] of CASES.entries()) {
    const session = await ort.InferenceSession.create(c.onnx);
    expected.push((await session.run({ x: new ort.Tensor("float32", c.x, c.shape) })).logits!.data as Float32Array);
    const imported = importOnnx({ bytes: new Uint8Array(readFileSync(c.onnx)), path: c.onnx });
    if (!imported.ok) throw new Error(`import of ${c.onnx} failed:\n${imported.diagnostics.map((d) => d.message).join("\n")}`);
    const { models, diagnostics } = compile(imported.dnn!.name, imported.dnn!.text);
    if (models.length !== 1) throw new Error(`the import of ${c.onnx} did not compile:\n${diagnostics.map((d) => d.message).join("\n")}`);
    files[`/model${i}.wgsl.ts`] = (await generate("wgsl", models, imported.dnn!.name)).module;
    names.push(models[0]!.name);
    writeFileSync(join(dir, `weights${i}.safetensors`), imported.weights!.bytes);
    writeFileSync(join(dir, `inputs${i}.bin`), new Uint8Array(c.x.buffer));
  }
  served = await serve({ mounts: { "/data/": dir }, files: { ...files, "/main.ts": MAIN(names) } });
  browser = await webgpuPage(served.url);
}, 120_000);

afterAll(async () => {
  if (typeof browser === "object") await browser.close();
  await served?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("PyTorch → ONNX → dnnc import → WGSL in chromium", () => {
  let got: number[][];
  beforeAll(async () => {
    if (typeof browser === "string") return;
    await browser.page.waitForFunction(() => (globalThis as unknown as { result?: Promise<unknown> }).result !== undefined);
    const result = await browser.page.evaluate(() => (globalThis as unknown as { result: Promise<{ logits?: number[][]; error?: string }> }).result);
    expect(browser.errors).toEqual([]);
    expect(result.error).toBeUndefined();
    got = result.logits!;
  }, 120_000);

  it.each(CASES.map((c, i) => [c.onnx, i] as const))("%s: every class as onnxruntime's, each logit within 1e-4", (_, i) => {
    if (typeof browser === "string") return browserUnavailable(browser);
    const [logits, want, rows] = [got[i]!, expected[i]!, CASES[i]!.shape[0]!];
    expect(logits.length).toBe(want.length);
    let worst = 0;
    for (let j = 0; j < logits.length; j++) worst = Math.max(worst, Math.abs(logits[j]! - want[j]!));
    expect(worst).toBeLessThan(1e-4);
    const classes = (l: ArrayLike<number>) => Array.from({ length: rows }, (_, r) => argmax(l, r, 10));
    expect(classes(logits)).toEqual(classes(want));
  });

  it("the MLP PyTorch trained still knows the digits in the browser", () => {
    if (typeof browser === "string") return browserUnavailable(browser);
    const n = digits.labels.length;
    const right = Array.from({ length: n }, (_, r) => argmax(got[0]!, r, 10)).filter((c, r) => c === digits.labels[r]).length;
    expect(right / n).toBeGreaterThan(0.9); // make_fixtures.py: 0.9057 in PyTorch
  });
});
