// dnnc's side of bench/train-speed.ts: compile a .dnn file to TypeScript through the CLI's main()
// (the path a user takes) and import the generated module. The benchmark then uses only the
// generated class's public API, described here, so it keeps working whatever the backend does inside.
import { basename, join } from "node:path";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { main as dnnc } from "../../src/cli/main.ts";

export interface TensorSpecLike {
  readonly name: string;
  readonly dtype: string;
  readonly shape: readonly (number | string)[];
}

export interface GeneratedModel {
  forward(inputs: Record<string, Float32Array>): Record<string, Float32Array>;
  trainStep(batch: Record<string, Float32Array | Int32Array>): number;
  getParameter(name: string): Float32Array;
}

export interface GeneratedClass {
  readonly name: string;
  readonly inputs: readonly TensorSpecLike[];
  readonly outputs: readonly TensorSpecLike[];
  readonly targets: readonly TensorSpecLike[];
  readonly parameters: readonly TensorSpecLike[];
  create(options?: { seed?: number }): GeneratedModel;
}

/**
 * `dnnc compile <root>/<dnn> --target ts --out <outDir>`, then the generated file's one exported
 * model class; throws (with the compiler's output) if either fails. compileMs: the compile alone.
 */
export async function compileModel(root: string, dnn: string, outDir: string): Promise<{ cls: GeneratedClass; compileMs: number; file: string }> {
  const source = join(root, dnn);
  let log = "";
  const io = { out: (s: string) => void (log += s), err: (s: string) => void (log += s), color: false };
  const t0 = performance.now();
  const code = await dnnc(["compile", source, "--target", "ts", "--out", outDir], io);
  const compileMs = performance.now() - t0;
  if (code !== 0) throw new Error(`dnnc compile ${dnn} exited ${code}:\n${log}`);
  const file = join(outDir, basename(dnn).replace(/\.dnn$/, ".ts"));
  const mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  const classes = Object.values(mod).filter((v): v is GeneratedClass => typeof v === "function" && typeof (v as { create?: unknown }).create === "function");
  if (classes.length !== 1) throw new Error(`${file}: expected one exported model class, found ${classes.length}`);
  return { cls: classes[0]!, compileMs, file };
}
