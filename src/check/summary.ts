// `dnnc check --shapes`: every input, binding and layer application of a model with its
// inferred type, and parameter counts per layer and in total, laid out like Keras's
// model.summary() so a person can read the network at a glance.
import type { SourceFile } from "../syntax/source.ts";
import { showShape } from "../ir/shape.ts";
import type { SummaryRow } from "./context.ts";

export interface ParamCount {
  size: number;
  trainable: boolean;
}

// en-US digit grouping (1,234,567) written out: toLocaleString loads ICU's locale data on its
// first call, ~40 ms of a fresh `dnnc check` that prints no table.
const count = (n: number): string => (Number.isSafeInteger(n) ? String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",") : n.toLocaleString("en-US"));

export function printSummary(model: string, rows: readonly SummaryRow[], params: readonly ParamCount[], source?: SourceFile): string {
  const table: [string, string, string, string][] = [["Layer (type)", "Output shape", "Param #", "Line"]];
  for (const r of rows) {
    const line = source && r.span.file === source.path ? String(source.position(r.span.start).line + 1) : "";
    const type = `${r.dtype}${showShape(r.shape)}`;
    // A shared layer's instance is counted where it is made; a later application adds nothing.
    if (r.kind === "layer" && r.shared === "again") table.push([`${"  ".repeat(r.depth)}${r.instance} (${r.layer}, reused)`, type, "", line]);
    else if (r.kind === "layer") table.push([`${"  ".repeat(r.depth)}${r.instance} (${r.layer}${r.shared ? ", shared" : ""})`, type, count(r.params), line]);
    else table.push([`${r.name} (${r.role})`, type, r.role === "input" ? "0" : "", line]);
  }
  const widths = [0, 1, 2, 3].map((i) => Math.max(...table.map((row) => row[i]!.length)));
  const fmt = (row: string[]) => ` ${row[0]!.padEnd(widths[0]!)}   ${row[1]!.padEnd(widths[1]!)}   ${row[2]!.padStart(widths[2]!)}   ${row[3]!.padStart(widths[3]!)}`.trimEnd();
  const rule = ` ${"─".repeat(widths.reduce((a, b) => a + b, 0) + 9)}`;
  const total = params.reduce((a, p) => a + p.size, 0);
  const trainable = params.reduce((a, p) => a + (p.trainable ? p.size : 0), 0);
  return [
    `Model: ${model}`,
    fmt(table[0]!),
    rule,
    ...table.slice(1).map(fmt),
    rule,
    ` Total params: ${count(total)}`,
    ` Trainable params: ${count(trainable)}`,
    ` Non-trainable params: ${count(total - trainable)}`,
    "",
  ].join("\n");
}
