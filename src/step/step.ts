// The training step as one IR function: forward, loss, gradients (by the autodiff pass) and
// every parameter's optimizer update. Optimizer state is explicit: `state` arguments in,
// updated states out, so the caller owns it and a step is a pure function. A step whose loss or
// a gradient is not finite returns every state unchanged and says so in its last output.
import type * as A from "../syntax/ast.ts";
import { Builder, type Fn, type Node } from "../ir/ir.ts";
import type { Shape } from "../ir/shape.ts";
import { grad } from "../autodiff/grad.ts";
import { withoutDeadCode } from "../passes/dce.ts";
import { replay } from "../ir/replay.ts";
import { Elaborator } from "../check/elaborate.ts";
import { moduleFile, type Module } from "../check/modules.ts";
import { elaborateModel, type InitSpec, type ModelElaboration, type TensorInfo } from "../check/program.ts";
import { isRecordingFacts } from "../check/facts.ts";
import { applyOptimizer, elaborateTrainBlock, type TrainBlock } from "../check/train-block.ts";
import { Env } from "../check/env.ts";
import { FINITE_OUTPUT, type UpdateRule } from "../model.ts";

export interface TrainStep {
  fn: Fn;
  targets: TensorInfo[];
  states: InitSpec[];
  optimizer: string;
  /** How the update was made, for a backend that calls a framework's optimizer where its rule is the same (the PyTorch target's torch.optim.SGD). */
  rule: UpdateRule;
}

// Joined once: a path join per train step was ~10 ms of a fresh process's first check (57 models).
let stdlibOptimizers: string | undefined;

/**
 * The step of `train M { … }` (the model's default program) or of a named program `train M.name
 * { … }` (decision 0015): the same function, but a named program's states are named `<name>/…`
 * and it counts its own steps in one of them, `<name>/step`, where the default program reads the
 * model's step count (the `step` argument).
 *
 * With `origins` (`dnnc graph --kernels`), each backward and update node is noted there with the
 * node it was made for: origins[id] is the forward node whose VJP it computes (autodiff's own
 * record), or the parameter (its argument) whose gradient it clips, checks or updates. Nodes made
 * for the whole step (the global norm, the finite-step flag, the learning rate) are not noted.
 */
export function trainStepFn(train: A.TrainDecl, model: A.ModelDecl, module: Module, options: StepOptions = {}): { el: Elaborator; step?: TrainStep } {
  const { origins, forward } = options;
  const derive = !options.standInGradients;
  const program = train.program?.name;
  const name = program ? `train_step_${program}` : "train_step";
  const prefix = program ? `${program}/` : "";
  const derived = !program && forward ? continuing(forward, name) : undefined;
  const el = derived?.el ?? new Elaborator(new Builder(name));
  el.training = true;
  // Made first, so that it is the first state argument (states are passed in argument order).
  const counter = program ? stepCounter(el, `${prefix}step`, module, train) : undefined;
  const m = derived?.model ?? elaborateModel(el, model, module);
  if (!m) return { el };
  const block = elaborateTrainBlock(el, train, m);
  if (!block) return { el };
  const step = el.stepArg();
  // Only the program's own parameters get gradients, states and updates; the others come back as they were.
  const params = block.trainable ?? el.params.filter((p) => p.trainable);
  const backward = el.b.fn.nodes.length;
  const raw = derive ? grad(el.b, block.loss.id, params.map((p) => p.id), undefined, origins) : params.map((p) => el.b.arg(`∂${p.name}`, "seed", p.shape));
  // The i-th parameter's part of a step made by `make`, noted as made for it.
  const forParam = <T>(i: number, make: () => T): T => madeFor(el.b, origins, params[i]!.id, make);
  const grads = block.clipNorm === undefined || !derive ? raw : clipByGlobalNorm(el.b, raw, block.clipNorm, forParam);

  const update = el.b.fn.nodes.length;
  // No guard over stand-in gradients: it reports nothing, and nothing runs such a step.
  const ok = derive ? finiteFlag(el.b, block.loss.id, raw, forParam) : undefined;
  const when = (id: number, then: number, otherwise: number) => (ok === undefined ? then : el.b.select(el.b.broadcast(ok, el.b.node(id).shape), then, otherwise));
  // The optimizer reads each gradient through the flag (zero on a skipped step; exactly the
  // gradient otherwise), so that its update is computed after the flag, in the kernel that also
  // selects the new state, rather than in the gradient's own loop with every new value stored
  // to be selected later.
  const gated = ok === undefined ? grads : grads.map((g, i) => forParam(i, () => when(g, g, el.b.broadcast(el.b.const(0), el.b.node(g).shape))));
  const lr = learningRate(el, block.optimizer, prefix);
  const updates = params.map((p, i) => forParam(i, () => applyOptimizer(el, block.optimizer, p, gated[i]!, step, lr?.id, prefix)));
  if (updates.some((u) => !u)) return { el };
  const guarded = (next: number, old: number) => (next === old ? old : when(old, next, old));
  const next = new Map(params.map((p, i) => [p.name, forParam(i, () => guarded(updates[i]!.param, p.id))]));
  el.b.output("loss", block.loss.id);
  // Frozen parameters come back unchanged; layer states take the value their forward assigned.
  for (const p of el.params) el.b.output(p.name, next.get(p.name) ?? madeFor(el.b, origins, p.id, () => guarded(el.stateUpdates.get(p.name) ?? p.id, p.id)));
  const unused = new Set<string>();
  const states: InitSpec[] = [];
  // A program's step count is kept only where something reads it (Adam's bias correction, training noise).
  if (counter && el.b.fn.nodes.some((n) => n.inputs.includes(counter.t))) (el.b.output(counter.spec.name, guarded(counter.t, counter.arg)), states.push(counter.spec));
  else if (counter) unused.add(counter.spec.name);
  // A state the update neither reads nor changes (plain SGD's velocity, RMSprop's momentum
  // buffer without momentum) stays at its initial value forever: it leaves the step's signature.
  const read = readIds(el.b.fn.nodes);
  // States in the order of their arguments (the learning rate's was made first): the
  // generated modules pass and receive them positionally.
  if (lr && read[lr.id]) (el.b.output(lr.spec.name, lr.id), states.push(lr.spec));
  else if (lr) unused.add(lr.spec.name);
  updates.forEach((u, i) => {
    for (const s of u!.states)
      if (s.id === s.arg && !read[s.arg]) unused.add(s.spec.name);
      else (el.b.output(s.spec.name, forParam(i, () => guarded(s.id, s.arg))), states.push(s.spec));
  });
  if (ok !== undefined) el.b.output(FINITE_OUTPUT, ok);
  el.b.fn.sections = [
    { name: "forward and loss", start: 0 },
    derive
      ? { name: `backward: gradients of ${params.length} trainable parameter${params.length === 1 ? "" : "s"}${block.clipNorm === undefined ? "" : `, clipped to global norm ${block.clipNorm}`}`, start: backward }
      : { name: `stand-in gradients of ${params.length} trainable parameter${params.length === 1 ? "" : "s"} (a check's step: not derived)`, start: backward },
    { name: `update: ${block.optimizer.decl.name.name}`, start: update },
  ];
  const args: Record<string, number | boolean> = {};
  for (const [k, v] of block.optimizer.args) if (v.kind === "number" || v.kind === "bool") args[k] = v.value;
  const rule: UpdateRule = { stdlib: block.optimizer.module.path === (stdlibOptimizers ??= moduleFile(["std", "optimizers"], "")), args, ...(block.clipNorm === undefined ? {} : { clipNorm: block.clipNorm }) };
  return { el, step: { fn: unused.size > 0 && derive ? withoutDeadCode(el.b.fn, unused) : el.b.fn, targets: block.targets, states, optimizer: block.optimizer.decl.name.name, rule } };
}


/**
 * The training step with its guard taken out: every select on the flag (the gradients the
 * optimizer reads, the states the step returns) replaced by its first branch, the flag dropped,
 * dead code removed. Not used to compile anything: the benchmark measures the guard's cost with
 * it, and the tests check that the guard changes nothing on a finite step.
 */
export function withoutGuard(fn: Fn): Fn {
  const flag = fn.outputs.find((o) => o.name === FINITE_OUTPUT);
  if (!flag) throw new Error(`dnnc: ${fn.name} has no ${FINITE_OUTPUT} output`);
  const isFlag = (id: number): boolean => {
    const n = fn.nodes[id]!;
    return id === flag.id || ((n.op === "broadcast" || n.op === "reshape") && isFlag(n.inputs[0]!));
  };
  const b = new Builder(fn.name);
  const remap: number[] = [];
  for (const n of fn.nodes)
    remap.push(n.op === "select" && isFlag(n.inputs[0]!) ? remap[n.inputs[1]!]! : replay(b, n, n.inputs.map((x) => remap[x]!), fn));
  for (const o of fn.outputs) if (o !== flag) b.output(o.name, remap[o.id]!);
  return withoutDeadCode(b.fn, new Set());
}

/**
 * 1 when the loss and every gradient are finite, else 0 (f32 scalar): the condition under which
 * the step writes its new parameters and states. Every state the step returns is
 * `select(ok, new, old)`, so a non-finite step changes nothing in any target, as PyTorch's
 * GradScaler skips such a step (docs/decisions/0008). The gradients checked are the raw ones,
 * before clipping (which would turn an infinite gradient into NaN and zeros).
 */
function finiteFlag(b: Builder, loss: number, grads: readonly number[], forParam: PerParam): number {
  const bad = grads.map((g, i) => forParam(i, () => b.reduce("sum", b.unary("nonfinite", g), b.node(g).shape.map((_, i) => i))));
  const total = bad.reduce((acc, n) => b.binary("add", acc, n), b.unary("nonfinite", loss));
  return b.binary("cmpeq", total, b.const(0));
}

/**
 * The optimizer's learning rate as a state of its own, `lr`, rather than a constant folded into
 * the update: it is saved with the other states and can be changed between steps (a schedule,
 * `dnnc train --reduce-lr`) without recompiling. Its initial value is the train block's.
 * Optimizers without a numeric `lr` argument keep all their arguments as constants.
 */
function learningRate(el: Elaborator, opt: TrainBlock["optimizer"], prefix: string): { id: number; spec: InitSpec } | undefined {
  const v = opt.args.get("lr");
  if (v?.kind !== "number") return undefined;
  const id = el.b.arg(`${prefix}lr`, "state", []);
  return { id, spec: { name: `${prefix}lr`, shape: [], init: v, env: new Env(opt.module), span: opt.span } };
}

/**
 * A named program's step count as a state `name` (f32[], initially 0, saved and loaded with the
 * other states): the step number it reads, `t`, is the count plus one, and the count it returns
 * is `t` when the step is taken. So each program's Adam corrects its bias by its own steps.
 */
function stepCounter(el: Elaborator, name: string, module: Module, train: A.TrainDecl): { arg: number; t: number; spec: InitSpec } {
  const arg = el.b.arg(name, "state", []);
  const t = el.b.binary("add", arg, el.b.const(1));
  el.useStep(t);
  return { arg, t, spec: { name, shape: [], init: { kind: "number", value: 0, isInt: true }, env: new Env(module), span: train.span } };
}

/**
 * Every gradient times clip / max(‖g‖, clip), with ‖g‖ the norm of all of them together
 * (tf.clip_by_global_norm, Keras's `global_clipnorm`): the step keeps its direction and its
 * length is at most `clip`.
 */
function clipByGlobalNorm(b: Builder, grads: readonly number[], clip: number, forParam: PerParam): number[] {
  const squares = grads.map((g, i) => forParam(i, () => b.reduce("sum", b.binary("mul", g, g), b.node(g).shape.map((_, i) => i))));
  const norm = b.unary("sqrt", squares.reduce((acc, s) => b.binary("add", acc, s)));
  const limit = b.const(clip);
  const scale = b.binary("div", limit, b.binary("max", norm, limit));
  const spread = (shape: Shape) => b.broadcast(b.reshape(scale, shape.map(() => 1)), shape);
  return grads.map((g, i) => forParam(i, () => b.binary("mul", g, spread(b.node(g).shape))));
}

/** Runs `make` for the i-th parameter's part of the step (trainStepFn's `forParam`). */
type PerParam = <T>(i: number, make: () => T) => T;

/** `make()`, with the nodes it appends noted in `origins` (where asked) as made for node `owner`. */
function madeFor<T>(b: Builder, origins: number[] | undefined, owner: number, make: () => T): T {
  const from = b.fn.nodes.length;
  const made = make();
  if (origins) for (let j = from; j < b.fn.nodes.length; j++) origins[j] ??= owner;
  return made;
}

export interface StepOptions {
  /** Filled with the node each backward and update node was made for (see trainStepFn). */
  origins?: number[];
  /** The model's inference-mode elaboration, continued from where the mode does not matter. */
  forward?: Forward;
  /**
   * A check's step (Purpose "check", compiler.ts): the optimizer's rule runs over stand-in
   * gradients (`seed` arguments `∂name`, each of its parameter's shape) instead of derived ones,
   * with no clipping and no finite-step guard. Differentiation is total over the primitives and
   * reports nothing, and the rule's diagnostics and states depend only on each gradient's shape
   * and type, so a check reports exactly what code generation does; but its function is not a
   * step to run.
   */
  standInGradients?: boolean;
}

/** 1 at every id some node reads. Indexed loops over every node of the step: a check runs this
 * once per model, on cold code, where for-of allocated an iterator result per node and input
 * (a twentieth of a fresh process's first check's allocation). */
function readIds(nodes: readonly Node[]): Uint8Array {
  const read = new Uint8Array(nodes.length);
  for (let i = 0; i < nodes.length; i++) {
    const inputs = nodes[i]!.inputs;
    for (let j = 0; j < inputs.length; j++) read[inputs[j]!] = 1;
  }
  return read;
}

/** A model's inference-mode elaboration: its forward function, and the elaborator that made it. */
export interface Forward {
  el: Elaborator;
  fn?: Fn;
  model?: ModelElaboration;
}

/**
 * The training step's elaborator, continuing where the forward function's ended: its nodes,
 * parameters and bookkeeping, as if the model had been elaborated again in training mode —
 * which gives the same nodes when the elaboration read nothing that depends on the mode
 * (`Elaborator.readTraining`: no `training`, no state assignment, no training noise). Undefined
 * otherwise, and for a forward that reported a diagnostic or ran in an editor (which records
 * each value as it is elaborated): the model is then elaborated again.
 */
function continuing(forward: Forward, name: string): { el: Elaborator; model: ModelElaboration } | undefined {
  const { el: fwd, fn, model } = forward;
  if (!fn || !model || fwd.readTraining || fwd.diagnostics.length > 0 || isRecordingFacts()) return undefined;
  const el = new Elaborator(new Builder(name));
  // Node and argument objects are shared, as Builder.extend shares them: no pass changes a node.
  // Indexed loops: a check runs this cold, where for-of allocates an iterator result per node.
  for (let i = 0; i < fn.args.length; i++) el.b.fn.args.push(fn.args[i]!);
  for (let i = 0; i < fn.nodes.length; i++) el.b.fn.nodes.push(fn.nodes[i]!);
  for (const p of fwd.params) el.params.push(p);
  for (const r of fwd.summary) el.summary.push(r);
  for (const [k, v] of fwd.instanceCounts) el.instanceCounts.set(k, v);
  for (const [k, v] of fwd.stateUpdates) el.stateUpdates.set(k, v);
  for (const [k, v] of fwd.noGradient) el.noGradient.set(k, v);
  el.entryFile = fwd.entryFile;
  el.root = fwd.root;
  return { el, model };
}
