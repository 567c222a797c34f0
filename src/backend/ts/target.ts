// The TypeScript target (target.ts's contract): one standalone module, synchronous, CPU only.
import { modelApi, type Target } from "../target.ts";
import { emitTypeScript } from "./emit.ts";

export const tsTarget: Target = {
  name: "ts",
  emit: (input) => ({ module: emitTypeScript(input), api: { models: input.models.map((m) => modelApi(m.model)), async: false } }),
};
