// Machine-readable diagnostics for editors and CI: 0-based LSP-style positions, so an LSP
// server and `dnnc --json` agree on where every diagnostic is.
import type { Diagnostic, Severity } from "./diagnostic.ts";
import type { Code } from "./codes.ts";
import type { Position, Span } from "../syntax/source.ts";
import type { SourceLookup } from "./render-text.ts";

export interface JsonRange {
  start: Position;
  end: Position;
}

export interface JsonRelated {
  file: string;
  message: string;
  range: JsonRange;
}

export interface JsonDiagnostic {
  file: string;
  code: Code;
  severity: Severity;
  message: string;
  range: JsonRange;
  related?: JsonRelated[];
  hint?: string;
  /** The name a "did you mean" hint proposes, as data: what an editor's quick fix puts in the range. */
  suggestion?: string;
}

function range(span: Span, sources: SourceLookup): JsonRange {
  const src = sources(span.file);
  // Without the text, lines cannot be counted; 0:0 keeps the record valid for consumers.
  if (!src) return { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
  return { start: src.position(span.start), end: src.position(Math.max(span.start, span.end)) };
}

export function toJson(d: Diagnostic, sources: SourceLookup): JsonDiagnostic {
  const j: JsonDiagnostic = { file: d.span.file, code: d.code, severity: d.severity, message: d.message, range: range(d.span, sources) };
  if (d.related.length > 0) j.related = d.related.map((r) => ({ file: r.span.file, message: r.message, range: range(r.span, sources) }));
  if (d.hint !== undefined) j.hint = d.hint;
  if (d.suggestion !== undefined) j.suggestion = d.suggestion;
  return j;
}

export function renderJson(ds: readonly Diagnostic[], sources: SourceLookup): string {
  return JSON.stringify(
    ds.map((d) => toJson(d, sources)),
    null,
    2,
  );
}
