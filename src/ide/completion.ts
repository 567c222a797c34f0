// Completion: what may be typed at the cursor. Inside a call, the named arguments of the
// definition being called (with their defaults); after `activation:`, `|>`, `loss =` or
// `optimizer =`, the activations, layers, losses or optimizers — the standard library's too,
// with the import it needs added; elsewhere, keywords and every name in scope.
import type * as A from "../syntax/ast.ts";
import type { Decl } from "../check/module.ts";
import { INTRINSIC_NAMES, LAYER_BUILTINS } from "../check/intrinsic-names.ts";
import type { Analysis } from "./analysis.ts";
import { cursorContext, type CursorContext } from "./call-context.ts";
import { builtinDoc } from "./builtins.ts";
import { constructorParams, signature } from "./hover.ts";
import { definitions } from "./lookup.ts";
import { stdlibIndex } from "./stdlib-index.ts";

export type CompletionKind = "keyword" | "layer" | "function" | "init" | "optimizer" | "argument" | "variable" | "builtin" | "value";

export interface Completion {
  label: string;
  kind: CompletionKind;
  detail?: string;
  documentation?: string;
  insertText?: string;
  /** An import to add with it: text inserted at an offset. */
  edit?: { offset: number; text: string };
  sortText?: string;
}

export const TOP_KEYWORDS = ["model", "layer", "fn", "init", "optimizer", "train", "import"];
export const BLOCK_KEYWORDS = ["let", "input", "output", "param", "state", "target", "loss", "optimizer", "clip_norm", "trainable", "forward", "update", "if", "else", "training"];
// Which stdlib module holds the things a position asks for.
const ACTIVATIONS = new Set(["relu", "sigmoid", "tanh", "erf"]);

export function complete(a: Analysis, offset: number): Completion[] {
  const ctx = cursorContext(a.text, offset);
  const prev = ctx.previous?.image;
  if (prev === "." || ctx.previous?.tokenType.name === "StringLiteral") return [];
  if (prev === ":" && ctx.call && ctx.previous2) return argumentValues(a, ctx, ctx.previous2.image);
  if (prev === "|>") return [...definitionsOfKind(a, ["layer", "model"]), ...layerBuiltins(), ...activations(a)];
  if (prev === "=" && ctx.previous2?.image === "loss") return definitionsOfKind(a, ["fn"], "losses");
  if (prev === "=" && ctx.previous2?.image === "optimizer") return definitionsOfKind(a, ["optimizer"]);
  if (ctx.depth === 0 && (!prev || prev === "}" || ctx.previous?.tokenType.name === "RBrace")) return TOP_KEYWORDS.map((k) => ({ label: k, kind: "keyword" }));
  const out: Completion[] = [];
  if (ctx.call && ctx.call.named === undefined) out.push(...namedArguments(a, ctx));
  const lineStart = ctx.previous !== undefined && a.text.slice(ctx.previous.startOffset + ctx.previous.image.length, ctx.word.start).includes("\n");
  const atStatementStart = ctx.depth > 0 && !ctx.call && (prev === "{" || prev === "}" || lineStart);
  if (atStatementStart) out.push(...BLOCK_KEYWORDS.map((k): Completion => ({ label: k, kind: "keyword", sortText: "2" + k })));
  out.push(...namesInScope(a, offset));
  return out;
}

/** `units: ` for each parameter of the called definition not given yet. */
function namedArguments(a: Analysis, ctx: CursorContext): Completion[] {
  const found = a.entry.scope.get(ctx.call!.callee);
  if (!found) return [];
  const given = new Set(ctx.call!.before.map((b) => b.name).filter(Boolean));
  const positional = ctx.call!.before.filter((b) => !b.name).length;
  const text = found.module.source.text;
  return constructorParams(found.decl).slice(positional).filter((p) => !given.has(p.name.name)).map((p, i) => ({
    label: `${p.name.name}:`,
    kind: "argument",
    detail: [p.type && text.slice(p.type.span.start, p.type.span.end), p.default && `= ${text.slice(p.default.span.start, p.default.span.end)}`].filter(Boolean).join(" "),
    insertText: `${p.name.name}: `,
    sortText: "0" + String(i).padStart(3, "0"),
  }));
}

/** After `name:` in a call: values that fit the parameter (activations for a `fn`). */
function argumentValues(a: Analysis, ctx: CursorContext, name: string): Completion[] {
  const found = a.entry.scope.get(ctx.call!.callee);
  const p = found && constructorParams(found.decl).find((q) => q.name.name === name);
  const kind = p?.type && !p.type.dims ? p.type.name.name : undefined;
  if (kind === "fn") return activations(a);
  if (kind === "init") return definitionsOfKind(a, ["init"]);
  if (kind === "bool") return ["true", "false"].map((v) => ({ label: v, kind: "value" }));
  return namesInScope(a, ctx.word.start);
}

/** frozen, repeat: built-ins that make a layer, so a pipeline stage may start with them. */
const layerBuiltins = (): Completion[] => [...LAYER_BUILTINS].map((n) => ({ label: n, kind: "builtin", detail: "built-in", documentation: builtinDoc(n)?.meaning }));

function activations(a: Analysis): Completion[] {
  const builtins = [...ACTIVATIONS].map((n): Completion => ({ label: n, kind: "builtin", detail: "built-in", documentation: builtinDoc(n)?.meaning }));
  return [...builtins, ...definitionsOfKind(a, ["fn"], "activations")];
}

/** Definitions of these kinds: the file's, those imported, then the stdlib's with an import. */
function definitionsOfKind(a: Analysis, kinds: Decl["kind"][], stdModule?: string): Completion[] {
  const out: Completion[] = [];
  const seen = new Set<string>();
  for (const [name, { decl, module }] of a.entry.scope) {
    if (!kinds.includes(decl.kind)) continue;
    const std = module.path !== a.entry.path && stdModule ? module.path.endsWith(`/${stdModule}.dnn`) : true;
    if (!std) continue;
    seen.add(name);
    out.push(item(decl, module.source.text, "1"));
  }
  for (const e of stdlibIndex()) {
    if (!kinds.includes(e.decl.kind) || seen.has(e.decl.name.name) || (stdModule && e.module !== stdModule)) continue;
    if (a.entry.scope.has(e.decl.name.name)) continue;
    out.push({ ...item(e.decl, e.source, "3"), edit: importEdit(a, e.module, e.decl.name.name), detail: `std.${e.module} (adds an import)` });
  }
  return out;
}

function item(d: Decl, source: string, rank: string): Completion {
  // A model is offered as a layer: `Encoder()` applies it inside another model.
  const kind: CompletionKind = d.kind === "layer" || d.kind === "model" ? "layer" : d.kind === "init" ? "init" : d.kind === "optimizer" ? "optimizer" : "function";
  return { label: d.name.name, kind, detail: signature(d, source), documentation: d.kind === "model" ? undefined : d.doc, sortText: rank + d.name.name };
}

/** Locals of the enclosing definition defined before the cursor, then the module's names, then built-ins. */
function namesInScope(a: Analysis, offset: number): Completion[] {
  const out: Completion[] = [];
  const seen = new Set<string>();
  const add = (c: Completion) => seen.has(c.label) || (seen.add(c.label), out.push(c));
  const defs = definitions(a.entry);
  const enclosing = defs.find((d) => !d.parent && d.extent.start <= offset && offset <= d.extent.end);
  for (const d of defs)
    if (d.parent && d.parent === enclosing && d.span.end <= offset) add({ label: d.name, kind: "variable", detail: d.kind, sortText: "1" + d.name });
  for (const { decl, module } of a.entry.scope.values()) add(item(decl, module.source.text, "2"));
  for (const name of INTRINSIC_NAMES) add({ label: name, kind: "builtin", detail: "built-in", documentation: builtinDoc(name)?.meaning, sortText: "4" + name });
  return out;
}

/** Adds `name` to the file's `import std.<module>.{…}`, or a new import line for it. */
export function importEdit(a: Analysis, module: string, name: string): { offset: number; text: string } {
  const imports = a.parsed.ast.decls.filter((d): d is A.ImportDecl => d.kind === "import");
  const same = imports.find((d) => d.path.map((p) => p.name).join(".") === `std.${module}`);
  if (same) {
    const close = a.text.lastIndexOf("}", same.span.end);
    return { offset: close, text: `, ${name}` };
  }
  const last = imports[imports.length - 1];
  if (last) return { offset: last.span.end, text: `\nimport std.${module}.{${name}}` };
  return { offset: 0, text: `import std.${module}.{${name}}\n\n` };
}
