// Inlay hints: what the checker inferred, shown in the text where it applies — the type of
// every `let` written without one, the value after each pipeline stage and layer call
// (`f32[B, 13, 13, 32]`), and the parameters a layer call creates. Everything comes from the
// analysis's facts and layer rows, so a model an error stops part-way still has hints for the
// part before the error, and other models keep all of theirs.
import type * as A from "../syntax/ast.ts";
import type { Span } from "../syntax/source.ts";
import type { LayerRow } from "../check/context.ts";
import type { Analysis, Moving } from "./analysis.ts";

export interface InlayHintOptions {
  /** Inferred types of lets, pipeline stages and layer calls. */
  types: boolean;
  /** Parameters created at each layer call. */
  parameterCounts: boolean;
}

export const DEFAULT_INLAY_HINTS: InlayHintOptions = { types: true, parameterCounts: true };

export interface InlayHintInfo {
  /** Where the hint is shown: just after the thing it describes. */
  offset: number;
  label: string;
  kind: "type" | "parameters";
  /** A `let`'s type reads as an annotation (`: f32[B, 10]`); a stage's as a result, set apart. */
  paddingLeft: boolean;
}

const key = (s: Span) => `${s.start}:${s.end}`;
const count = (n: number) => n.toLocaleString("en-US");

/** The hints between `from` and `to` (offsets in the analysed text), in text order. */
export function inlayHints(a: Analysis, from: number, to: number, options: InlayHintOptions = DEFAULT_INLAY_HINTS): InlayHintInfo[] {
  if (!options.types && !options.parameterCounts) return [];
  // Only the models with records in range: after an edit, moving every model's facts past it
  // costs more than the hints themselves (bench/lsp-latency.ts).
  const near = <T extends { span: Span }>(m: Moving<T>): T[] => (m.mayTouch(from, to) ? m.get() : []);
  const types = new Map<string, string[]>();
  for (const m of a.models.values())
    for (const f of near(m.facts)) {
      if (f.span.end < from || f.span.start > to) continue;
      const k = key(f.span);
      const seen = types.get(k);
      types.set(k, seen ? [...new Set([...seen, ...f.types])] : f.types);
    }
  // A layer defined in this file and applied twice has two rows at one span: its count shows only if they agree.
  const rows = new Map<string, LayerRow[]>();
  for (const m of a.models.values())
    for (const r of near(m.summary)) if (r.kind === "layer" && r.span.file === a.path && r.span.end >= from && r.span.start <= to) rows.set(key(r.span), [...(rows.get(key(r.span)) ?? []), r]);

  const hints: InlayHintInfo[] = [];
  const seen = new Set<number>();
  const add = (h: InlayHintInfo) => {
    if (h.offset < from || h.offset > to || seen.has(h.offset * 2 + (h.kind === "type" ? 0 : 1))) return;
    seen.add(h.offset * 2 + (h.kind === "type" ? 0 : 1));
    hints.push(h);
  };
  const typeOf = (s: Span): string | undefined => {
    const ts = types.get(key(s))?.filter((t) => /^\w+\[/.test(t) || /^(f32|i32|bool)$/.test(t));
    return ts && ts.length > 0 ? ts.join(" | ") : undefined;
  };
  const paramsAt = (s: Span): string | undefined => {
    const rs = rows.get(key(s));
    if (!rs || rs.some((r) => r.params !== rs[0]!.params)) return undefined;
    const r = rs[0]!;
    if (r.shared === "again") return "shared";
    if (r.params === 0) return undefined; // pooling, reshaping: nothing to count
    return `${count(r.params)} param${r.params === 1 ? "" : "s"}`;
  };
  /** After an expression: its type, then (for a layer call) its parameters. */
  const after = (e: Span, typeSpan: Span = e) => {
    const t = options.types && !letValues.has(key(typeSpan)) ? typeOf(typeSpan) : undefined;
    if (t) add({ offset: e.end, label: t, kind: "type", paddingLeft: true });
    const p = options.parameterCounts ? paramsAt(e) : undefined;
    if (p) add({ offset: e.end, label: p, kind: "parameters", paddingLeft: true });
  };

  const nodes = nodesOf(a.entry.ast, from, to);
  // A let's last stage would repeat the type shown at its name.
  const letValues = new Set(nodes.flatMap((n) => (n.kind === "let" && !n.type ? [key(n.value.span)] : [])));
  const stages = new Set(nodes.flatMap((n) => (n.kind === "pipe" ? [key(n.stage.span)] : [])));
  for (const node of nodes) {
    if (node.kind === "let" && !node.type && options.types) {
      const t = typeOf(node.name.span);
      if (t) add({ offset: node.name.span.end, label: `: ${t}`, kind: "type", paddingLeft: false });
    } else if (node.kind === "pipe") {
      after(node.stage.span, node.span); // the stage's result is the pipe's value
    } else if (node.kind === "call" && rows.has(key(node.span)) && !stages.has(key(node.span))) {
      after(node.span);
    }
  }
  return hints.sort((x, y) => x.offset - y.offset || (x.kind === "type" ? -1 : 1));
}

type Node = A.LetDecl | Extract<A.Expr, { kind: "pipe" | "call" }>;

/** Every `let`, pipeline and call of the file overlapping [from, to], innermost stages first
 * in text order (a pipeline's input before its stage). */
function nodesOf(ast: A.FileAst, from: number, to: number): Node[] {
  const out: Node[] = [];
  const visit = (x: unknown): void => {
    if (Array.isArray(x)) return x.forEach(visit);
    if (!x || typeof x !== "object") return;
    const o = x as { kind?: string; span?: Span };
    if (o.span && (o.span.end < from || o.span.start > to)) return;
    if (o.kind === "let" || o.kind === "pipe" || o.kind === "call") out.push(o as Node);
    for (const [k, v] of Object.entries(o)) if (k !== "span" && k !== "opSpan" && v && typeof v === "object") visit(v);
  };
  visit(ast.decls);
  return out;
}
