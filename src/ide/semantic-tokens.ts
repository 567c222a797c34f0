// Semantic highlighting: every name coloured by what it names, which a TextMate grammar cannot
// know (is `relu` a built-in or the file's own function? is `n` a size or a value?).
import { INTRINSIC_NAMES } from "../check/intrinsic-names.ts";
import { STDLIB_DIR } from "../check/modules.ts";
import { lex } from "../syntax/parse.ts";
import type { Analysis } from "./analysis.ts";
import type { DefinitionKind } from "./definitions.ts";
import { definitions } from "./lookup.ts";

export const TOKEN_TYPES = ["namespace", "class", "function", "variable", "parameter", "property", "typeParameter", "type"] as const;
export const TOKEN_MODIFIERS = ["declaration", "defaultLibrary", "readonly"] as const;
type TokenType = (typeof TOKEN_TYPES)[number];
type Modifier = (typeof TOKEN_MODIFIERS)[number];

export interface SemanticToken {
  offset: number;
  length: number;
  type: TokenType;
  modifiers: Modifier[];
}

const TYPE_OF: Record<DefinitionKind, TokenType> = {
  model: "class", layer: "class", train: "class", fn: "function", init: "function", optimizer: "function",
  input: "variable", output: "variable", target: "variable", let: "variable",
  param: "property", state: "property", parameter: "parameter", dim: "typeParameter",
};
const TYPE_NAMES = new Set(["f32", "i32", "int", "float", "bool", "string", "fn"]);

export function semanticTokens(a: Analysis): SemanticToken[] {
  const defs = new Map(definitions(a.entry).map((d) => [d.span.start, d]));
  const refs = new Map(a.entry.references.map((r) => [r.span.start, r]));
  const kindOfTarget = new Map<string, DefinitionKind>();
  for (const m of a.program.modules.values()) for (const d of definitions(m)) kindOfTarget.set(`${m.path}:${d.span.start}`, d.kind);

  const { tokens } = lex(a.text);
  const out: SemanticToken[] = [];
  let inImport = false;
  tokens.forEach((t, i) => {
    if (t.tokenType.name === "Import") inImport = true;
    if (t.tokenType.name === "LBrace") inImport = false;
    if (!/^[A-Za-z_]/.test(t.image) || (t.tokenType.name !== "Identifier" && !t.tokenType.CATEGORIES?.some((c) => c.name === "Identifier"))) return;
    const push = (type: TokenType, ...modifiers: Modifier[]) => out.push({ offset: t.startOffset, length: t.image.length, type, modifiers });
    const def = defs.get(t.startOffset);
    if (def) return push(TYPE_OF[def.kind], "declaration", ...(def.kind === "input" || def.kind === "target" ? ["readonly" as const] : []));
    const ref = refs.get(t.startOffset);
    if (ref) {
      const kind = kindOfTarget.get(`${ref.target.file}:${ref.target.start}`);
      const lib = ref.target.file.startsWith(STDLIB_DIR) ? (["defaultLibrary"] as const) : [];
      return kind ? push(TYPE_OF[kind], ...lib) : undefined;
    }
    if (inImport) return push("namespace");
    const next = tokens[i + 1]?.image;
    if (next === ":" && tokens[i - 1] && (tokens[i - 1]!.image === "(" || tokens[i - 1]!.image === ",")) return push("parameter");
    if (TYPE_NAMES.has(t.image) && (next === "[" || tokens[i - 1]?.image === ":" || tokens[i - 1]?.image === "->")) return push("type");
    if (INTRINSIC_NAMES.has(t.image)) return push(t.image === "training" || t.image === "fan_in" || t.image === "fan_out" ? "variable" : "function", "defaultLibrary", ...(t.image === "training" ? ["readonly" as const] : []));
  });
  return out;
}
