// Diagnostics are data: any phase produces them, renderers (text, JSON, LSP) present them.
import type { Span } from "../syntax/source.ts";
import { CODES, type Code } from "./codes.ts";

export type Severity = "error" | "warning" | "info";

export interface Related {
  span: Span;
  message: string;
}

export interface Diagnostic {
  code: Code;
  severity: Severity;
  message: string;
  span: Span;
  related: Related[];
  hint?: string;
  /** What was most likely meant in place of the text at `span` (a "did you mean" hint's name),
   * as data: an editor's quick fix replaces the span with it. */
  suggestion?: string;
}

export function diagnostic(code: Code, span: Span, message: string, extra: { related?: Related[]; hint?: string; suggestion?: string } = {}): Diagnostic {
  // The same span and label twice (x @ x) says nothing new.
  const related = (extra.related ?? []).filter((r, i, all) => all.findIndex((o) => o.span.file === r.span.file && o.span.start === r.span.start && o.span.end === r.span.end && o.message === r.message) === i);
  const d: Diagnostic = { code, severity: CODES[code].severity, message, span, related };
  if (extra.hint !== undefined) d.hint = extra.hint;
  if (extra.suggestion !== undefined) d.suggestion = extra.suggestion;
  return d;
}

export const hasErrors = (ds: readonly Diagnostic[]): boolean => ds.some((d) => d.severity === "error");

const SEVERITY_ORDER: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** Errors first, then warnings (a warning is often a consequence of an error, never its
 * cause: the first thing read should be what stops the build), each by file then position,
 * so output is stable whatever order phases ran in. */
export function sortDiagnostics(ds: Diagnostic[]): Diagnostic[] {
  return ds.sort(
    (a, b) =>
      SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity] ||
      (a.span.file < b.span.file ? -1 : a.span.file > b.span.file ? 1 : a.span.start - b.span.start || a.span.end - b.span.end),
  );
}

/** `to.push(...items)` without the spread, which overflows the stack past ~100,000 items (a
 * 100,000-line file has that many references, and may have that many warnings). */
export function appendAll<T>(to: T[], items: readonly T[]): void {
  for (const x of items) to.push(x);
}
