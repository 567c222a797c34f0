// From a position in the document to what is there: a use of a name and its definition, a
// definition itself, or a named argument and the parameter it sets.
import type * as A from "../syntax/ast.ts";
import type { Span } from "../syntax/source.ts";
import type { Module } from "../check/modules.ts";
import type { Decl } from "../check/module.ts";
import { lex } from "../syntax/parse.ts";
import type { Analysis } from "./analysis.ts";
import { cursorContext } from "./call-context.ts";
import { contains, definitionsOf, sameSpan, type Definition } from "./definitions.ts";

const definitionCache = new WeakMap<A.FileAst, Definition[]>();
export function definitions(m: Module): Definition[] {
  let ds = definitionCache.get(m.ast);
  if (!ds) definitionCache.set(m.ast, (ds = definitionsOf(m.ast)));
  return ds;
}

export interface Found {
  name: string;
  span: Span; // the name under the cursor
  /** Where it is defined (itself, for a definition); undefined for built-ins. */
  target?: Span;
  definition?: Definition;
  /** The top-level definition it names, with its module. */
  decl?: { decl: Decl | A.ModelDecl; module: Module };
  builtin?: boolean;
}

export function findAt(a: Analysis, offset: number): Found | undefined {
  const ref = smallest(a.entry.references.filter((r) => contains(r.span, offset)));
  if (ref) return resolve(a, ref.name, ref.span, ref.target);
  const def = smallest(definitions(a.entry).filter((d) => contains(d.span, offset)));
  if (def) return resolve(a, def.name, def.span, def.span);
  return namedArgument(a, offset) ?? builtinAt(a, offset);
}

/** The definition at `target` (a top-level one, or a local one of a loaded module). */
function resolve(a: Analysis, name: string, span: Span, target: Span): Found {
  const module = [...a.program.modules.values()].find((m) => m.path === target.file);
  const definition = module && definitions(module).find((d) => sameSpan(d.span, target));
  const top = module?.ast.decls.find((d): d is Decl | A.ModelDecl => d.kind !== "import" && d.kind !== "train" && sameSpan(d.name.span, target));
  return { name, span, target, definition, decl: top && module ? { decl: top, module } : undefined };
}

/** `units` in `Dense(units: 64)`: the parameter of the called definition. */
function namedArgument(a: Analysis, offset: number): Found | undefined {
  const tokens = lex(a.text).tokens;
  // The token under the cursor, or the one just before it (a cursor at a word's end).
  const within = tokens.findIndex((t) => t.startOffset <= offset && offset < t.startOffset + t.image.length);
  const i = within >= 0 && /\w/.test(tokens[within]!.image) ? within : tokens.findIndex((t) => t.startOffset + t.image.length === offset);
  const t = tokens[i];
  if (!t || tokens[i + 1]?.image !== ":") return undefined;
  const call = cursorContext(a.text, t.startOffset).call;
  const callee = call && a.entry.scope.get(call.callee);
  if (!callee || !("params" in callee.decl)) return undefined;
  const p = callee.decl.params.find((q) => q.name.name === t.image);
  if (!p) return undefined;
  const span = a.entry.source.span(t.startOffset, t.startOffset + t.image.length);
  return resolve(a, t.image, span, p.name.span);
}

/** A built-in (`relu`, `sum`): a name the binder resolved to nothing in any file. */
function builtinAt(a: Analysis, offset: number): Found | undefined {
  const w = /[A-Za-z0-9_]*$/.exec(a.text.slice(0, offset))![0];
  const rest = /^[A-Za-z0-9_]*/.exec(a.text.slice(offset))![0];
  const name = w + rest;
  if (!name) return undefined;
  return { name, span: a.entry.source.span(offset - w.length, offset + rest.length), builtin: true };
}

export function smallest<T extends { span: Span }>(xs: T[]): T | undefined {
  return xs.reduce<T | undefined>((best, x) => (!best || x.span.end - x.span.start < best.span.end - best.span.start ? x : best), undefined);
}
