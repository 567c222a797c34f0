// The smallest real WebGPU round trip: a compute shader that maps x to 2x + 1 over n values,
// compiled (any compilation message is an error), run and read back. Plain ECMAScript plus
// WebGPU, no imports: the Node test runs it on Dawn and the browser test serves it to chromium.
export async function doubleOnGpu(device: GPUDevice, n: number): Promise<number[]> {
  const module = device.createShaderModule({
    code: `@group(0) @binding(0) var<storage, read_write> data: array<f32>;
@compute @workgroup_size(64) fn main(@builtin(global_invocation_id) id: vec3u) {
  if (id.x < arrayLength(&data)) { data[id.x] = data[id.x] * 2.0 + 1.0; }
}`,
  });
  const messages = (await module.getCompilationInfo()).messages.map((m) => `${m.type}: ${m.message}`);
  if (messages.length > 0) throw new Error(messages.join("\n"));
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
  const out = Array.from(new Float32Array(readback.getMappedRange().slice(0)));
  readback.unmap();
  buffer.destroy();
  readback.destroy();
  return out;
}
