// Human-readable diagnostics in the layout rustc made familiar: header, `-->` location,
// the offending source line with a caret underline, `:::` sections for related spans, `= hint`.
import type { Diagnostic, Severity } from "./diagnostic.ts";
import type { SourceFile, Span } from "../syntax/source.ts";

export type SourceLookup = (path: string) => SourceFile | undefined;
export interface TextOptions {
  color?: boolean;
  /** How a file is named in `-->` lines (the CLI shortens paths below the working directory). */
  displayPath?: (path: string) => string;
}

// Tabs render at different widths in different terminals; a fixed expansion keeps carets aligned.
const TAB = "    ";
// Shown as U+FFFD: printed as they are, they would reorder the snippet on the user's terminal (DNN0004).
const TEXT_DIRECTION = /[\u202A-\u202E\u2066-\u2069]/g;

const STYLES = {
  error: "\x1b[1;31m",
  warning: "\x1b[1;33m",
  info: "\x1b[1;36m",
  hint: "\x1b[1;36m",
  gutter: "\x1b[1;34m",
  bold: "\x1b[1m",
} as const;
type Style = keyof typeof STYLES;
type Paint = (style: Style, text: string) => string;

const painter = (color: boolean): Paint => (style, text) => (color && text !== "" ? `${STYLES[style]}${text}\x1b[0m` : text);

interface Spot {
  span: Span;
  src: SourceFile | undefined;
  line: number; // 0-based; meaningless without src
  character: number;
  label: string;
  primary: boolean;
}

function locate(span: Span, label: string, primary: boolean, sources: SourceLookup): Spot {
  const src = sources(span.file);
  const pos = src?.position(span.start) ?? { line: 0, character: 0 };
  return { span, src, line: pos.line, character: pos.character, label, primary };
}

export function renderText(d: Diagnostic, sources: SourceLookup, opts: TextOptions = {}): string {
  const paint = painter(opts.color ?? false);
  const spots = [locate(d.span, "", true, sources), ...d.related.map((r) => locate(r.span, r.message, false, sources))];
  // One gutter width for the whole diagnostic, so the bars of every section line up.
  const width = Math.max(1, ...spots.filter((s) => s.src).map((s) => String(s.line + 1).length));
  const pad = " ".repeat(width);
  const bar = paint("gutter", `${pad} |`);
  const note = (kind: string, text: string) => `${pad} ${paint("gutter", "=")} ${paint("hint", kind)}: ${text}`;

  const out = [paint(d.severity, `${d.severity}[${d.code}]`) + paint("bold", `: ${d.message}`)];
  let previousHadSnippet = false;
  for (const s of spots) {
    if (previousHadSnippet) out.push(bar);
    const file = opts.displayPath ? opts.displayPath(s.span.file) : s.span.file;
    const where = s.src ? `${file}:${s.line + 1}:${s.character + 1}` : file;
    out.push(paint("gutter", `${pad}${s.primary ? "-->" : ":::"}`) + ` ${where}`);
    previousHadSnippet = s.src !== undefined;
    if (!s.src) {
      // No text to point into: the label is all that is left to say.
      if (s.label) out.push(note("note", s.label));
      continue;
    }
    out.push(bar, ...snippet(s, s.src, width, d.severity, paint));
  }
  if (d.hint !== undefined) out.push(note("hint", d.hint));
  return out.join("\n");
}

function snippet(s: Spot, src: SourceFile, width: number, severity: Severity, paint: Paint): string[] {
  const text = src.lineText(s.line);
  const start = Math.min(s.character, text.length);
  const endPos = src.position(Math.max(s.span.start, s.span.end));
  // A span running onto later lines is underlined to the end of its first line only.
  const end = endPos.line > s.line ? text.length : Math.min(endPos.character, text.length);
  const marks = Math.max(1, displayWidth(text.slice(start, end)));
  const style: Style = s.primary ? severity : "gutter";
  const underline = " ".repeat(displayWidth(text.slice(0, start))) + paint(style, (s.primary ? "^" : "-").repeat(marks));
  const number = paint("gutter", `${String(s.line + 1).padStart(width)} |`);
  return [
    text === "" ? number : `${number} ${text.replaceAll("\t", TAB).replace(TEXT_DIRECTION, "\uFFFD")}`,
    `${paint("gutter", `${" ".repeat(width)} |`)} ${underline}${s.label ? " " + paint(style, s.label) : ""}`,
  ];
}

function displayWidth(text: string): number {
  let n = 0;
  for (const ch of text) n += ch === "\t" ? TAB.length : ch === "\uFEFF" ? 0 : 1; // code points, so astral characters count once; a byte order mark is invisible
  return n;
}

/** All diagnostics separated by blank lines, then a count summary; "" when there are none. */
export function renderTextAll(ds: readonly Diagnostic[], sources: SourceLookup, opts: TextOptions = {}): string {
  if (ds.length === 0) return "";
  const parts = ds.map((d) => renderText(d, sources, opts));
  const line = summary(ds, painter(opts.color ?? false));
  if (line) parts.push(line);
  return parts.join("\n\n") + "\n";
}

function summary(ds: readonly Diagnostic[], paint: Paint): string | undefined {
  const errors = ds.filter((d) => d.severity === "error").length;
  const warnings = ds.filter((d) => d.severity === "warning").length;
  const counts = [plural(errors, "error"), plural(warnings, "warning")].filter((c) => c !== "");
  if (counts.length === 0) return undefined; // info-only output needs no tally
  const level: Severity = errors > 0 ? "error" : "warning";
  return paint(level, level) + paint("bold", `: ${counts.join(", ")} emitted`);
}

const plural = (n: number, word: string): string => (n === 0 ? "" : `${n} ${word}${n === 1 ? "" : "s"}`);
