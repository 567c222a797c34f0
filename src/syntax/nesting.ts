// How deeply an expression nests, measured as the AST is built (build-expr.ts, fast-expr.ts), so
// that the checker and the editor tools, which recurse once per level, never meet more than they
// can walk; and how deeply brackets nest, cut off before either parser recurses into them.
import type { IToken } from "chevrotain";
import { LBrace, LBracket, LParen, RBrace, RBracket, RParen } from "../../grammar/tokens.ts";
import type * as A from "./ast.ts";

// How deep expressions may nest through calls, indexing, arrays and `else if`. Brackets are
// already cut at 48 levels (parse.ts), so only long postfix chains (`f(x)(x)(x)…`, `x[0][0]…`)
// and `else if` chains reach this; the checker and the editor tools recurse once per level.
// Operator chains (`a + b + …`, `- - x`, `a ^ b ^ …`, `x |> f |> …`) do not count: every pass
// walks them with loops, so they may be as long as the file.
export const MAX_EXPR_DEPTH = 100;

/** The recursion depth a walk of `e` needs: one per call, index, member, array or `if` level;
 * unary, binary and pipe nodes add none (they are walked with loops). Children's depths come
 * from `known` (they were built, and measured, first), so this looks one level down only.
 * Written without closures: it runs for every expression node, and each closure costs. */
export function nestingDepth(e: A.Expr, known: Map<A.Expr, number>): number {
  switch (e.kind) {
    case "unary": return depthOf(e.operand, known);
    case "binary": return Math.max(depthOf(e.left, known), depthOf(e.right, known));
    case "pipe": return Math.max(depthOf(e.input, known), 1 + depthOf(e.stage, known));
    case "member": return 1 + depthOf(e.target, known);
    case "call": {
      let d = depthOf(e.callee, known);
      for (const a of e.args) d = Math.max(d, depthOf(a.value, known));
      return 1 + d;
    }
    case "index": {
      let d = depthOf(e.target, known);
      for (const it of e.items) d = Math.max(d, it.kind === "at" ? depthOf(it.index, known) : it.kind === "slice" ? Math.max(depthOf(it.start, known), depthOf(it.end, known), depthOf(it.step, known)) : 0);
      return 1 + d;
    }
    case "array": {
      let d = 0;
      for (const x of e.elements) d = Math.max(d, depthOf(x, known));
      return 1 + d;
    }
    case "if": return 1 + Math.max(depthOf(e.cond, known), bodyDepth(e.then, known), bodyDepth(e.else, known));
    default: return 0;
  }
}

function depthOf(e: A.Expr | undefined, known: Map<A.Expr, number>): number {
  return e ? (known.get(e) ?? 0) : 0;
}

function bodyDepth(b: A.Body, known: Map<A.Expr, number>): number {
  let d = depthOf(b.value, known);
  for (const l of b.lets) d = Math.max(d, depthOf(l.value, known));
  return d;
}

// Each bracket level costs ~60 stack frames in the parser, and error recovery inside deep
// nesting adds thousands more; 48 levels leave a wide margin on Node's default stack.
export const MAX_NESTING = 48;

/** The index of the first token nested deeper than MAX_NESTING brackets, if there is one. */
export function nestingCutoff(tokens: IToken[]): number | undefined {
  let depth = 0;
  for (let i = 0; i < tokens.length; i++) {
    const type = tokens[i]!.tokenType;
    if (type === LParen || type === LBracket || type === LBrace) {
      if (++depth > MAX_NESTING) return i;
    } else if (type === RParen || type === RBracket || type === RBrace) depth = Math.max(0, depth - 1);
  }
  return undefined;
}
