// WebGPU in a real browser: headless chromium on its SwiftShader, serving a page from
// 127.0.0.1 whose TypeScript module the test server transpiles. The page gets an adapter and
// a device, runs a compute shader and reports what it read back — the chain the digits sample
// (samples/web) stands on. Without a browser or an adapter: a loud warning, or under CI=true a
// failure.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { browserUnavailable, serve, webgpuPage, type Served, type WebgpuPage } from "../helpers/browser.ts";

const PAGE = `<!doctype html><script type="module" src="double.ts"></script>`;
// Typed, so the server's transpiling is part of what is tested.
const DOUBLE = `
const n: number = 1000;
async function run(): Promise<number[]> {
  const adapter = (await navigator.gpu.requestAdapter())!;
  const device: GPUDevice = await adapter.requestDevice();
  const module = device.createShaderModule({ code: \`
    @group(0) @binding(0) var<storage, read_write> data: array<f32>;
    @compute @workgroup_size(64) fn main(@builtin(global_invocation_id) id: vec3u) {
      if (id.x < arrayLength(&data)) { data[id.x] = data[id.x] * 2.0 + 1.0; }
    }\` });
  const messages = (await module.getCompilationInfo()).messages.map((m) => m.message);
  if (messages.length) throw new Error(messages.join("\\n"));
  const buffer = device.createBuffer({ size: 4 * n, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST });
  device.queue.writeBuffer(buffer, 0, Float32Array.from({ length: n }, (_, i) => i));
  const pipeline = device.createComputePipeline({ layout: "auto", compute: { module, entryPoint: "main" } });
  const bindGroup = device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries: [{ binding: 0, resource: { buffer } }] });
  const readback = device.createBuffer({ size: 4 * n, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  const encoder = device.createCommandEncoder();
  const pass = encoder.beginComputePass();
  pass.setPipeline(pipeline);
  pass.setBindGroup(0, bindGroup);
  pass.dispatchWorkgroups(Math.ceil(n / 64));
  pass.end();
  encoder.copyBufferToBuffer(buffer, 0, readback, 0, 4 * n);
  device.queue.submit([encoder.finish()]);
  await readback.mapAsync(GPUMapMode.READ);
  return Array.from(new Float32Array(readback.getMappedRange()));
}
(window as any).result = run().then((values) => ({ values }), (e) => ({ error: String(e) }));
`;

let served: Served;
let browser: WebgpuPage | string;

beforeAll(async () => {
  served = await serve({ mounts: {}, files: { "/index.html": PAGE, "/double.ts": DOUBLE } });
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
