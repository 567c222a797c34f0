// Walking operator chains without recursion. `a + b + …`, `- - x`, `a ^ b ^ …` and
// `x |> f |> …` are as long as the user makes them (a generated file may have 100,000 terms),
// and one stack frame per operator exhausts Node's stack at a few thousand. Every pass that
// walks expressions goes through the operator nodes (unary, binary, pipe) with these loops and
// recurses only into the other kinds, whose nesting the parser bounds (build-expr.ts).
import type * as A from "./ast.ts";

export type OperatorExpr = Extract<A.Expr, { kind: "unary" | "binary" | "pipe" }>;

export const isOperator = (e: A.Expr): e is OperatorExpr => e.kind === "unary" || e.kind === "binary" || e.kind === "pipe";

/** The operands of an operator node, left to right (a pipe's stage last). */
export function operandsOf(e: OperatorExpr): A.Expr[] {
  return e.kind === "unary" ? [e.operand] : e.kind === "binary" ? [e.left, e.right] : [e.input, e.stage];
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

/**
 * A chain `operands[0] ops[0] operands[1] …` as the parser reads it (flat, decision 0010), grouped
 * by precedence without recursion: `*`, `/` and `@` bind tighter than `+` and `-`, and each level
 * is left-associative. `join` builds one binary node.
 */
export function groupByPrecedence<T extends object, Op extends { image: string }>(operands: readonly T[], ops: readonly Op[], join: (op: Op, left: T, right: T) => T): T {
  let sum: T | undefined;
  let sumOp: Op | undefined;
  let product = operands[0]!;
  for (let i = 0; i < ops.length; i++) {
    const op = ops[i]!;
    const right = operands[i + 1]!;
    if (op.image === "+" || op.image === "-") {
      sum = sum === undefined ? product : join(sumOp!, sum, product);
      sumOp = op;
      product = right;
    } else product = join(op, product, right);
  }
  return sum === undefined ? product : join(sumOp!, sum, product);
}
