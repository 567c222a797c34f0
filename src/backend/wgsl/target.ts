// The WGSL target (target.ts's contract): a module of asynchronous model classes running WGSL
// shaders on a WebGPU device, and each shader apart as a .wgsl file.
import { modelApi, type Target } from "../target.ts";
import { emitWgsl } from "./emit.ts";

export const wgslTarget: Target = {
  name: "wgsl",
  emit(input) {
    const { module, shaders } = emitWgsl(input);
    return {
      module,
      sidecar: { dir: "wgsl", what: "shaders", files: shaders.map((s) => ({ name: `${s.name}.wgsl`, contents: s.code })) },
      api: { models: input.models.map((m) => modelApi(m.model)), device: "webgpu", async: true },
    };
  },
};
