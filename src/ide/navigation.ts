// Go to definition and find references. Definitions may be in another file (stdlib); uses are
// those the binder recorded in this file, plus named arguments that set a parameter.
import type { Span } from "../syntax/source.ts";
import { lex } from "../syntax/parse.ts";
import type { Analysis } from "./analysis.ts";
import { sameSpan } from "./definitions.ts";
import { findAt } from "./lookup.ts";

export function definitionAt(a: Analysis, offset: number): Span | undefined {
  return findAt(a, offset)?.target;
}

export function referencesAt(a: Analysis, offset: number, includeDeclaration: boolean): Span[] {
  const target = findAt(a, offset)?.target;
  if (!target) return [];
  const uses = a.entry.references.filter((r) => sameSpan(r.target, target)).map((r) => r.span);
  const named = namedArgumentsFor(a, target);
  const all = [...(includeDeclaration ? [target] : []), ...uses, ...named];
  return all.filter((s, i) => all.findIndex((o) => sameSpan(o, s)) === i).sort((x, y) => (x.file === y.file ? x.start - y.start : x.file < y.file ? -1 : 1));
}

/** `units:` in calls whose parameter is `target` (found by name, then confirmed by lookup). */
function namedArgumentsFor(a: Analysis, target: Span): Span[] {
  const name = [...a.program.modules.values()].find((m) => m.path === target.file)?.source.text.slice(target.start, target.end);
  if (!name) return [];
  const tokens = lex(a.text).tokens;
  const out: Span[] = [];
  tokens.forEach((t, i) => {
    if (t.image !== name || tokens[i + 1]?.image !== ":") return;
    const found = findAt(a, t.startOffset);
    if (found?.target && sameSpan(found.target, target) && !sameSpan(found.span, target)) out.push(found.span);
  });
  return out;
}
