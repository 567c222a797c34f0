// A compiled model's parameters as layers, in the model's order: grouped by layer instance (the
// name less its last part), each with its kind from the layer listing `dnnc check --shapes`
// prints (model.summary), and, for a Dense right after a Flatten of a feature map, that map's
// shape — what the PyTorch rules need to reorder its rows.
import type { CompiledModel } from "../model.ts";
import type { LayerRow, SummaryRow } from "../check/context.ts";
import type { DnncLayer } from "./rules.ts";

export class WeightsError extends Error {}

/** Layers that pass their input on unchanged in inference, looked through between a Flatten and a Dense. */
const PASS_THROUGH = new Set(["Dropout"]);

export function dnncLayers(model: CompiledModel): DnncLayer[] {
  const layers = new Map<string, DnncLayer>();
  for (const p of model.params) {
    if (p.shape.some((d) => typeof d !== "number")) throw new WeightsError(`${model.name}: the parameter ${p.name} has a symbolic size (${p.shape.join(", ")})`);
    const dot = p.name.lastIndexOf(".");
    const prefix = dot < 0 ? "" : p.name.slice(0, dot);
    let layer = layers.get(prefix);
    if (!layer) layers.set(prefix, (layer = { prefix, kind: "", params: [] }));
    layer.params.push({ name: p.name, suffix: p.name.slice(dot + 1), shape: p.shape as number[] });
  }
  const rows = layerRows(model);
  for (const layer of layers.values()) {
    const row = rows.get(layer.prefix);
    if (!row) continue;
    layer.kind = row.row.layer;
    if (layer.kind === "Dense") {
      const dims = flattenedFrom(model.summary, row.index);
      const kernel = layer.params.find((q) => q.suffix === "kernel");
      if (dims && kernel && dims.reduce((a, b) => a * b, 1) === kernel.shape[0]) layer.flattened = dims;
    }
  }
  return [...layers.values()];
}

/**
 * Each layer row by the prefix its parameters have. A nested model's parameters carry its
 * instance name (`generator.dense.kernel`), a composite layer's do not (a ResidualBlock's
 * convolutions are `conv2d_1`, …): a row is a nested model's when some parameter is named under it
 * with a further dot. A shared layer's later applications make nothing and are skipped.
 */
function layerRows(model: CompiledModel): Map<string, { row: LayerRow; index: number }> {
  const out = new Map<string, { row: LayerRow; index: number }>();
  const scope: string[] = []; // scope[d]: the prefix a row at depth d gives the rows nested in it
  model.summary.forEach((row, index) => {
    if (row.kind !== "layer") return;
    const outer = row.depth > 0 ? (scope[row.depth - 1] ?? "") : "";
    const full = outer + row.instance;
    const nestsModel = model.params.some((p) => p.name.startsWith(`${full}.`) && p.name.indexOf(".", full.length + 1) >= 0);
    scope[row.depth] = nestsModel ? `${full}.` : outer;
    scope.length = row.depth + 1;
    if (row.shared !== "again" && !out.has(full)) out.set(full, { row, index });
  });
  return out;
}

/**
 * For the Dense at summary row `at`: when the layer before it (a Dropout looked through) is a
 * Flatten of a channels-last feature map — an image [N, H, W, C], or a sequence [N, T, C] a 1-D
 * convolution or pooling made — that map's shape less the batch. The rows are in the order the
 * model applies them, so "before" is the nearest earlier row no deeper than the Dense.
 */
function flattenedFrom(rows: readonly SummaryRow[], at: number): number[] | undefined {
  const depth = (r: SummaryRow) => (r.kind === "layer" ? r.depth : 0);
  const previous = (from: number, d: number, skip: (r: SummaryRow) => boolean): number => {
    let j = from - 1;
    while (j >= 0 && (depth(rows[j]!) > d || skip(rows[j]!))) j--;
    return j;
  };
  const dense = rows[at]!;
  const f = previous(at, depth(dense), (r) => r.kind === "binding" || PASS_THROUGH.has(r.layer));
  const flatten = rows[f];
  if (!flatten || flatten.kind !== "layer" || flatten.layer !== "Flatten") return undefined;
  const source = rows[previous(f, flatten.depth, () => false)];
  if (!source || source.shape.some((d) => typeof d !== "number" && d !== source.shape[0])) return undefined;
  const dims = source.shape.slice(1) as number[];
  const channelsLast = dims.length >= 3 || (dims.length === 2 && source.kind === "layer" && /1D$/.test(source.layer));
  return channelsLast ? dims : undefined;
}
