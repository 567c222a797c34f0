// Diagnostics as the public API hands them out: plain, serialisable data that carries its own
// positions and source lines (as esbuild's messages do), so a caller can show, store or send
// them without the compiler's source files. The renderers of src/diagnostics/ draw them back
// from that data alone: each file's text is rebuilt from the lines the locations carry.
import { CODES, type Code } from "../diagnostics/codes.ts";
import { diagnostic as internalDiagnostic, type Diagnostic as InternalDiagnostic, type Severity } from "../diagnostics/diagnostic.ts";
import { renderTextAll } from "../diagnostics/render-text.ts";
import { toJson, type JsonDiagnostic } from "../diagnostics/render-json.ts";
import { SourceFile, type Span } from "../syntax/source.ts";

export type { Code as DiagnosticCode, Severity, JsonDiagnostic };

/** Where a diagnostic points: a range of one file. Lines and columns count from 1, columns in UTF-16 code units (JavaScript string indices). */
export interface Location {
  /** The file, as the compiler was given or imported it (stdlib files are absolute paths). */
  file: string;
  line: number;
  column: number;
  /** Where the range ends (exclusive): equal to line and column for an empty range. */
  endLine: number;
  endColumn: number;
  /** The range as offsets into the file's text, in UTF-16 code units. */
  offset: number;
  length: number;
  /** The text of `line`, without its line break. */
  lineText: string;
}

/** One problem found in a .dnn file. */
export interface Diagnostic {
  /** Stable: `DNN0304` always means the same thing (docs/diagnostics.md lists them). */
  code: Code;
  /** The code's title in the catalogue: "matmul inner dimensions differ". */
  title: string;
  severity: Severity;
  message: string;
  location: Location;
  /** Other places that explain this one ("defined here"). */
  related: { message: string; location: Location }[];
  /** What to do about it, when the compiler knows. */
  hint?: string;
  /** The name a "did you mean" hint proposes, as data: what replaces the diagnostic's range to fix it. */
  suggestion?: string;
}

type SourceLookup = (path: string) => SourceFile | undefined;

function locationOf(span: Span, sources: SourceLookup): Location {
  const src = sources(span.file);
  if (!src) return { file: span.file, line: 1, column: 1, endLine: 1, endColumn: 1, offset: span.start, length: Math.max(0, span.end - span.start), lineText: "" };
  const start = src.position(span.start);
  const end = src.position(Math.max(span.start, span.end));
  const offset = src.offset(start);
  return { file: span.file, line: start.line + 1, column: start.character + 1, endLine: end.line + 1, endColumn: end.character + 1, offset, length: src.offset(end) - offset, lineText: src.lineText(start.line) };
}

/** The compiler's diagnostics as the API's, their positions read from the files they point into. */
export function publicDiagnostics(ds: readonly InternalDiagnostic[], sources: SourceLookup): Diagnostic[] {
  return ds.map((d) => {
    const out: Diagnostic = { code: d.code, title: CODES[d.code].title, severity: d.severity, message: d.message, location: locationOf(d.span, sources), related: d.related.map((r) => ({ message: r.message, location: locationOf(r.span, sources) })) };
    if (d.hint !== undefined) out.hint = d.hint;
    if (d.suggestion !== undefined) out.suggestion = d.suggestion;
    return out;
  });
}

/**
 * The API's diagnostics back as the compiler's, with a source per file rebuilt from the lines
 * the locations carry (other lines empty, an end line unknown padded to its column): everything
 * the renderers read of a file.
 */
function internalOf(ds: readonly Diagnostic[]): { diagnostics: InternalDiagnostic[]; sources: SourceLookup } {
  const lines = new Map<string, string[]>();
  const note = (l: Location) => {
    const file = lines.get(l.file) ?? [];
    lines.set(l.file, file);
    file[l.line - 1] = l.lineText;
    file[l.endLine - 1] ??= " ".repeat(l.endColumn - 1);
  };
  for (const d of ds) for (const l of [d.location, ...d.related.map((r) => r.location)]) note(l);
  const sources = new Map([...lines].map(([file, ls]) => [file, new SourceFile(file, Array.from(ls, (l) => l ?? "").join("\n"))]));
  const span = (l: Location): Span => {
    const src = sources.get(l.file)!;
    return src.span(src.offset({ line: l.line - 1, character: l.column - 1 }), src.offset({ line: l.endLine - 1, character: l.endColumn - 1 }));
  };
  const diagnostics = ds.map((d) => {
    const i = internalDiagnostic(d.code, span(d.location), d.message, { related: d.related.map((r) => ({ span: span(r.location), message: r.message })), ...(d.hint !== undefined ? { hint: d.hint } : {}), ...(d.suggestion !== undefined ? { suggestion: d.suggestion } : {}) });
    i.severity = d.severity;
    return i;
  });
  return { diagnostics, sources: (p) => sources.get(p) };
}

export interface FormatDiagnosticsOptions {
  /** ANSI colours, as on a terminal. Default false. */
  color?: boolean;
  /** How a file is named in `-->` lines (the command shows paths below the working directory relative to it). Default: as given. */
  displayPath?: (path: string) => string;
}

/**
 * Diagnostics as `dnnc check` prints them, in rustc's layout: each with its source line and a
 * caret underline, related places and a hint, then a count. "" when there are none.
 */
export function formatDiagnostics(ds: readonly Diagnostic[], options: FormatDiagnosticsOptions = {}): string {
  const { diagnostics, sources } = internalOf(ds);
  return renderTextAll(diagnostics, sources, options);
}

/** Diagnostics as `dnnc check --json` prints them: 0-based positions, as the Language Server Protocol counts. */
export function diagnosticsAsJson(ds: readonly Diagnostic[]): JsonDiagnostic[] {
  const { diagnostics, sources } = internalOf(ds);
  return diagnostics.map((d) => toJson(d, sources));
}
