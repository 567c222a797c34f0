// Hover: what the checker knows about the thing under the cursor. For an expression or a
// binding, its type and inferred shape; for a layer call, also the instance it creates and its
// parameter count; for a definition, its signature and documentation.
import type * as A from "../syntax/ast.ts";
import type { Span } from "../syntax/source.ts";
import type { Decl } from "../check/module.ts";
import type { LayerRow } from "../check/context.ts";
import { INTRINSIC_NAMES } from "../check/intrinsic-names.ts";
import type { TypeFact } from "../check/facts.ts";
import { recordsNear, type Analysis } from "./analysis.ts";
import { builtinDoc } from "./builtins.ts";
import { contains, sameSpan } from "./definitions.ts";
import { findAt, smallest } from "./lookup.ts";

export interface HoverInfo {
  markdown: string;
  span: Span;
}

const code = (s: string) => "```dnn\n" + s + "\n```";
const count = (n: number) => n.toLocaleString("en-US");

export function hover(a: Analysis, offset: number): HoverInfo | undefined {
  const found = findAt(a, offset);
  const near = recordsNear(a, offset, offset);
  // In text order, as Analysis.facts() gives them: of two equally small, the first.
  const fact = smallest(near.facts.filter((f) => contains(f.span, offset)).sort((x, y) => x.span.start - y.span.start || y.span.end - x.span.end));
  const rows = near.summary.filter((r): r is LayerRow => r.kind === "layer" && contains(r.span, offset));
  const row = smallest(rows);

  if (found?.decl) {
    const parts = [code(signature(found.decl.decl, found.decl.module.source.text))];
    if (found.decl.decl.kind === "model") parts.push(modelSummary(a, found.decl.decl.name.name));
    // On the name of a layer being applied: the instance this call creates.
    if (row && (found.decl.decl.kind === "layer" || found.decl.decl.kind === "model") && row.layer === found.name) parts.push(layerLine(row));
    if ("doc" in found.decl.decl && found.decl.decl.doc) parts.push(found.decl.decl.doc);
    return { markdown: parts.join("\n\n"), span: found.span };
  }
  if (found?.definition || (found?.target && !found.builtin)) {
    const types = factAt(a, found.span) ?? (found.target ? factAt(a, found.target) : undefined);
    const what = found.definition?.kind ?? "";
    const declared = found.definition ? a.entry.source.text.slice(found.definition.extent.start, found.definition.extent.end).split("\n")[0] : undefined;
    const shown = types ? `${what} ${found.name}: ${types.join(" | ")}` : (declared ?? found.name);
    return { markdown: code(shown.trim()), span: found.span };
  }
  if (found?.builtin && INTRINSIC_NAMES.has(found.name) && !fact?.types[0]?.startsWith("f32") && !fact?.types[0]?.startsWith("i32")) {
    const doc = builtinDoc(found.name);
    return { markdown: [code(`${found.name}${doc && doc.params.startsWith("(") ? doc.params : ""}`), "built-in" + (doc ? `: ${doc.meaning}` : "")].join("\n\n"), span: found.span };
  }
  if (fact) {
    const parts = [code(fact.types.join(" | "))];
    if (row && sameSpan(row.span, fact.span)) parts.push(layerLine(row));
    return { markdown: parts.join("\n\n"), span: fact.span };
  }
  return undefined;
}

function factAt(a: Analysis, span: Span): string[] | undefined {
  return recordsNear(a, span.start, span.end).facts.find((f: TypeFact) => sameSpan(f.span, span))?.types;
}

function layerLine(row: LayerRow): string {
  if (row.shared === "again") return `\`${row.instance}\` → \`${row.dtype}[${row.shape.join(", ")}]\` · shared: the instance and parameters of its first application`;
  const frozen = row.params - row.trainable;
  return `\`${row.instance}\` → \`${row.dtype}[${row.shape.join(", ")}]\` · ${count(row.params)} parameters${frozen ? ` (${count(frozen)} not trained)` : ""}`;
}

function modelSummary(a: Analysis, name: string): string {
  const m = a.models.get(name);
  if (!m || m.params.length === 0) return "";
  const total = m.params.reduce((s, p) => s + p.size, 0);
  const trainable = m.params.filter((p) => p.trainable).reduce((s, p) => s + p.size, 0);
  return `${count(total)} parameters, ${count(trainable)} trainable`;
}

/** A definition's parameter list; a model, applied as a layer (`Encoder()`), takes none. */
export const constructorParams = (d: Decl): A.Parameter[] => (d.kind === "model" ? [] : d.params);

/** `layer Dense(units: int, activation: fn = identity)`, as written. */
export function signature(d: Decl | A.ModelDecl, source: string): string {
  const text = (s: Span) => source.slice(s.start, s.end);
  if (d.kind === "model") return `model ${d.name.name}`;
  const params = `(${d.params.map((p) => text(p.span)).join(", ")})`;
  const returns = (d.kind === "fn" && d.returns) ? ` -> ${text(d.returns.span)}` : "";
  return `${d.kind} ${d.name.name}${params}${returns}`;
}
