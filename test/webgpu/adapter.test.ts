// The WebGPU the WGSL backend's tests run on: Dawn in Node on a real Vulkan implementation
// (lavapipe, Mesa's software rasterizer, on machines without a GPU). A compute shader compiles
// with no messages and computes what it should; if no adapter can be had, the test names why,
// and under CI=true fails.
import { describe, expect, it } from "vitest";
import { gpu, webgpuRequired } from "../helpers/webgpu.ts";

describe("WebGPU in Node (Dawn)", () => {
  it("has an adapter, compiles WGSL without messages, runs a compute shader and reads it back", async () => {
    const g = await gpu();
    if (typeof g === "string") {
      if (webgpuRequired()) throw new Error(g);
      console.warn(`\n*** WebGPU tests not run: ${g} ***\n`);
      return;
    }
    const { device } = g;
    expect(g.description.length).toBeGreaterThan(0);
    const module = device.createShaderModule({
      code: `@group(0) @binding(0) var<storage, read_write> data: array<f32>;
@compute @workgroup_size(64) fn main(@builtin(global_invocation_id) id: vec3u) {
  if (id.x < arrayLength(&data)) { data[id.x] = data[id.x] * 2.0 + 1.0; }
}`,
    });
    expect((await module.getCompilationInfo()).messages).toEqual([]);
    const n = 1000;
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
    const out = new Float32Array(readback.getMappedRange().slice(0));
    readback.unmap();
    expect([...out]).toEqual(Array.from({ length: n }, (_, i) => 2 * i + 1));
  }, 60_000);
});
