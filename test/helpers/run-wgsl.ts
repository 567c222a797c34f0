// Runs one IR function on a real WebGPU device the way a generated module does: planned
// (backend/wgsl/plan.ts) and run by the runtime (runtime/webgpu.ts) — one storage buffer, one
// pipeline per kernel, scans as loops of dispatches, one command buffer — every argument an
// input. Also collects every shader's compilation messages, which must be empty.
import type { Fn } from "../../src/ir/ir.ts";
import { evaluatePlan, planGpu, Shaders } from "../../src/backend/wgsl/plan.ts";
import { GpuMachine } from "../../src/runtime/webgpu.ts";
import { scheduled } from "../../src/backend/target.ts";

export interface GpuRun {
  outputs: Float32Array[];
  /** Compilation messages of every shader, with its text. */
  messages: string[];
}

export async function runOnGpu(device: GPUDevice, fn: Fn, args: readonly ArrayLike<number>[], dims: Readonly<Record<string, number>>): Promise<GpuRun> {
  const shaders = new Shaders();
  const plan = evaluatePlan(planGpu(scheduled(fn), Object.keys(dims), shaders), dims);
  const infos = await Promise.all(shaders.codes.map((code) => device.createShaderModule({ code }).getCompilationInfo()));
  const messages = infos.flatMap((info, i) => info.messages.map((m) => `shader ${i} ${m.type} ${m.lineNum}:${m.linePos} ${m.message}\n${shaders.codes[i]}`));
  const machine = await GpuMachine.create(fn.name, { device }, shaders.codes, 0);
  try {
    const outputs = await machine.run(fn.name, () => plan, args.map((a) => Float32Array.from(a)), fn.outputs.map((_, i) => i));
    return { outputs, messages };
  } finally {
    machine.destroy();
  }
}
