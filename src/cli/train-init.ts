// Starting `dnnc train` from a checkpoint: --resume and --init-from read one (refused in one
// line when it does not fit the model), and --init-from-only chooses which parameters to take.
import { existsSync, readFileSync } from "node:fs";
import { TrainError } from "../fit/load-model.ts";
import { safetensorsCopy, safetensorsRead, ST_FLOAT_DTYPES } from "../runtime/safetensors.ts";

const names = (xs: readonly { name: string }[]) => (xs.length ? xs.map((x) => x.name).join(", ") : "none");

/** Reads a checkpoint into the model with `apply` and returns its bytes, or says in one line why it is refused (the model is left as it was). */
export async function loadCheckpoint(path: string, apply: (bytes: Uint8Array) => unknown): Promise<Uint8Array> {
  if (!existsSync(path)) throw new TrainError(`cannot read checkpoint ${path}: no such file`);
  try {
    const bytes = readFileSync(path);
    await apply(bytes);
    return bytes;
  } catch (e) {
    throw new TrainError(`checkpoint ${path} refused: ${e instanceof Error ? e.message.replace(/^\w+\.load: /, "") : String(e)}`);
  }
}

/** The parameters `params` that the checkpoint has under the same name and shape, as float32
 * (converted from the float types a model's load() takes), read by the generated modules' own
 * reader: for setParameters, so no optimizer state or step count comes from it, as fine-tuning
 * starts its own. Parameters it lacks keep their initial values and are listed in `fresh`. */
export function parametersOf(bytes: Uint8Array, params: readonly { name: string; shape: readonly (number | string)[] }[], fresh: string[]): Record<string, Float32Array> {
  const file = safetensorsRead("", bytes);
  const values: Record<string, Float32Array> = Object.create(null);
  for (const p of params) {
    const t = file.tensors.get(p.name);
    if (!t) fresh.push(`${p.name} (not in the checkpoint)`);
    else if (!ST_FLOAT_DTYPES.includes(t.dtype) || t.shape.join(",") !== p.shape.join(",")) fresh.push(`${p.name} (the checkpoint's is ${t.dtype}[${t.shape.join(", ")}], this model's F32[${p.shape.join(", ")}])`);
    else safetensorsCopy(file, t, (values[p.name] = new Float32Array(t.shape.reduce((a, d) => a * d, 1))));
  }
  return values;
}

/** The parameters named by --init-from-only's comma-separated patterns, each matching a whole
 * parameter name (`conv2d.kernel`) or a layer's (`conv2d`: all of that layer's parameters), `*`
 * for any run of characters. A pattern that matches nothing is a mistake, said with the names. */
export function chosenParameters(spec: string, cls: { name: string; parameters: readonly { name: string; shape: readonly (number | string)[] }[] }) {
  const globs = spec.split(",").map((x) => x.trim()).filter(Boolean).map((p) => ({ p, re: new RegExp(`^${p.split("*").map(escapeRegExp).join(".*")}$`) }));
  // A layer is any dotted prefix: `block` for block.conv2d.kernel, as `block.conv2d` is.
  const matches = (re: RegExp, name: string) => re.test(name) || [...name.matchAll(/\./g)].some((m) => re.test(name.slice(0, m.index)));
  for (const g of globs)
    if (!cls.parameters.some((q) => matches(g.re, q.name))) throw new TrainError(`--init-from-only: '${g.p}' matches no parameter or layer of ${cls.name} (parameters: ${names(cls.parameters)})`);
  return cls.parameters.filter((q) => globs.some((g) => matches(g.re, q.name)));
}

const escapeRegExp = (s: string) => s.replace(/[.+?^${}()|[\]\\]/g, "\\$&");

