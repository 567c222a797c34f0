// The document's outline (models, layers, functions and what they declare) and the regions
// an editor can fold: multi-line definitions and blocks, runs of comment lines, the imports.
import type { Span } from "../syntax/source.ts";
import type { Analysis } from "./analysis.ts";
import { lex } from "../syntax/parse.ts";
import { definitions } from "./lookup.ts";
import type { DefinitionKind } from "./definitions.ts";

export interface OutlineItem {
  name: string;
  kind: DefinitionKind;
  detail?: string;
  span: Span; // the name
  extent: Span;
  children: OutlineItem[];
}

/** Kinds shown inside a definition: what it declares, not its temporaries or sizes. */
const CHILD_KINDS = new Set<DefinitionKind>(["input", "output", "target", "param", "state", "let"]);

export function outline(a: Analysis): OutlineItem[] {
  const defs = definitions(a.entry);
  const text = (s: Span) => a.text.slice(s.start, s.end);
  const item = (d: (typeof defs)[number]): OutlineItem => ({
    name: d.name,
    kind: d.kind,
    detail: detailOf(d.kind, text(d.extent)),
    span: d.span,
    extent: d.extent,
    children: defs.filter((c) => c.parent === d && CHILD_KINDS.has(c.kind)).map(item),
  });
  return defs.filter((d) => !d.parent).map(item);
}

function detailOf(kind: DefinitionKind, text: string): string | undefined {
  const firstLine = text.split("\n")[0]!;
  if (kind === "input" || kind === "output" || kind === "target" || kind === "param" || kind === "state") return firstLine.replace(/^\s*\w+\s+\w+\s*:\s*/, "").replace(/\s*=.*$/, "");
  if (kind === "layer" || kind === "fn" || kind === "init" || kind === "optimizer") return /\(.*?\)/.exec(firstLine)?.[0];
  // `train M.name { … }`: a named training program beside the model's default one.
  if (kind === "train") return /^\s*train\s+\w+\s*\.\s*(\w+)/.exec(firstLine)?.[1]?.replace(/^/, "program ");
  return undefined;
}

export interface Fold {
  startLine: number;
  endLine: number;
  kind?: "comment" | "imports";
}

export function folds(a: Analysis): Fold[] {
  const src = a.entry.source;
  const out: Fold[] = [];
  const lines = (s: Span) => [src.position(s.start).line, src.position(s.end).line] as const;
  // Every bracketed block spanning lines: definitions, bodies, long argument lists.
  const stack: number[] = [];
  const { tokens, comments } = lex(a.text);
  for (const t of tokens) {
    const kind = t.tokenType.name;
    if (kind === "LBrace" || kind === "LParen" || kind === "LBracket") stack.push(t.startOffset);
    else if ((kind === "RBrace" || kind === "RParen" || kind === "RBracket") && stack.length) {
      const start = src.position(stack.pop()!).line;
      const end = src.position(t.startOffset).line;
      if (end > start) out.push({ startLine: start, endLine: end });
    }
  }
  // Runs of two or more whole-line comments.
  let run: number[] = [];
  const flush = () => (run.length > 1 && out.push({ startLine: run[0]!, endLine: run[run.length - 1]!, kind: "comment" }), (run = []));
  for (const c of comments) {
    const line = src.position(c.startOffset).line;
    if (src.lineText(line).trimStart().startsWith("//") && (run.length === 0 || run[run.length - 1] === line - 1)) run.push(line);
    else flush(), src.lineText(line).trimStart().startsWith("//") && run.push(line);
  }
  flush();
  const imports = a.parsed.ast.decls.filter((d) => d.kind === "import");
  if (imports.length > 1) out.push({ startLine: lines(imports[0]!.span)[0], endLine: lines(imports[imports.length - 1]!.span)[1], kind: "imports" });
  return out.sort((x, y) => x.startLine - y.startLine || y.endLine - x.endLine);
}
