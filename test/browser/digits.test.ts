// samples/web end to end: serve.ts compiles samples/mlp_digits.dnn to WGSL and serves the page,
// headless chromium trains DigitsMLP in it on WebGPU (SwiftShader) and the test reads the
// accuracy the page reports on the held-out digits. Without a browser or an adapter the test
// fails, saying why.
import { spawnSync } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serveDigits } from "../../samples/web/serve.ts";
import { browserUnavailable, webgpuPage, type Served, type WebgpuPage } from "../helpers/browser.ts";

/** window.dnncResult, as samples/web/main.ts sets it (its DnncResult). */
type DnncResult = { accuracy: number; epochs: number; finalLoss: number; seconds: number } | { error: string };
// The callbacks below run in the page, where globalThis is window (these types are Node's).
type Window = { dnncResult?: DnncResult };

// 3 epochs reach 93.6% (278/297, loss 0.36); the floor leaves room for float32 reordering.
// Most of the test's ~50 s is SwiftShader compiling the training and forward pipelines.
const EPOCHS = 3;

let served: Served;
let browser: WebgpuPage | string;

beforeAll(async () => {
  served = await serveDigits();
  browser = await webgpuPage(`${served.url}?epochs=${EPOCHS}`);
}, 60_000);

afterAll(async () => {
  if (typeof browser === "object") await browser.close();
  await served?.close();
});

describe("samples/web: DigitsMLP trained in chromium on WebGPU", () => {
  it(`reaches ≥ 90% test accuracy in ${EPOCHS} epochs, reported by the page`, async () => {
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
  }, 250_000);

  it("the page's main.ts typechecks for the browser (samples/web/tsconfig.json)", () => {
    const r = spawnSync("node_modules/.bin/tsc", ["-p", "samples/web/tsconfig.json"], { encoding: "utf8" });
    expect(r.stdout + r.stderr).toBe("");
    expect(r.status).toBe(0);
  }, 60_000);
});
