// WebGPU in a real browser: headless chromium on its SwiftShader, serving a page from
// 127.0.0.1 whose TypeScript module the test server transpiles. The page gets an adapter and
// a device, runs a compute shader and reports what it read back — the chain the digits sample
// (samples/web) stands on. Without a browser or an adapter the test fails,
// saying why.
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserUnavailable, serve, webgpuPage, type Served, type WebgpuPage } from "../helpers/browser.ts";

const PAGE = `<!doctype html><script type="module" src="double.ts"></script>`;
// Typed, so the server's transpiling is part of what is tested; the shader round trip is the
// one the Node test runs on Dawn.
const DOUBLE = `
import { doubleOnGpu } from "./double-shader.ts";
async function run(): Promise<number[]> {
  const adapter = (await navigator.gpu.requestAdapter())!;
  const device: GPUDevice = await adapter.requestDevice();
  return doubleOnGpu(device, 1000);
}
(window as any).result = run().then((values) => ({ values }), (e) => ({ error: String(e) }));
`;

let served: Served;
let browser: WebgpuPage | string;

beforeAll(async () => {
  served = await serve({ mounts: {}, files: { "/index.html": PAGE, "/double.ts": DOUBLE, "/double-shader.ts": readFileSync(new URL("../helpers/double-shader.ts", import.meta.url), "utf8") } });
  browser = await webgpuPage(served.url);
}, 60_000);

afterAll(async () => {
  if (typeof browser === "object") await browser.close();
  await served?.close();
});

describe("WebGPU in chromium (SwiftShader)", () => {
  it("runs a compute shader from a served TypeScript module and reads it back", async () => {
    if (typeof browser === "string") return browserUnavailable(browser);
    const { page, errors } = browser;
    const result = await page.evaluate(() => (globalThis as unknown as { result: Promise<{ values?: number[]; error?: string }> }).result);
    expect(errors).toEqual([]);
    expect(result.error).toBeUndefined();
    expect(result.values).toEqual(Array.from({ length: 1000 }, (_, i) => 2 * i + 1));
  }, 60_000);
});
