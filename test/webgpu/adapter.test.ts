// The WebGPU the WGSL backend's tests run on: Dawn in Node on a real Vulkan implementation
// (lavapipe, Mesa's software rasterizer, on machines without a GPU). A compute shader compiles
// with no messages and computes what it should; if no adapter can be had, the test fails,
// naming why.
import { describe, expect, it } from "vitest";
import { doubleOnGpu } from "../helpers/double-shader.ts";
import { requireGpu } from "../helpers/webgpu.ts";

describe("WebGPU in Node (Dawn)", () => {
  it("has an adapter, compiles WGSL without messages, runs a compute shader and reads it back", async () => {
    const g = await requireGpu();
    const { device } = g;
    expect(g.description.length).toBeGreaterThan(0);
    expect(await doubleOnGpu(device, 1000)).toEqual(Array.from({ length: 1000 }, (_, i) => 2 * i + 1));
  }, 60_000);
});
