// Between the IDE layer's offsets and spans and the protocol's URIs, lines and UTF-16 columns.
import { fileURLToPath, pathToFileURL } from "node:url";
import { resolve } from "node:path";
import { DiagnosticSeverity, type Diagnostic as LspDiagnostic, type Location, type Range } from "vscode-languageserver";
import type { Diagnostic } from "../diagnostics/diagnostic.ts";
import { CODES } from "../diagnostics/codes.ts";
import type { Span } from "../syntax/source.ts";
import type { SourceFile } from "../syntax/source.ts";

/** A document's path for the compiler: the file's path, or the URI itself for unsaved ones. */
export const uriToPath = (uri: string): string => (uri.startsWith("file:") ? fileURLToPath(uri) : uri);
export const pathToUri = (path: string): string => (path.includes(":") && !/^[A-Za-z]:[\\/]/.test(path) ? path : pathToFileURL(path).href);

export function toRange(source: SourceFile, span: Span): Range {
  return { start: source.position(span.start), end: source.position(span.end) };
}

export function toLocation(sources: (path: string) => SourceFile | undefined, span: Span): Location | undefined {
  const source = sources(span.file);
  return source && { uri: pathToUri(span.file), range: toRange(source, span) };
}

const CATALOGUE = pathToFileURL(resolve(fileURLToPath(import.meta.url), "../../../docs/diagnostics.md")).href;

/** The CLI's diagnostic as the protocol's: code and its catalogue entry, hint, related places. */
export function toLspDiagnostic(d: Diagnostic, sources: (path: string) => SourceFile | undefined, at?: Range): LspDiagnostic | undefined {
  const source = sources(d.span.file);
  const range = at ?? (source && toRange(source, d.span));
  if (!range) return undefined;
  return {
    range,
    severity: d.severity === "error" ? DiagnosticSeverity.Error : d.severity === "warning" ? DiagnosticSeverity.Warning : DiagnosticSeverity.Information,
    code: d.code,
    codeDescription: { href: `${CATALOGUE}#${anchor(`${d.code}: ${CODES[d.code].title}`)}` },
    source: "dnnc",
    message: d.hint ? `${d.message}\nhint: ${d.hint}` : d.message,
    relatedInformation: d.related.flatMap((r) => {
      const location = toLocation(sources, r.span);
      return location ? [{ location, message: r.message }] : [];
    }),
  };
}

/** The one diagnostic shown when the checker itself fails on a document (a bug in dnnc). */
export function crashDiagnostic(error: string): LspDiagnostic {
  const start = { line: 0, character: 0 };
  return {
    range: { start, end: start },
    severity: DiagnosticSeverity.Error,
    code: "internal",
    source: "dnnc",
    message: `dnnc crashed while checking this file: ${error} — please report it (the language server's log has the details)`,
  };
}

/** A heading's anchor as GitHub and VS Code's preview make it. */
const anchor = (heading: string): string => heading.toLowerCase().replace(/[^a-z0-9 _-]/g, "").replace(/ /g, "-");
