// Runs one IR function's kernels as WGSL compute shaders on a real WebGPU device: every
// argument and the arena in one storage buffer (offsets placed as the generated code places
// them), one pipeline per kernel with its offsets and sizes as override constants, one dispatch
// each, in schedule order; then the outputs read back. Also collects every shader's
// compilation messages, which must be empty.
import { evalDim } from "../../src/ir/dim.ts";
import type { Fn } from "../../src/ir/ir.ts";
import { size } from "../../src/ir/shape.ts";
import { fuse } from "../../src/schedule/fuse.ts";
import { planBuffers } from "../../src/schedule/memory.ts";
import { placeBuffers } from "../../src/schedule/place.ts";
import { renderWgsl, WORKGROUP } from "../../src/backend/wgsl/render.ts";

export interface GpuRun {
  outputs: Float32Array[];
  /** Compilation messages of every shader, prefixed with its kernel index. */
  messages: string[];
  kernels: number;
}

export async function runOnGpu(device: GPUDevice, fn: Fn, args: readonly ArrayLike<number>[], dims: Readonly<Record<string, number>>): Promise<GpuRun> {
  const s = fuse(fn);
  const num = (d: Parameters<typeof evalDim>[0]) => evalDim(d, dims)!;
  const offset = new Map<number, number>();
  let at = 0;
  for (const n of fn.nodes) if (n.op === "arg") (offset.set(n.id, at), (at += num(size(n.shape))));
  const buffers = planBuffers(s);
  const placed = placeBuffers(buffers.map((b) => num(b.size)), buffers.map((b) => b.first), buffers.map((b) => b.last));
  buffers.forEach((b, i) => offset.set(b.node, at + placed.offsets[i]!));
  const total = Math.max(1, at + placed.total);

  const mem = device.createBuffer({ size: 4 * total, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST });
  const data = new Float32Array(total);
  fn.nodes.forEach((n) => n.op === "arg" && data.set(Float32Array.from(args[n.index]!), offset.get(n.id)!));
  device.queue.writeBuffer(mem, 0, data);

  const messages: string[] = [];
  const symbols = Object.keys(dims);
  // Every shader compiled first and its messages collected in one wait: Dawn on lavapipe here
  // is unstable when each of many submissions is awaited on its own.
  const shaders = s.kernels.map((k) => renderWgsl(s, k, symbols));
  const modules = shaders.map((w) => device.createShaderModule({ code: w.code }));
  const infos = await Promise.all(modules.map((m) => m.getCompilationInfo()));
  infos.forEach((info, i) => info.messages.forEach((m) => messages.push(`k${i} ${m.type} ${m.lineNum}:${m.linePos} ${m.message}\n${shaders[i]!.code}`)));
  const encoder = device.createCommandEncoder();
  for (const [i, w] of shaders.entries()) {
    const module = modules[i]!;
    const constants: Record<string, number> = {};
    for (const x of symbols) if (new RegExp(`override ${x}:`).test(w.code)) constants[x] = dims[x]!;
    for (const id of w.memory) constants[`o${id}`] = offset.get(id)!;
    const pipeline = device.createComputePipeline({ layout: "auto", compute: { module, entryPoint: "main", constants } });
    const pass = encoder.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries: [{ binding: 0, resource: { buffer: mem } }] }));
    const groups = Math.ceil(num(w.invocations) / WORKGROUP);
    pass.dispatchWorkgroups(Math.min(groups, 65535), Math.ceil(groups / 65535));
    pass.end();
  }
  const readback = device.createBuffer({ size: 4 * total, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
  encoder.copyBufferToBuffer(mem, 0, readback, 0, 4 * total);
  device.queue.submit([encoder.finish()]);
  await readback.mapAsync(GPUMapMode.READ);
  const all = new Float32Array(readback.getMappedRange().slice(0));
  readback.unmap();
  mem.destroy();
  readback.destroy();
  const outputs = fn.outputs.map((o) => {
    const b = s.base[o.id]!;
    const start = offset.get(b)!;
    return all.slice(start, start + num(size(fn.nodes[o.id]!.shape)));
  });
  return { outputs, messages, kernels: s.kernels.length };
}
