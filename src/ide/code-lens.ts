// A code lens over each model: its parameter count and the peak memory of its training step
// (of its forward, without a train block), as `dnnc compile` prints them — the same
// modelStats() on the same functions, simplified as the compiler does, every symbolic size at
// the batch given. Costing a model (simplify, fuse, schedule) takes milliseconds to tens of
// them, so a lens is cheap to list and costed only when the editor resolves it (visible
// models), once per model text: the result is kept with the model's analysis.
import type { Span } from "../syntax/source.ts";
import type { CompiledModel } from "../model.ts";
import { simplify } from "../passes/pipeline.ts";
import { modelStats } from "../api/stats.ts";
import type { Analysis } from "./analysis.ts";

export const DEFAULT_BATCH = 64;

/** Where each model's lens goes: its name. */
export function modelLenses(a: Analysis): { model: string; span: Span }[] {
  return [...a.entry.models.values()].filter((d) => d.name.span.file === a.path).map((d) => ({ model: d.name.name, span: d.name.span }));
}

/** Keyed by the compiled model, which a kept model carries unchanged past edits elsewhere (its
 * ModelResult is a new object after each): an editor resolves lenses again after every edit. */
const costed = new WeakMap<CompiledModel, Map<number, string>>();
const count = (n: number) => n.toLocaleString("en-US");
const bytes = (v: number): string => (v >= 1e9 ? `${(v / 1e9).toFixed(2)} GB` : v >= 1e6 ? `${(v / 1e6).toFixed(1)} MB` : v >= 1e3 ? `${(v / 1e3).toFixed(1)} kB` : `${v} B`);

/** The lens's text: `93,322 parameters · training peak 31.5 MB at B = 64`. With `cost` false,
 * a model not costed yet gets its parameter count and `pending: true` instead of waiting for it
 * (a server that can ask the editor to refresh lenses costs it once typing pauses). */
export function modelLensTitle(a: Analysis, model: string, batch = DEFAULT_BATCH, cost = true): { title: string; pending: boolean } | undefined {
  const r = a.models.get(model);
  if (!r) return undefined;
  const params = r.params.reduce((s, p) => s + p.size, 0);
  if (!r.compiled) return { title: `${count(params)} parameters so far · memory once the model checks`, pending: false };
  const cache = costed.get(r.compiled) ?? new Map<number, string>();
  costed.set(r.compiled, cache);
  let title = cache.get(batch);
  if (title === undefined && !cost) return { title: `${count(params)} parameters · peak memory: costing…`, pending: true };
  if (title === undefined) cache.set(batch, (title = costOf(r.compiled, batch)));
  return { title, pending: false };
}

/** Its default train step's peak; with only named programs (`train Gan.generator`), the largest of theirs. */
function costOf(m: CompiledModel, batch: number): string {
  const forward = simplify(m.forward);
  const steps = m.train ? [m.train] : (m.programs ?? []).map((p) => p.train);
  const stats = (steps.length > 0 ? steps : [undefined]).map((t) => modelStats({ ...m, forward, train: t && { ...t, fn: simplify(t.fn) } }, batch));
  const peak = (s: (typeof stats)[number]) => { const f = s.trainStep ?? s.forward; return f.workspaceBytes + f.argumentBytes; };
  const s = stats.reduce((x, y) => (peak(y) > peak(x) ? y : x));
  const sizes = Object.entries(s.sizes);
  const at = sizes.length > 0 ? ` at ${sizes.map(([x, n]) => `${x} = ${n}`).join(", ")}` : "";
  return `${count(s.parameters)} parameters · ${s.trainStep ? "training" : "inference"} peak ${bytes(peak(s))}${at}`;
}
