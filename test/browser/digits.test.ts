// samples/web end to end: build.ts bundles the page with samples/mlp_digits.dnn compiled by the
// esbuild plugin for WebGPU and WebAssembly, and serve.ts serves it; headless chromium trains
// DigitsMLP in it on WebGPU (SwiftShader), and, launched without WebGPU, on the page's WebAssembly
// fallback; the tests read the accuracy the page reports on the held-out digits (the chart, the
// drawing pad and the diagram: showcase.test.ts). Without a browser (or, for the first, an adapter) a test fails, saying why.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serveDigits } from "../../samples/web/serve.ts";
import { browserUnavailable, pageWithoutWebgpu, webgpuPage, type Served, type WebgpuPage } from "../helpers/browser.ts";

/** window.dnncResult, as samples/web/main.ts sets it (its DnncResult). */
type DnncResult =
  | { backend: "webgpu" | "wasm"; accuracy: number; epochs: number; finalLoss: number; seconds: number; fallback?: string }
  | { error: string };
// The callbacks below run in the page, where globalThis is window (these types are Node's).
type Window = { dnncResult?: DnncResult };

// 3 epochs reach 94.9% (282/297, loss 0.32); the floor leaves room for float32 reordering.
// Most of the WebGPU test's ~50 s is SwiftShader compiling the training and forward pipelines.
const EPOCHS = 3;

let served: Served;

beforeAll(async () => {
  served = await serveDigits();
}, 60_000);

afterAll(async () => {
  await served?.close();
});

/** Waits for the page to finish training, checks what every backend must reach, and returns its result. */
async function trained(browser: WebgpuPage | string) {
  if (typeof browser === "string") return browserUnavailable(browser);
  const { page, errors } = browser;
  await page.waitForFunction(() => (globalThis as unknown as Window).dnncResult !== undefined, undefined, { polling: 500, timeout: 240_000 });
  const result = (await page.evaluate(() => (globalThis as unknown as Window).dnncResult))!;
  console.log(`samples/web DigitsMLP: ${JSON.stringify(result)}`);
  expect(errors).toEqual([]);
  if ("error" in result) throw new Error(`the page failed: ${result.error}`);
  expect(result.epochs).toBe(EPOCHS);
  expect(result.finalLoss).toBeLessThan(0.5);
  expect(result.accuracy).toBeGreaterThanOrEqual(0.9);
  expect(await page.locator("#result").textContent()).toMatch(/^test accuracy \d+\.\d% \(\d+\/297\)$/);
  return { result, backendLine: await page.locator("#backend").textContent() };
}

describe("samples/web: DigitsMLP trained in chromium on WebGPU", () => {
  let browser: WebgpuPage | string;
  beforeAll(async () => void (browser = await webgpuPage(`${served.url}?epochs=${EPOCHS}`)), 60_000);
  afterAll(async () => void (typeof browser === "object" && (await browser.close())));

  it(`reaches ≥ 90% test accuracy in ${EPOCHS} epochs, reported by the page`, async () => {
    const { result, backendLine } = await trained(browser);
    expect(result).toMatchObject({ backend: "webgpu" });
    expect(result).not.toHaveProperty("fallback");
    expect(backendLine).toBe("on WebGPU");
  }, 250_000);

  it("trains on wasm when ?backend=wasm asks, WebGPU or not", async () => {
    if (typeof browser === "string") return browserUnavailable(browser);
    await browser.page.goto(`${served.url}?epochs=${EPOCHS}&backend=wasm`);
    const { result, backendLine } = await trained(browser);
    expect(result).toMatchObject({ backend: "wasm", fallback: "?backend=wasm" });
    expect(backendLine).toBe("on the CPU (WebAssembly), as ?backend=wasm asks");
  }, 60_000);
});

describe("samples/web: DigitsMLP trained in chromium without WebGPU, on the WebAssembly fallback", () => {
  let browser: WebgpuPage | string;
  beforeAll(async () => void (browser = await pageWithoutWebgpu(`${served.url}?epochs=${EPOCHS}`)), 60_000);
  afterAll(async () => void (typeof browser === "object" && (await browser.close())));

  it(`reaches ≥ 90% test accuracy in ${EPOCHS} epochs on wasm, and says why`, async () => {
    const { result, backendLine } = await trained(browser);
    // The wgsl module's create() found navigator.gpu but no adapter (src/runtime/webgpu.ts's message).
    expect(result).toMatchObject({ backend: "wasm", fallback: expect.stringMatching(/WebGPU found no adapter/) });
    expect(backendLine).toMatch(/^on the CPU \(WebAssembly\): WebGPU is unavailable here \(DigitsMLP\.create: WebGPU found no adapter/);
  }, 250_000);

  it("the Stop button stops fit() on the CPU between batches: the page stays live while it trains", async () => {
    if (typeof browser === "string") return browserUnavailable(browser);
    const { page } = browser;
    await page.goto(`${served.url}?epochs=100000`);
    // The click is handled only if fit() lets the event loop run while the CPU trains.
    await page.locator("#status", { hasText: /^epoch \d+\/100000/ }).waitFor({ timeout: 60_000 });
    await page.locator("#stop").click();
    await page.waitForFunction(() => (globalThis as unknown as Window).dnncResult !== undefined, undefined, { timeout: 30_000 });
    expect(await page.evaluate(() => (globalThis as unknown as Window).dnncResult)).toEqual({ error: "Error: stopped by the Stop button" });
    expect(await page.locator("#status").textContent()).toMatch(/^stopped in epoch \d+: stopped by the Stop button$/);
    expect(await page.locator("#stop").isDisabled()).toBe(true);
  }, 120_000);

  it("falls back too where navigator.gpu is missing (a browser without WebGPU at all)", async () => {
    if (typeof browser === "string") return browserUnavailable(browser);
    // Runs in the page before its scripts, on this and later navigations.
    await browser.page.addInitScript(() => delete (globalThis as unknown as { Navigator: { prototype: { gpu?: unknown } } }).Navigator.prototype.gpu);
    await browser.page.goto(`${served.url}?epochs=${EPOCHS}`);
    expect(await browser.page.evaluate(() => "gpu" in (globalThis as unknown as { navigator: object }).navigator)).toBe(false);
    const { result } = await trained(browser);
    expect(result).toMatchObject({ backend: "wasm", fallback: expect.stringMatching(/navigator\.gpu is missing/) });
  }, 60_000);
});

describe("samples/web's page", () => {
  it("takes the model from samples/mlp_digits.dnn through the bundler plugin, and imports nothing else but its own files", () => {
    const files = ["main.ts", "model.ts", "chart.ts", "draw.ts", "prediction.ts", "gpu-model.ts", "cpu-model.ts"];
    const imported = files.flatMap((file) => [...readFileSync(`samples/web/${file}`, "utf8").matchAll(/(?:from|import\()\s*"([^"]+)"/g)].map((m) => m[1]!));
    expect(new Set(imported.filter((path) => !/^\.\/[\w-]+\.ts$/.test(path)))).toEqual(new Set(["../mlp_digits.dnn", "./gpu-model.js", "./cpu-model.js"]));
    expect(readFileSync("samples/web/main.ts", "utf8")).toMatch(/model\.fit\(digits, \{/);
    // The two model modules: the same import, compiled for WebGPU and for the CPU.
    expect(readFileSync("samples/web/build.ts", "utf8")).toMatch(/dnnc\(\{ target: "wgsl" \}\)[\s\S]*dnnc\(\{ target: "wasm", declarations: false \}\)/);
  });

  it("typechecks for the browser (samples/web/tsconfig.json)", () => {
    const r = spawnSync("node_modules/.bin/tsc", ["-p", "samples/web/tsconfig.json"], { encoding: "utf8" });
    expect(r.stdout + r.stderr).toBe("");
    expect(r.status).toBe(0);
  }, 60_000);
});
