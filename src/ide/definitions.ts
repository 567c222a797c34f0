// Every name a file defines, with what kind of thing it names and where: the index behind
// go-to-definition, references, document symbols and semantic highlighting. Uses of names
// come from the binder (Module.references); this is the other half, the defining sites.
import { operatorLeaves } from "../syntax/operators.ts";
import type * as A from "../syntax/ast.ts";
import type { Span } from "../syntax/source.ts";

export type DefinitionKind =
  | "model" | "layer" | "fn" | "init" | "optimizer" | "train"
  | "input" | "output" | "target" | "param" | "state" | "parameter" | "let" | "dim";

export interface Definition {
  name: string;
  kind: DefinitionKind;
  span: Span; // the name
  extent: Span; // the whole definition
  /** The enclosing top-level definition (undefined for top-level ones). */
  parent?: Definition;
}

export function definitionsOf(ast: A.FileAst): Definition[] {
  const out: Definition[] = [];
  const add = (id: A.Ident | undefined, kind: DefinitionKind, extent: Span, parent?: Definition): Definition | undefined => {
    if (!id?.name) return undefined;
    const d: Definition = { name: id.name, kind, span: id.span, extent, parent };
    out.push(d);
    return d;
  };
  // A bare name in a tensor type binds a dimension the first time it appears.
  const dims = (t: A.TypeRef | undefined, parent: Definition | undefined, seen: Set<string>) => {
    const walk = (e: A.Expr): void => {
      for (const x of operatorLeaves(e)) if (x.kind === "name" && !seen.has(x.name)) seen.add(x.name), add(x, "dim", x.span, parent);
    };
    t?.dims?.forEach((d) => d.kind === "expr" && walk(d.expr));
  };
  const params = (ps: A.Parameter[], parent: Definition | undefined, seen: Set<string>) => {
    for (const p of ps) add(p.name, "parameter", p.span, parent), seen.add(p.name.name), dims(p.type, parent, seen);
  };
  const body = (b: A.Body | undefined, parent: Definition | undefined, seen: Set<string>) => {
    for (const l of b?.lets ?? []) if (l.kind === "let") add(l.name, "let", l.span, parent), dims(l.type, parent, seen);
    if (b) exprBodies(b.value, parent, seen);
  };
  // `if` branches have bodies with lets of their own.
  const exprBodies = (e: A.Expr, parent: Definition | undefined, seen: Set<string>): void => {
    if (e.kind === "if") body(e.then, parent, seen), body(e.else, parent, seen);
  };

  for (const d of ast.decls) {
    if (d.kind === "import") continue;
    if (d.kind === "train") {
      const t = add(d.model, "train", d.span);
      const seen = new Set<string>();
      for (const tg of d.targets) add(tg.name, "target", tg.span, t), dims(tg.type, t, seen);
      for (const l of d.lets) add(l.name, "let", l.span, t);
      continue;
    }
    const top = add(d.name, d.kind, d.span);
    const seen = new Set<string>();
    switch (d.kind) {
      case "model":
        for (const it of d.items) {
          if (it.kind === "input" || it.kind === "output") add(it.name, it.kind, it.span, top), dims(it.type, top, seen);
          else if (it.kind === "param") add(it.name, it.state ? "state" : "param", it.span, top);
          else if (it.kind === "let") add(it.name, "let", it.span, top);
        }
        break;
      case "layer":
        params(d.params, top, seen);
        for (const it of d.items) add(it.name, it.kind === "param" ? (it.state ? "state" : "param") : "let", it.span, top);
        if (d.forward) params(d.forward.params, top, seen), body(d.forward.body, top, seen);
        break;
      case "fn":
      case "init":
        params(d.params, top, seen), body(d.body, top, seen);
        break;
      case "optimizer":
        params(d.params, top, seen);
        for (const st of d.states) add(st.name, "state", st.span, top);
        params(d.update.params, top, seen);
        for (const st of d.update.statements) if (st.kind === "let") add(st.name, "let", st.span, top);
        break;
    }
  }
  return out;
}

export const contains = (s: Span, offset: number): boolean => s.start <= offset && offset <= s.end;
export const sameSpan = (a: Span, b: Span): boolean => a.file === b.file && a.start === b.start && a.end === b.end;
