// What a conversion between PyTorch's and dnnc's weights did, as data (the API returns it) and as
// the text `dnnc weights` prints: each dnnc layer with the PyTorch module it was paired with
// (by the map or in order), each parameter with the tensors it came from or went to and the
// layout change made, and whatever was left unpaired on either side, with why.
import { showShape } from "./layout.ts";

export interface MatchedLayer {
  /** The dnnc layer instance (`conv2d_1`) and its kind (`Conv2D`). */
  layer: string;
  kind: string;
  /** The PyTorch module (`layer2.downsample.0`, `lstm[l0]` for layer 0 of an LSTM). */
  module: string;
  /** Paired by the map, or automatically (in order, by kind and shape). */
  how: "map" | "auto";
  tensors: { dnnc: string; shape: number[]; pytorch: string[]; transform: string }[];
}

export interface UnmatchedLayer {
  layer: string;
  kind: string;
  params: { name: string; shape: number[] }[];
  reason: string;
  /** When ambiguous: the modules it could be paired with. */
  candidates?: string[];
}

export interface WeightsReport {
  model: string;
  direction: "pytorch-to-dnnc" | "dnnc-to-pytorch";
  /** Every dnnc parameter paired, no map entry wrong, and no PyTorch tensor unread (unless allowed). */
  ok: boolean;
  matched: MatchedLayer[];
  unmatchedLayers: UnmatchedLayer[];
  /** PyTorch tensors (of the file read, or of the template written after) that no dnnc parameter reads. */
  unmatchedTensors: { name: string; dtype: string; shape: number[] }[];
  /** PyTorch tensors set aside on purpose, and why (num_batches_tracked). */
  ignored: { name: string; reason: string }[];
  /** Map entries that name nothing, or a layer twice. */
  problems: string[];
  /** How the automatic pairing went, where it did something to say (a file in name order). */
  notes: string[];
}

export function formatReport(r: WeightsReport): string {
  const toDnnc = r.direction === "pytorch-to-dnnc";
  const arrow = toDnnc ? "←" : "→";
  const lines = [`${toDnnc ? "PyTorch → dnnc" : "dnnc → PyTorch"}, model ${r.model}: ${r.matched.length} layer${r.matched.length === 1 ? "" : "s"} paired${r.unmatchedLayers.length ? `, ${r.unmatchedLayers.length} not` : ""}`];
  for (const m of r.matched) {
    lines.push(`  ${m.layer} (${m.kind}) ${arrow} ${m.module || "(top level)"}  [${m.how === "map" ? "map" : "in order"}]`);
    for (const t of m.tensors) lines.push(`    ${t.dnnc} ${showShape(t.shape)} ${arrow} ${t.pytorch.join(" + ")}: ${t.transform}`);
  }
  if (r.ignored.length) lines.push(`Ignored: ${r.ignored.map((i) => i.name).join(", ")} (${[...new Set(r.ignored.map((i) => i.reason))].join("; ")})`);
  if (r.unmatchedLayers.length) {
    lines.push("Not paired in the model:");
    for (const u of r.unmatchedLayers) {
      lines.push(`  ${u.layer || "(top level)"} (${u.kind || "unknown kind"}): ${u.params.map((p) => `${p.name} ${showShape(p.shape)}`).join(", ")}`);
      lines.push(`    ${u.reason}${u.candidates ? ` (candidates: ${u.candidates.join(", ")}; give a --map)` : ""}`);
    }
  }
  if (r.unmatchedTensors.length) {
    lines.push(`Not read in the ${toDnnc ? "PyTorch file" : "template"}:`);
    for (const t of r.unmatchedTensors) lines.push(`  ${t.name} ${t.dtype}${showShape(t.shape)}`);
  }
  for (const p of r.problems) lines.push(p);
  for (const n of r.notes) lines.push(`Note: ${n}`);
  return `${lines.join("\n")}\n`;
}
