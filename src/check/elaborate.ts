// Elaboration: evaluate the AST of a model into the tensor IR, checking every type and shape
// on the way. Shape checking needs each layer instantiated with its input's shape, so checking
// and lowering are one walk (see docs/decisions/0002-elaboration.md). Errors become
// diagnostics and `poison` values, which absorb follow-on errors so one mistake reports once.
import type * as A from "../syntax/ast.ts";
import type { Span } from "../syntax/source.ts";
import { diagnostic, type Diagnostic, type Related } from "../diagnostics/diagnostic.ts";
import type { Code } from "../diagnostics/codes.ts";
import { Builder, type BinaryOp, type DType, type Node } from "../ir/ir.ts";
import { broadcastShapes, sameShape, showShape } from "../ir/shape.ts";
import { Env } from "./env.ts";
import { bindArgs, fitsKind } from "./bind.ts";
import type { CallArg, ElabContext, InitContext, ParamSpec, Reuse, SummaryRow } from "./context.ts";
import { KNOWN_KINDS } from "./kinds.ts";
import { LAYER_BUILTINS } from "./intrinsic-names.ts";
import { callIntrinsic, initConstant } from "./intrinsics.ts";
import { applyLayerValue } from "./apply.ts";
import { checkReturn, matchParam } from "./types.ts";
import { didYouMean } from "./suggest.ts";
import { POISON, describe, rectangularNumbers, tensorType, type Tensor, type Value } from "./values.ts";
import { noteValue } from "./facts.ts";
import { elaborateIndex } from "./index-expr.ts";
import { isOperator, operandsOf, type OperatorExpr } from "../syntax/operators.ts";
import { binaryOperator } from "./binary-ops.ts";

export class Elaborator implements ElabContext {
  readonly diagnostics: Diagnostic[] = [];
  readonly params: ParamSpec[] = [];
  readonly instanceCounts = new Map<string, number>();
  initContext: InitContext | undefined;
  /** True while elaborating the training step: `training` is true and layers update their state. */
  get training(): boolean {
    this.readTraining = true;
    return this.inTraining;
  }
  set training(on: boolean) {
    this.inTraining = on;
  }
  private inTraining = false;
  /** Whether anything elaborated so far depended on the mode (`training`, a state assignment,
   * training noise): when not, a model elaborates to the same nodes in either mode. */
  readTraining = false;
  /** Depth of `frozen(…)` layer applications being elaborated: their parameters are not trained. */
  frozen = 0;
  layerDepth = 0;
  /** Inside a nested model: its instance name and a dot, before every parameter's name. */
  paramPrefix = "";
  /** While a shared layer is applied again: the parameters its first application made. */
  reusing: Reuse | undefined;
  /** The model being elaborated: applying it inside itself (or inside a model it uses) is DNN0211. */
  root: A.ModelDecl | undefined;
  /** What `dnnc check --shapes` prints: layer applications and bindings, in order. */
  readonly summary: SummaryRow[] = [];
  /** New values of layer states (by parameter name) assigned while training. */
  readonly stateUpdates = new Map<string, number>();
  readonly noGradient = new Map<Node, string>();
  /** The definitions being expanded, outermost first, each with the call that expanded it: one
   * entered again is recursion (DNN0211); a failed `require` is reported at the innermost call
   * and ends that expansion (`failed`), so the arguments it refused cause nothing else. */
  readonly expanding: { decl: A.FnDecl | A.LayerDecl | A.ModelDecl; span: Span; failed?: boolean }[] = [];
  private readonly recursive = new Set<A.FnDecl | A.LayerDecl | A.ModelDecl>();

  constructor(public b: Builder) {}

  private step: number | undefined;
  private streams = 1 << 20; // random streams of training noise, apart from initializers' streams
  nextStream(): number {
    return this.streams++;
  }
  /** The training step's step-number argument (f32 scalar), created on first use. */
  stepArg(): number {
    return (this.step ??= this.b.arg("step", "step", [], "f32"));
  }
  /** Makes `id` the step number the step reads: a named program's own count (step/step.ts). */
  useStep(id: number): void {
    this.step = id;
  }

  /** The file being checked; errors inside library definitions are reported at its call sites. */
  entryFile: string | undefined;
  private readonly callSites: Span[] = [];

  /** Runs `f` with `span` as the place to report errors that arise in another file. */
  within<T>(span: Span, f: () => T): T {
    const outermost = span.file === this.entryFile && this.callSites.length === 0;
    if (outermost) this.callSites.push(span);
    try {
      return f();
    } finally {
      if (outermost) this.callSites.pop();
    }
  }

  libraryCall(): A.FnDecl | A.LayerDecl | A.ModelDecl | undefined {
    if (this.callSites.length === 0) return undefined;
    return this.expanding.find((e) => e.decl.span.file !== this.entryFile)?.decl;
  }

  /** Expands `decl` (a function called, a layer applied) at `span`, unless it is already being
   * expanded: definitions are inlined at each use, so recursion would never end. A layer value
   * made outside the definitions being expanded (`Wrap(Wrap(Dense(8)))`, written in the model)
   * is a finite nesting, not recursion: `madeAt` is where it was constructed. */
  expand(decl: A.FnDecl | A.LayerDecl | A.ModelDecl, span: Span, f: () => Value, madeAt?: Span): Value {
    // The model being elaborated is the outermost expansion, though nothing called it.
    const stack = this.root ? [{ decl: this.root, span: this.root.name.span }, ...this.expanding] : this.expanding;
    const again = stack.findIndex((e) => e.decl === decl);
    const inside = (outer: Span, s: Span) => outer.file === s.file && outer.start <= s.start && s.end <= outer.end;
    if (again >= 0 && (!madeAt || stack.slice(again).some((e) => inside(e.decl.span, madeAt)))) {
      // Reported once per definition: its other recursive calls are the same mistake.
      if (this.recursive.has(decl)) return POISON;
      this.recursive.add(decl);
      const cycle = [...stack.slice(again).map((e) => e.decl.name.name), decl.name.name];
      const via = cycle.length > 2 ? ` through ${cycle.map((n) => `\`${n}\``).join(" → ")}` : "";
      return this.error("DNN0211", span, `\`${decl.name.name}\` uses itself${via}: recursion is not supported`, {
        related: [{ span: decl.name.span, message: "defined here" }],
        hint: "definitions are expanded where they are used: repeat a step with `|>`, or use `scan` for a recurrence over time",
      });
    }
    const entry = { decl, span, failed: false };
    this.expanding.push(entry);
    try {
      const v = f();
      return entry.failed ? POISON : v;
    } finally {
      this.expanding.pop();
    }
  }

  /** True once a `require` has failed in the innermost expansion: evaluating it further would
   * only report what the refused arguments cause. */
  get refused(): boolean {
    return this.expanding[this.expanding.length - 1]?.failed === true;
  }

  error(code: Code, span: Span, message: string, extra: { related?: Related[]; hint?: string; suggestion?: string } = {}): Value {
    const site = this.callSites[0];
    if (site && span.file !== this.entryFile)
      // A mistake in how a library definition is used is shown where the user wrote the call
      // (where the suggested text would not fit: it is dropped).
      extra = { ...extra, related: [{ span, message: "the check that failed is here" }, ...(extra.related ?? [])], suggestion: undefined }, (span = site);
    this.diagnostics.push(diagnostic(code, span, message, extra));
    return POISON;
  }

  expr(e: A.Expr, env: Env): Value {
    if (isOperator(e)) return this.operators(e, env);
    const v = this.evaluate(e, env);
    noteValue(e.span, v);
    return v;
  }

  /** An operator chain (`a + b + …`, `- - x`, `x |> f |> …`), evaluated with an explicit stack
   * in the order recursion would take (layer names and random streams depend on it): chains
   * may be far longer than the JS stack is deep (src/syntax/operators.ts). */
  private operators(root: OperatorExpr, env: Env): Value {
    // A pipe's stage is not evaluated as an expression on its own (see pipe), so only its input is an operand here.
    const frame = (node: OperatorExpr) => ({ node, operands: node.kind === "pipe" ? [node.input] : operandsOf(node), values: [] as Value[] });
    const stack = [frame(root)];
    let done: Value | undefined;
    for (;;) {
      const top = stack[stack.length - 1]!;
      if (done) top.values.push(done), (done = undefined);
      if (top.values.length < top.operands.length) {
        const next = top.operands[top.values.length]!;
        if (isOperator(next)) stack.push(frame(next));
        else top.values.push(this.expr(next, env));
        continue;
      }
      stack.pop();
      const [a, b] = top.values as [Value, Value];
      const n = top.node;
      done = n.kind === "unary" ? this.negate(a, n.span) : n.kind === "binary" ? binaryOperator(this, n, a, b) : this.pipe(n, a, env);
      noteValue(n.span, done);
      if (stack.length === 0) return done;
    }
  }

  private evaluate(e: A.Expr, env: Env): Value {
    switch (e.kind) {
      case "number": return { kind: "number", value: e.value, isInt: e.isInt };
      case "string": return { kind: "string", value: e.value };
      case "bool": return { kind: "bool", value: e.value };
      case "error": return POISON;
      case "name": {
        const v = env.lookup(e.name);
        if (v?.kind === "intrinsic") return e.name === "training" ? { kind: "bool", value: this.training } : (initConstant(this, e.name, e.span) ?? v);
        if (v) return v;
        const alt = didYouMean(e.name, env.names());
        return this.error("DNN0101", e.span, `unknown name \`${e.name}\``, alt ? { hint: `did you mean \`${alt}\`?`, suggestion: alt } : {});
      }
      case "array": return { kind: "array", items: e.elements.map((x) => this.expr(x, env)), span: e.span };
      case "unary":
      case "binary":
      case "pipe": return this.operators(e, env);
      case "call": return this.call(this.expr(e.callee, env), this.args(e.args, env), e.span, env);
      case "index": return elaborateIndex(this, e, env);
      case "member": return this.error("DNN0209", e.span, "member access (`a.b`) is not supported yet");
      case "if": {
        const c = this.expr(e.cond, env);
        if (c.kind === "poison") return POISON;
        if (c.kind !== "bool") return this.error("DNN0210", e.cond.span, `the condition of \`if\` must be a compile-time bool, found ${describe(c)}`, { hint: "conditions are known when the model is compiled: a bool argument or `training`" });
        return this.body(c.value ? e.then : e.else, env.child());
      }
    }
  }

  args(args: A.Arg[], env: Env): CallArg[] {
    return args.map((a) => ({ name: a.name, value: this.expr(a.value, env), span: a.value.span }));
  }

  private negate(v: Value, span: Span): Value {
    if (v.kind === "number") return { ...v, value: -v.value };
    if (v.kind === "tensor") return this.tensor(this.b.unary("neg", v.id), span);
    if (v.kind === "poison") return v;
    return this.error("DNN0201", span, `cannot negate a ${describe(v)}`);
  }

  tensor(id: number, origin: Span): Tensor {
    const n = this.b.node(id);
    return { kind: "tensor", id, dtype: n.dtype, shape: n.shape, origin };
  }

  /** A compile-time number used as a tensor: an f32 scalar constant; with `like: "i32"` a whole number becomes an i32 scalar, so it combines with i32 tensors (`y - 1`). */
  asTensor(v: Value, span: Span, what: string, like?: DType): Tensor | undefined {
    if (v.kind === "tensor") return v;
    if (v.kind === "number") return this.tensor(this.b.const(v.value, like === "i32" && v.isInt ? "i32" : "f32"), span);
    // A compile-time comparison (`less(1, 2)`) is 1 or 0 as a tensor, like a comparison of tensors.
    if (v.kind === "bool") return this.tensor(this.b.const(v.value ? 1 : 0), span);
    if (v.kind === "array") return this.arrayLiteral(v);
    if (v.kind !== "poison") this.error("DNN0201", span, `${what} must be a tensor, found ${describe(v)}`);
    return undefined;
  }

  arrayLiteral(v: Extract<Value, { kind: "array" }>): Tensor | undefined {
    const numbers = rectangularNumbers(v);
    if (numbers) return this.tensor(this.b.literal(numbers.data, numbers.shape), v.span);
    this.error("DNN0306", v.span, "array literal must be rectangular and contain only numbers");
    return undefined;
  }

  /** Binary elementwise op with NumPy broadcasting; both shapes are named on failure. */
  elementwise(op: BinaryOp, a: Tensor, b: Tensor, opSpan: Span, span: Span): Value {
    if (a.dtype !== b.dtype)
      return this.error("DNN0201", opSpan, `cannot combine ${tensorType(a.dtype, a.shape)} and ${tensorType(b.dtype, b.shape)}`, { hint: "convert integers with `float(x)`" });
    const shape = sameShape(a.shape, b.shape) ? a.shape : broadcastShapes(a.shape, b.shape);
    if (!shape)
      return this.error("DNN0303", opSpan, `shapes ${showShape(a.shape)} and ${showShape(b.shape)} do not broadcast`, {
        related: [
          { span: a.origin, message: `this is ${tensorType(a.dtype, a.shape)}` },
          { span: b.origin, message: `this is ${tensorType(b.dtype, b.shape)}` },
        ],
      });
    return this.tensor(this.b.binary(op, this.b.broadcast(a.id, shape), this.b.broadcast(b.id, shape)), span);
  }

  // `x |> f(a)` is f(x, a) for functions and f(a)(x) for layers; `x |> f` is f(x).
  private pipe(e: Extract<A.Expr, { kind: "pipe" }>, input: Value, env: Env): Value {
    const inputArg: CallArg = { value: input, span: e.input.span };
    if (e.stage.kind === "call") {
      const callee = this.expr(e.stage.callee, env);
      const args = this.args(e.stage.args, env);
      // Layer constructors (a layer or model definition, or `frozen(…)` and the other built-ins
      // that return a layer) are called with the stage's arguments, and the layer they make is
      // applied to the input.
      noteValue(e.stage.callee.span, callee);
      if ((callee.kind === "decl" && (callee.decl.kind === "layer" || callee.decl.kind === "model")) || (callee.kind === "intrinsic" && LAYER_BUILTINS.has(callee.name))) {
        const layer = this.call(callee, args, e.stage.span, env);
        return this.noted(e.stage.span, this.call(layer, [inputArg], e.stage.span, env));
      }
      return this.noted(e.stage.span, this.call(callee, [inputArg, ...args], e.stage.span, env));
    }
    // Errors and shapes of a stage point at the stage, not the whole pipeline.
    const stage = this.expr(e.stage, env);
    if (stage.kind === "decl" && (stage.decl.kind === "layer" || stage.decl.kind === "model")) {
      const needed = stage.decl.kind === "layer" ? stage.decl.params.filter((p) => !p.default).map((p) => p.name.name) : [];
      return this.error("DNN0214", e.stage.span, `\`${stage.decl.name.name}\` is a ${stage.decl.kind} definition, not a layer: construct one with its arguments`, {
        hint: `write \`|> ${stage.decl.name.name}(${needed.join(", ")})\``,
      });
    }
    return this.noted(e.stage.span, this.call(stage, [inputArg], e.stage.span, env));
  }

  /** Records `v` as what the code at `span` evaluates to (for editors), and returns it. */
  noted(span: Span, v: Value): Value {
    noteValue(span, v);
    return v;
  }

  call(callee: Value, args: CallArg[], span: Span, env: Env): Value {
    if (callee.kind === "poison" || args.some((a) => a.value.kind === "poison")) return POISON;
    if (callee.kind === "intrinsic") return callIntrinsic(this, callee.name, args, span);
    if (callee.kind === "layer") {
      if (args.length !== 1 || args[0]!.name) return this.error("DNN0205", span, `${callee.decl.kind} ${callee.decl.name.name} is applied to exactly one tensor`);
      return this.within(span, () => this.expand(callee.decl, span, () => applyLayerValue(this, callee, args[0]!, span), callee.span));
    }
    if (callee.kind !== "decl")
      return this.error("DNN0202", span, callee.kind === "number" ? `the number ${callee.value} cannot be called` : `${article(describe(callee))} cannot be called`, {
        hint: callee.kind === "number" ? "multiplication is written with `*`: `2 * (x + 1)`" : undefined,
      });
    const d = callee.decl;
    if (d.kind === "model") {
      // A model is a layer with no constructor arguments: Encoder() makes one, applied to a tensor.
      if (args.length > 0)
        return this.error("DNN0205", span, `model ${d.name.name} takes no arguments: \`${d.name.name}()\` is a layer`, { hint: `apply it with \`x |> ${d.name.name}()\` or \`${d.name.name}()(x)\`` });
      return { kind: "layer", decl: d, module: callee.module, args: new Map(), span };
    }
    const first = args[0];
    if (d.kind === "fn" && d.params[0]?.type?.dims && first && !first.name && first.value.kind === "array" && first.value.items.every((v) => v.kind === "tensor"))
      return this.sumOver(callee, first.value.items, args.slice(1), span, env);
    const bound = bindArgs(this, d.params, args, callee.module, `${d.kind} ${d.name.name}`, span);
    if (!bound) return POISON;
    switch (d.kind) {
      case "layer": return { kind: "layer", decl: d, module: callee.module, args: bound, span };
      case "init": return { kind: "init", decl: d, module: callee.module, args: bound, span };
      case "optimizer": return { kind: "optimizer", decl: d, module: callee.module, args: bound, span };
      case "fn": return this.within(span, () => this.expand(d, span, () => this.callFn(d, callee.module, bound, span)));
    }
  }

  /** f(list, …) where f takes one tensor: the sum of f over the list, e.g. l2(params(), 1e-4). */
  private sumOver(callee: Value, items: Value[], rest: CallArg[], span: Span, env: Env): Value {
    let total: number | undefined;
    for (const item of items) {
      const v = this.call(callee, [{ value: item, span }, ...rest], span, env);
      if (v.kind === "poison") return POISON;
      if (v.kind !== "tensor" || v.shape.length !== 0) return this.error("DNN0201", span, `applied to a list, a function must give an f32[] scalar for each item, found ${describe(v)}`);
      total = total === undefined ? v.id : this.b.binary("add", total, v.id);
    }
    return this.tensor(total!, span);
  }

  private callFn(d: A.FnDecl, module: Env["module"], bound: Map<string, Value>, span: Span): Value {
    const env = new Env(module);
    for (const p of d.params) {
      const v = bound.get(p.name.name)!;
      const ok = matchParam(this, p, v, env, `\`${d.name.name}\``, span);
      if (!ok) return POISON;
      env.set(p.name.name, this.noted(p.name.span, ok));
    }
    const result = this.body(d.body, env);
    return d.returns && !this.refused ? checkReturn(this, d.returns, result, env, `\`${d.name.name}\``, span) : result;
  }

  body(body: A.Body, env: Env): Value {
    for (const l of body.lets) {
      l.kind === "let" ? this.let(l, env) : this.assignState(l, env);
      if (this.refused) return POISON;
    }
    return this.expr(body.value, env);
  }

  /** `moving_mean = …` in a layer's forward: the state's value for the next training step. */
  private assignState(a: A.AssignStmt, env: Env): void {
    const cur = env.lookup(a.name.name);
    const p = cur?.kind === "tensor" ? this.params.find((q) => q.id === cur.id && !q.trainable) : undefined;
    if (!p) return void this.error("DNN0404", a.name.span, `\`${a.name.name}\` cannot be assigned: only a layer's \`state\` can be updated in its forward`, { hint: "bind a new name with `let`" });
    const v = this.asTensor(this.expr(a.value, env), a.value.span, `the new value of \`${a.name.name}\``);
    if (!v) return;
    const shape = broadcastShapes(v.shape, p.shape);
    if (!shape || !sameShape(shape, p.shape))
      return void this.error("DNN0301", a.value.span, `the new value of \`${a.name.name}\` is ${tensorType(v.dtype, v.shape)}, but the state is ${tensorType("f32", p.shape)}`, { related: [{ span: p.span, message: "declared here" }] });
    if (this.training) this.stateUpdates.set(p.name, this.b.broadcast(v.id, p.shape));
  }

  let(l: A.LetDecl, env: Env): Value {
    let v = this.expr(l.value, env);
    if (l.type && !l.type.dims && !KNOWN_KINDS.has(l.type.name.name))
      v = this.error("DNN0208", l.type.span, `unknown type \`${l.type.name.name}\``, { hint: "types are int, float, bool, string, fn, or a tensor type such as f32[B, 10] (f32[] for a scalar)" });
    else if (l.type && !l.type.dims && v.kind !== "poison" && !fitsKind(l.type.name.name, v))
      v = this.error("DNN0201", l.value.span, `\`${l.name.name}\` is declared ${l.type.name.name}, found ${describe(v)}`, { related: [{ span: l.type.span, message: "declared here" }] });
    else if (l.type && v.kind !== "poison") v = matchParam(this, { name: l.name, type: l.type, span: l.span }, v, env, `\`${l.name.name}\``, l.value.span) || POISON;
    // A discarded value that failed (a `require` whose condition was an error) is never read, so
    // nothing else would stop the expansion from reporting what the refused arguments cause.
    const site = this.expanding[this.expanding.length - 1];
    if (l.name.name === "_" && v.kind === "poison" && site) site.failed = true;
    env.set(l.name.name, this.noted(l.name.span, v));
    return v;
  }

  /** A compile-time integer (axis, units, index); reports and returns undefined otherwise. */
  int(v: Value, span: Span, what: string): number | undefined {
    if (v.kind === "number" && Number.isInteger(v.value)) return v.value;
    if (v.kind !== "poison") this.error("DNN0207", span, `${what} must be a compile-time integer, found ${describe(v)}`);
    return undefined;
  }
}

const article = (what: string): string => (/^[aeiou]/.test(what) ? `an ${what}` : `a ${what}`);

export type { DType };
