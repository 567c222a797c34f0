// PyTorch's state_dict (as safetensors) to a dnnc model's parameters and back, through the
// pairing of match.ts and the layout rules of rules.ts, with the report of what was done.
//
// Into dnnc: every parameter must be paired; a PyTorch tensor nothing reads refuses the file
// unless allowed (a file with more than the model, a classifier head left out, say).
// Out of dnnc: with a template — the PyTorch file the weights came from, or any state_dict of
// the same model — the tensors are written under the template's names, in its order, and what
// the conversion does not make (num_batches_tracked) is copied from it; without one, each layer
// is written as a PyTorch module named as the dnnc layer (or as the map says), with
// num_batches_tracked 0.
import type { CompiledModel } from "../model.ts";
import { safetensorsRead, safetensorsWriteEntries, type StEntry, type StFile } from "../runtime/safetensors.ts";
import { dnncLayers, WeightsError } from "./dnnc-layers.ts";
import { matchLayers, type Matching, type Pair } from "./match.ts";
import { IGNORED_ROLES, moduleOf, pytorchModules, tensorName, type PtModule, type PtTensor } from "./pytorch-modules.ts";
import { layerPlan, ROLE_ORDER, type ParamPlan } from "./rules.ts";
import type { MatchedLayer, WeightsReport } from "./report.ts";

export interface ConvertOptions {
  /** {"dnnc layer or parameter": "PyTorch module or tensor"}; the rest pair automatically. */
  map?: Record<string, string>;
  /** Names the file in messages. */
  where: string;
}

function readFile(where: string, bytes: Uint8Array): StFile {
  try {
    return safetensorsRead(where, bytes);
  } catch (e) {
    throw new WeightsError(e instanceof Error ? e.message : String(e));
  }
}

/** The report's parts that pairing decides (both directions). */
function reportOf(model: CompiledModel, direction: WeightsReport["direction"], matching: Matching, modules: PtModule[], allowUnused: boolean): WeightsReport {
  const matched: MatchedLayer[] = matching.pairs.map((p) => ({
    layer: p.layer.prefix,
    kind: p.layer.kind,
    module: p.module.key,
    how: p.how,
    tensors: p.plans.map((plan) => ({ dnnc: plan.param.name, shape: plan.param.shape, pytorch: plan.roles.map((r) => p.module.tensors.get(r)!.name), transform: plan.transform })),
  }));
  const read = new Set(matched.flatMap((m) => m.tensors.flatMap((t) => t.pytorch)));
  const all = modules.flatMap((m) => [...m.tensors.values()]);
  const ignored = modules.flatMap((m) => m.ignored.map((t) => ({ name: t.name, reason: IGNORED_ROLES[moduleOf(t.name).role]! })));
  const unmatchedTensors = all.filter((t) => !read.has(t.name)).map((t) => ({ name: t.name, dtype: t.dtype, shape: t.shape }));
  const unmatchedLayers = matching.layers.map((u) => ({
    layer: u.layer.prefix,
    kind: u.layer.kind,
    params: u.layer.params.map((q) => ({ name: q.name, shape: q.shape })),
    reason: u.reason,
    ...(u.candidates ? { candidates: u.candidates } : {}),
  }));
  const ok = unmatchedLayers.length === 0 && matching.problems.length === 0 && (allowUnused || unmatchedTensors.length === 0);
  return { model: model.name, direction, ok, matched, unmatchedLayers, unmatchedTensors, ignored, problems: matching.problems, notes: matching.notes };
}

/** A PyTorch file's tensors as `model`'s parameters (in a dnnc safetensors file, absent when the report is not ok). */
export function fromPytorch(model: CompiledModel, bytes: Uint8Array, options: ConvertOptions & { allowUnused?: boolean }): { report: WeightsReport; bytes?: Uint8Array } {
  const modules = pytorchModules(readFile(options.where, bytes));
  const matching = matchLayers(dnncLayers(model), modules, options.map);
  const report = reportOf(model, "pytorch-to-dnnc", matching, modules, !!options.allowUnused);
  if (!report.ok) return { report };
  const values = new Map<string, Float32Array>();
  for (const pair of matching.pairs)
    for (const plan of pair.plans) values.set(plan.param.name, plan.load(plan.roles.map((r) => pair.module.tensors.get(r)!.read())));
  const tensors = model.params.map((p) => ({ name: p.name, shape: p.shape as number[], data: values.get(p.name)! }));
  return { report, bytes: safetensorsWriteEntries(tensors.map((t) => ({ name: t.name, dtype: "F32", shape: t.shape, bytes: littleEndian(t.data) })), {}) };
}

/** `params` (every parameter of `model`) as a PyTorch state_dict in safetensors; absent when the report is not ok. */
export function toPytorch(model: CompiledModel, params: ReadonlyMap<string, Float32Array>, options: ConvertOptions & { like?: Uint8Array; likeWhere?: string }): { report: WeightsReport; bytes?: Uint8Array } {
  const layers = dnncLayers(model);
  const template = options.like ? readFile(options.likeWhere ?? "the template", options.like) : undefined;
  const modules = template ? pytorchModules(template) : namedModules(layers, options.map ?? {});
  const matching = matchLayers(layers, modules, template ? options.map : undefined);
  if (!template) matching.problems.push(...namingProblems(layers, modules, options.map ?? {}));
  const report = reportOf(model, "dnnc-to-pytorch", matching, modules, false);
  if (!report.ok) return { report };
  const written = new Map<string, StEntry>();
  for (const pair of matching.pairs) for (const e of saved(pair, params)) written.set(e.name, e);
  // What no conversion makes (num_batches_tracked) is the template's as it is, or 0.
  const kept = new Map(modules.flatMap((m) => m.ignored).map((t) => [t.name, { name: t.name, dtype: t.dtype, shape: t.shape, bytes: t.bytes }]));
  // In the template's order (its data's), else the modules'.
  const names = template ? [...template.tensors.values()].sort((a, b) => a.begin - b.begin).map((t) => t.name) : modules.flatMap((m) => [...m.tensors.values(), ...m.ignored].map((t) => t.name));
  return { report, bytes: safetensorsWriteEntries(names.map((n) => written.get(n) ?? kept.get(n)!), { format: "pt" }) };
}

function saved(pair: Pair, params: ReadonlyMap<string, Float32Array>): StEntry[] {
  return pair.plans.flatMap((plan: ParamPlan) => {
    const data = params.get(plan.param.name);
    if (!data) throw new WeightsError(`no value for the parameter ${plan.param.name}`);
    return plan.save(data).map((d, i) => {
      const t = pair.module.tensors.get(plan.roles[i]!)!;
      return { name: t.name, dtype: "F32", shape: plan.shapes[i]!, bytes: littleEndian(d) };
    });
  });
}

/**
 * Without a template: each layer as a module named as the dnnc layer (`conv2d_1`), or as a
 * layer-level map entry says, its tensors named as PyTorch names them (`conv2d_1.weight`,
 * `lstm.weight_ih_l0`) or as a parameter-level entry says; a BatchNorm's num_batches_tracked 0.
 */
function namedModules(layers: ReturnType<typeof dnncLayers>, map: Record<string, string>): PtModule[] {
  const modules: PtModule[] = [];
  for (const layer of layers) {
    const plans = layerPlan(layer);
    if (typeof plans === "string") continue;
    const recurrent = plans.some((p) => p.roles.includes("weight_ih"));
    const base = map[layer.prefix] ?? layer.prefix;
    const key = recurrent && !base.endsWith("]") ? `${base}[l0]` : base;
    const tensors = new Map<string, PtTensor>();
    const roles = plans.flatMap((p) => p.roles.map((role, i) => ({ role, shape: p.shapes[i]!, name: p.roles.length === 1 ? map[p.param.name] : undefined })));
    roles.sort((a, b) => ROLE_ORDER.indexOf(a.role) - ROLE_ORDER.indexOf(b.role));
    for (const r of roles) tensors.set(r.role, { name: r.name ?? tensorName(key, r.role), dtype: "F32", shape: r.shape, bytes: new Uint8Array(0), read: () => new Float32Array(0) });
    const ignored: PtTensor[] = layer.kind === "BatchNorm" ? [{ name: tensorName(key, "num_batches_tracked"), dtype: "I64", shape: [], bytes: new Uint8Array(8), read: () => new Float32Array(0) }] : [];
    modules.push({ key, tensors, ignored });
  }
  return modules;
}

/** Without a template, the map names what is written: an entry must name a layer or parameter, and no two tensors may get one name. */
function namingProblems(layers: ReturnType<typeof dnncLayers>, modules: PtModule[], map: Record<string, string>): string[] {
  const known = new Set(layers.flatMap((l) => [l.prefix, ...l.params.map((p) => p.name)]));
  const problems = Object.keys(map).filter((k) => !known.has(k)).map((k) => `map: the model has no layer or parameter ${JSON.stringify(k)}`);
  const seen = new Set<string>();
  for (const t of modules.flatMap((m) => [...m.tensors.values(), ...m.ignored])) {
    if (seen.has(t.name)) problems.push(`map: two tensors would be named ${JSON.stringify(t.name)}`);
    seen.add(t.name);
  }
  return problems;
}

const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;

function littleEndian(data: Float32Array): Uint8Array {
  if (LITTLE_ENDIAN) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const out = new Uint8Array(4 * data.length);
  const view = new DataView(out.buffer);
  data.forEach((v, i) => view.setFloat32(4 * i, v, true));
  return out;
}
