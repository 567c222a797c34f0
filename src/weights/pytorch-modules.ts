// A PyTorch state_dict saved as safetensors, as modules: its tensors grouped by the module that
// owns them (the name less its last part: `layer2.downsample.0.weight` is role `weight` of module
// `layer2.downsample.0`), the modules in the order their first tensor's data has in the file —
// the state_dict's order, which is the model's, where the file was written in it. A recurrent
// module's tensors are one module per layer and direction (`lstm[l0]`, `lstm[l0_reverse]`,
// `lstm[l1]`), as each is one dnnc layer. `num_batches_tracked` (BatchNorm's step count, which
// inference never reads) is set aside.
import { safetensorsCopy, ST_FLOAT_DTYPES, type StFile } from "../runtime/safetensors.ts";
import { size } from "./layout.ts";

export interface PtTensor {
  name: string;
  dtype: string;
  shape: number[];
  /** Its values as float32 (only for a float dtype). */
  read(): Float32Array;
  /** Its bytes as stored. */
  bytes: Uint8Array;
}

export interface PtModule {
  /** `fc`, `layer2.downsample.0`, `lstm[l0]`; the empty string for tensors at the top level. */
  key: string;
  /** Its tensors by role (`weight`, `bias`, `running_mean`, `weight_ih`, …). */
  tensors: Map<string, PtTensor>;
  /** Tensors no conversion reads (num_batches_tracked). */
  ignored: PtTensor[];
}

/** Tensors a converter never reads, and why: said in the report. */
export const IGNORED_ROLES: Record<string, string> = {
  num_batches_tracked: "BatchNorm's count of training batches: inference does not read it",
};

const RECURRENT = /^(weight|bias)_(ih|hh)_l(\d+)(_reverse)?$/;

/** The module key and role of a tensor name. */
export function moduleOf(name: string): { key: string; role: string } {
  const dot = name.lastIndexOf(".");
  const prefix = dot < 0 ? "" : name.slice(0, dot);
  const last = name.slice(dot + 1);
  const recurrent = RECURRENT.exec(last);
  if (recurrent) return { key: `${prefix}[l${recurrent[3]}${recurrent[4] ?? ""}]`, role: `${recurrent[1]}_${recurrent[2]}` };
  return { key: prefix, role: last };
}

/** The tensor name of `role` in the module `key` (moduleOf's inverse). */
export function tensorName(key: string, role: string): string {
  const recurrent = /^(.*)\[(l\d+(?:_reverse)?)\]$/.exec(key);
  if (recurrent) return `${recurrent[1] ? `${recurrent[1]}.` : ""}${role}_${recurrent[2]}`;
  return key ? `${key}.${role}` : role;
}

/** The file's modules in file order (by their first tensor's data). */
export function pytorchModules(file: StFile): PtModule[] {
  const modules = new Map<string, PtModule>();
  for (const t of [...file.tensors.values()].sort((a, b) => a.begin - b.begin || a.end - b.end)) {
    const { key, role } = moduleOf(t.name);
    let m = modules.get(key);
    if (!m) modules.set(key, (m = { key, tensors: new Map(), ignored: [] }));
    const tensor: PtTensor = {
      name: t.name,
      dtype: t.dtype,
      shape: t.shape,
      bytes: file.bytes.subarray(t.begin, t.end),
      read: () => {
        const out = new Float32Array(size(t.shape));
        safetensorsCopy(file, t, out);
        return out;
      },
    };
    if (Object.hasOwn(IGNORED_ROLES, role)) m.ignored.push(tensor);
    else m.tensors.set(role, tensor);
  }
  return [...modules.values()];
}

export const isFloat = (t: PtTensor): boolean => ST_FLOAT_DTYPES.includes(t.dtype);
