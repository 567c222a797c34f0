// Walking operator chains without recursion. `a + b + …`, `- - x`, `a ^ b ^ …` and
// `x |> f |> …` are as long as the user makes them (a generated file may have 100,000 terms),
// and one stack frame per operator exhausts Node's stack at a few thousand. Every pass that
// walks expressions goes through the operator nodes (unary, binary, pipe) with these loops and
// recurses only into the other kinds, whose nesting the parser bounds (build-ast.ts).
import type * as A from "./ast.ts";

export type OperatorExpr = Extract<A.Expr, { kind: "unary" | "binary" | "pipe" }>;

export const isOperator = (e: A.Expr): e is OperatorExpr => e.kind === "unary" || e.kind === "binary" || e.kind === "pipe";

/** The operands of an operator node, left to right (a pipe's stage last). */
export function operandsOf(e: OperatorExpr): A.Expr[] {
  return e.kind === "unary" ? [e.operand] : e.kind === "binary" ? [e.left, e.right] : [e.input, e.stage];
}

/** The operator nodes of the tree rooted at `e`, children before parents and left before
 * right: the order a recursive evaluation would finish them in. */
export function operatorsPostOrder(e: OperatorExpr): OperatorExpr[] {
  const out: OperatorExpr[] = [];
  const stack: { node: OperatorExpr; expanded: boolean }[] = [{ node: e, expanded: false }];
  while (stack.length) {
    const top = stack.pop()!;
    if (top.expanded) {
      out.push(top.node);
      continue;
    }
    stack.push({ node: top.node, expanded: true });
    const kids = operandsOf(top.node);
    for (let i = kids.length - 1; i >= 0; i--) {
      const k = kids[i]!;
      if (isOperator(k)) stack.push({ node: k, expanded: false });
    }
  }
  return out;
}

/** The sub-expressions below `e`'s operator nodes that are not operators themselves, left to
 * right (`e` itself when it is not an operator). */
export function operatorLeaves(e: A.Expr): A.Expr[] {
  const out: A.Expr[] = [];
  const stack: A.Expr[] = [e];
  while (stack.length) {
    const x = stack.pop()!;
    if (!isOperator(x)) {
      out.push(x);
      continue;
    }
    const kids = operandsOf(x);
    for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]!);
  }
  return out;
}
