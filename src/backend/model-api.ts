// What every backend's generated module shares: the model's interfaces and static
// descriptions, input validation that names what was expected, parameter lookup.
import type { Dim } from "../ir/shape.ts";
import type { CompiledModel, CompiledTrainStep, TensorInfo } from "../model.ts";
import type { Fn } from "../ir/ir.ts";
import type { IndexRange } from "../ir/index-ranges.ts";
import { dimExpr, shapeExpr } from "./exprs.ts";
import { symbolsOf } from "../ir/dim.ts";
import { needsGivenSizes, planSizes } from "./size-plan.ts";
import { commentText, derivedIdent, jsString, userIdent } from "./names.ts";

export const spec = (t: { name: string; dtype?: string; shape: readonly Dim[] }) =>
  `{ name: ${jsString(t.name)}, dtype: ${jsString(t.dtype ?? "f32")}, shape: [${t.shape.map((d) => (typeof d === "number" ? String(d) : jsString(d))).join(", ")}] }`;
export const typeText = (t: TensorInfo) => `${t.dtype}[${t.shape.join(", ")}]`;
export const arrayType = (t: TensorInfo) => (t.dtype === "i32" ? "Int32Array" : "Float32Array");

/**
 * An output's value for the caller from `floats` (the function's float32 result; `copy`: it lives
 * in the workspace, so the caller gets a copy): an i32 output (an argmax's class ids) as the
 * Int32Array its type says, whole numbers already.
 */
export const outputArray = (t: TensorInfo, floats: string, copy: boolean) => (t.dtype === "i32" ? `Int32Array.from(${floats})` : copy ? `${floats}.slice()` : floats);

/** The identifiers of a model's class and interfaces in generated code (names.ts); exported under the model's names by `modelExports`. */
export function modelIdents(m: CompiledModel) {
  return { cls: userIdent(m.name), inputs: derivedIdent(m.name, "inputs"), outputs: derivedIdent(m.name, "outputs"), batch: derivedIdent(m.name, "batch"), sizes: derivedIdent(m.name, "sizes") };
}

/**
 * A training program as the generated class offers it (decision 0015): the default one, `train M
 * { … }` (trainStep, evaluate, `<Model>Batch`), or a named one, `train M.name { … }`
 * (train<Name>, evaluate<Name>, `<Model><Name>Batch`).
 */
export interface ProgramApi {
  /** Undefined for the default program. */
  name?: string;
  train: CompiledTrainStep;
  evaluate?: Fn;
  /** What the identifiers of its functions, plan and batch interface derive from: the model's name, or `<model>.<name>`, which no model's name can be. */
  owner: string;
  trainMethod: string;
  evaluateMethod: string;
  /** The batch interface's identifier, and the name the module exports it under. */
  batch: string;
  batchExport: string;
  /** Its first state's index among the model's states (save() writes the default program's, then each named one's). */
  firstState: number;
}

/** A named program's part of the generated names: `discriminator` → `Discriminator` (as check/model-names.ts's programTitle, which refuses the names that would clash). */
const programTitle = (name: string): string => name[0]!.toUpperCase() + name.slice(1);

/** Every optimizer state a model stores, in the order save() writes them after the parameters. */
export const storedStates = (m: CompiledModel) => [...(m.train?.states ?? []), ...(m.programs ?? []).flatMap((p) => p.train.states)];

/** The model's training programs: the default one first (where it has one), then the named ones in the file's order. */
export function programsOf(m: CompiledModel): ProgramApi[] {
  const out: ProgramApi[] = [];
  let firstState = 0;
  const add = (p: Omit<ProgramApi, "batch" | "firstState">) => {
    out.push({ ...p, batch: derivedIdent(p.owner, "batch"), firstState });
    firstState += p.train.states.length;
  };
  if (m.train) add({ train: m.train, ...(m.evaluate ? { evaluate: m.evaluate } : {}), owner: m.name, trainMethod: "trainStep", evaluateMethod: "evaluate", batchExport: `${m.name}Batch` });
  for (const p of m.programs ?? []) {
    const title = programTitle(p.name);
    add({ name: p.name, train: p.train, ...(p.evaluate ? { evaluate: p.evaluate } : {}), owner: `${m.name}.${p.name}`, trainMethod: `train${title}`, evaluateMethod: `evaluate${title}`, batchExport: `${m.name}${title}Batch` });
  }
  return out;
}

/** The exports of a model: its class as `<Model>`, its interfaces as `<Model>Inputs`, `<Model>Outputs`, `<Model>Batch` (and each program's `<Model><Name>Batch`). */
export function modelExports(m: CompiledModel): string[] {
  const id = modelIdents(m);
  const types = [`${id.inputs} as ${m.name}Inputs`, `${id.outputs} as ${m.name}Outputs`, ...programsOf(m).map((p) => `${p.batch} as ${p.batchExport}`), ...(takesSizes(m) ? [`${id.sizes} as ${m.name}Sizes`] : [])];
  return [`export { ${id.cls} as ${m.name} };`, `export type { ${types.join(", ")} };`];
}

/**
 * Lines that declare `name` as an object of type `type` without a prototype (so an output or
 * parameter named `__proto__` or `constructor` is an ordinary key) holding `entries`.
 */
export function recordOf(indent: string, name: string, type: string, entries: readonly (readonly [key: string, value: string])[]): string[] {
  return [`${indent}const ${name}: ${type} = Object.create(null);`, ...entries.map(([k, v]) => `${indent}${name}[${jsString(k)}] = ${v};`)];
}

/**
 * The model's interfaces and the head of its class, up to its static members: the symbolic
 * sizes its inputs bind, and the lines so far. The class extends `base`, a runtime class
 * constructed with the model's description (data, `modelDescription`), which holds what its
 * methods shared by every model (parameters, save, load) need.
 */
export function modelHead(m: CompiledModel, base: RuntimeBase): { symbols: string[]; lines: string[] } {
  const C = m.name;
  const id = modelIdents(m);
  const symbols = modelSymbols(m);
  // What save() writes and load() reads: the parameters, then the optimizer state.
  const states = storedStates(m);
  const stored = [...m.params, ...states].map((t) => {
    if (!t.shape.every((d): d is number => typeof d === "number")) throw new Error(`dnnc: parameter ${t.name} of ${C} has a symbolic shape [${t.shape.join(", ")}]`);
    return `{ name: ${jsString(t.name)}, shape: [${t.shape.join(", ")}] }`;
  });
  const initial = states.map((s) => (s.init?.kind === "number" ? String(s.init.value) : "0"));
  for (const p of programsOf(m)) {
    const order = (fn: Fn) => fn.args.filter((a) => a.role === "param").map((a) => a.name).join("\n");
    if (p.evaluate && order(p.evaluate) !== m.params.map((q) => q.name).join("\n")) throw new Error(`dnnc: ${C}'s ${p.evaluateMethod} function takes the parameters in another order`);
  }
  const lines: string[] = [];
  const field = (t: TensorInfo) => `  ${jsString(t.name)}: ${arrayType(t)};`;
  lines.push(`interface ${id.inputs} {`, ...m.inputs.map(field), "}", "");
  lines.push(`interface ${id.outputs} {`, ...m.outputs.map(field), "}", "");
  for (const p of programsOf(m)) lines.push(`interface ${p.batch} extends ${id.inputs} {`, ...p.train.targets.map(field), "}", "");
  if (takesSizes(m)) {
    lines.push(`/** ${commentText(C)}'s symbolic sizes, for the calls whose arrays' lengths do not determine them all (docs/generated-api.md). */`);
    lines.push(`interface ${id.sizes} {`, ...symbols.map((s) => `  ${jsString(s)}?: number;`), "}", "");
  }

  lines.push(...modelDescription(m, base, stored, initial), "", ...inputPlans(m, symbols), "");
  lines.push(`class ${id.cls} extends ${base.cls} {`);
  // The class is declared under its identifier; its `name` is still the model's.
  lines.push(`  static {`, `    Object.defineProperty(this, "name", { value: ${jsString(m.name)} });`, "  }");
  lines.push(`  static readonly inputs: readonly TensorSpec[] = [${m.inputs.map(spec).join(", ")}];`);
  lines.push(`  static readonly outputs: readonly TensorSpec[] = [${m.outputs.map(spec).join(", ")}];`);
  if (m.train) lines.push(`  static readonly targets: readonly TensorSpec[] = [${m.train.targets.map(spec).join(", ")}];`);
  lines.push(`  static readonly parameters: readonly TensorSpec[] = ${descriptionIdent(m)}.parameters;`);
  if (programsOf(m).length > 0) {
    lines.push(`  /** The ${commentText([...new Set(programsOf(m).map((p) => p.train.optimizer))].join(" and "))} optimizer's state, one tensor per parameter and slot: saved with the parameters. */`);
    lines.push(`  static readonly optimizerStates: readonly TensorSpec[] = [`, ...states.map((s) => `    ${spec(s)},`), "  ];");
  }
  return { symbols, lines };
}

/** The runtime class a model's class extends: its name, the type of the description it takes, the description's fields beyond ModelDescription's. */
export interface RuntimeBase {
  cls: string;
  description: string;
  fields?: readonly (readonly [key: string, value: string])[];
}

/** The symbolic sizes (B, T, …) a model's inputs and targets bind, in order of first appearance. */
export const modelSymbols = (m: CompiledModel): string[] => [...new Set([...m.inputs, ...programsOf(m).flatMap((p) => p.train.targets)].flatMap((t) => t.shape.flatMap((d) => symbolsOf(d))))];

/** The identifier of the model's description (runtime/model.ts's ModelDescription) in generated code. */
export const descriptionIdent = (m: CompiledModel) => derivedIdent(m.name, "model");

/** The model's description as data: the const the runtime's base class is constructed with. */
function modelDescription(m: CompiledModel, base: RuntimeBase, stored: readonly string[], initial: readonly string[]): string[] {
  return [
    `const ${descriptionIdent(m)}: ${base.description} = {`,
    `  name: ${jsString(m.name)},`,
    "  parameters: [",
    ...m.params.map((p) => `    ${spec(p)},`),
    "  ],",
    "  stored: [",
    ...stored.map((t) => `    ${t},`),
    "  ],",
    `  stateInitial: [${initial.join(", ")}],`,
    `  trains: ${m.train !== undefined},`,
    ...(base.fields ?? []).map(([k, v]) => `  ${k}: ${v},`),
    "};",
  ];
}

/**
 * The statement that validates a method's arrays and binds its symbolic sizes (B, T, …) to
 * their identifiers: a call of the runtime's bindInputs (runtime/inputs.ts) with the method's
 * plan (`inputPlans`); `options`, where the model takes `sizes` (takesSizes), is the expression of
 * the caller's options object.
 */
export function bindInputs(m: CompiledModel, at: string, which: "inputs" | "batch" | ProgramApi, symbols: readonly string[], obj: string, options?: string): string[] {
  const call = `bindInputs(${jsString(at)}, ${planIdent(m, which)}, ${obj}${options ? `, ${options}` : ""})`;
  // One size per symbol, in order: said as a tuple, so a consumer's noUncheckedIndexedAccess
  // sees numbers, not `number | undefined`.
  return [symbols.length > 0 ? `    const [${symbols.map(userIdent).join(", ")}] = ${call} as [${symbols.map(() => "number").join(", ")}];` : `    ${call};`];
}

const planIdent = (m: CompiledModel, which: "inputs" | "batch" | ProgramApi) => (typeof which === "string" ? derivedIdent(m.name, `${which}_check`) : derivedIdent(which.owner, "batch_check"));

/**
 * The model's input plans as data (runtime/inputs.ts's InputPlan): how forward and predict, and
 * trainStep and evaluate, learn the symbolic sizes from their arrays, as size-plan.ts decides.
 */
function inputPlans(m: CompiledModel, symbols: readonly string[]): string[] {
  const plan = (which: "inputs" | ProgramApi, tensors: readonly TensorInfo[]) => {
    const steps = planSizes(tensors).map((step) => {
      const t = step.tensor;
      const head = `name: ${jsString(t.name)}, dtype: ${jsString(t.dtype)}, shape: ${dimsData(t.shape)}`;
      if ("given" in step) {
        if (!takesSizes(m)) throw new Error(`dnnc: ${m.name} needs ${step.given} from its caller but takes no sizes`);
        return `{ ${head}, uses: [], given: ${jsString(step.given)} }`;
      }
      const uses = [...new Set(t.shape.flatMap((d) => symbolsOf(d)))].filter((s) => s !== step.binds);
      if (step.binds === undefined) return `{ ${head}, uses: [${uses.map(jsString).join(", ")}] }`;
      const others = t.shape.filter((d) => !symbolsOf(d).includes(step.binds!));
      return `{ ${head}, uses: [${uses.map(jsString).join(", ")}], binds: ${jsString(step.binds)}, per: ${dimsData(step.k === 1 ? others : [...others, step.k!])} }`;
    });
    return [
      `const ${planIdent(m, which)}: InputPlan = {`,
      `  names: [${tensors.map((t) => jsString(t.name)).join(", ")}],`,
      `  symbols: [${symbols.map(jsString).join(", ")}],`,
      "  steps: [",
      ...steps.map((x) => `    ${x},`),
      "  ],",
      "};",
    ];
  };
  return [...plan("inputs", m.inputs), ...programsOf(m).flatMap((p) => plan(p, [...m.inputs, ...p.train.targets]))];
}

const dimsData = (shape: readonly Dim[]) => `[${shape.map((d) => (typeof d === "number" ? String(d) : jsString(d))).join(", ")}]`;

/** Whether the model's methods take `sizes` from the caller: some method's arrays cannot determine every symbolic size. */
export function takesSizes(m: CompiledModel): boolean {
  return needsGivenSizes([planSizes(m.inputs), ...programsOf(m).map((p) => planSizes([...m.inputs, ...p.train.targets]))]);
}

/** The parameter a method of a model that takes sizes adds: its options, with the sizes. */
export const sizesParam = (m: CompiledModel, extra?: string) => `options: ${extra ? `${extra} & ` : ""}{ sizes?: ${modelIdents(m).sizes} } = {}`;

/**
 * One check per i32 tensor of `tensors` whose uses impose a range (CompiledModel.indexRanges):
 * every value in [0, bound), else a RangeError naming the method, the tensor, the first position
 * out of range, its value and the range. Emitted after bindInputs (the sizes are bound), before
 * anything changes.
 */
export function rangeChecks(where: string, tensors: readonly TensorInfo[], ranges: readonly IndexRange[], obj: string): string[] {
  return tensors.flatMap((t) => {
    const r = ranges.find((x) => x.name === t.name);
    if (!r || t.dtype !== "i32") return [];
    const below = r.below.length === 1 ? dimExpr(r.below[0]!) : `Math.min(${r.below.map(dimExpr).join(", ")})`;
    const name = jsString(t.name);
    return [`    checkIndices(${jsString(where)}, ${name}, ${obj}[${name}], ${below}, ${shapeExpr(t.shape)}, ${jsString(r.why)});`];
  });
}

/**
 * The class's fit() (runtime/fit.ts): for a model that trains, with each program that has an
 * evaluate function (the validation loss), where its arrays determine its sizes (fit cuts them into
 * batches itself). With named programs (decision 0015), one overload per program: `options.program`
 * names it, the default program's without.
 */
export function fitMethod(m: CompiledModel): string[] {
  if (takesSizes(m)) return [];
  const programs = programsOf(m).filter((p) => p.evaluate);
  if (programs.length === 0) return [];
  const id = modelIdents(m);
  const doc = [
    "  /**",
    "   * Trains on `data` (every example, as trainStep takes a batch): epochs of shuffled batches,",
    "   * validation, loss and accuracy per epoch, callbacks, early stopping, an AbortSignal to stop it.",
    "   * Resolves to the history, as Keras's and TF.js's fit do (docs/generated-api.md, \"fit\").",
    ...(m.programs ? [`   * \`options.program\` trains a named program: ${programs.filter((p) => p.name !== undefined).map((p) => jsString(p.name!)).join(", ")}.`] : []),
    "   */",
  ];
  if (!m.programs) return [...doc, `  fit(data: ${id.batch}, options: FitOptions<${id.batch}> = {}): Promise<FitHistory> {`, `    return fitModel(this, ${id.cls}, ${planIdent(m, "batch")}, data, options);`, "  }", ""];
  const names = programs.flatMap((p) => (p.name === undefined ? [] : [jsString(p.name)]));
  const batches = programs.map((p) => p.batch).join(" | ");
  const lines = [...doc];
  for (const p of programs)
    lines.push(p.name === undefined ? `  fit(data: ${p.batch}, options?: FitOptions<${p.batch}> & { program?: undefined }): Promise<FitHistory>;` : `  fit(data: ${p.batch}, options: FitOptions<${p.batch}> & { program: ${jsString(p.name)} }): Promise<FitHistory>;`);
  lines.push(`  fit(data: ${batches}, options: FitOptions<${batches}> & { program?: ${names.join(" | ")} | undefined } = {}): Promise<FitHistory> {`);
  for (const p of programs) {
    const typed = `data as ${p.batch}, options as FitOptions<${p.batch}>`;
    if (p.name === undefined) lines.push(`    if (options.program === undefined) return fitModel(this, ${id.cls}, ${planIdent(m, "batch")}, ${typed});`);
    else {
      const cls = `{ name: ${id.cls}.name, inputs: ${id.cls}.inputs, outputs: ${id.cls}.outputs, targets: [${p.train.targets.map(spec).join(", ")}] }`;
      const model = `programFit(this, (b: ${p.batch}) => this.${p.trainMethod}(b), (b: ${p.batch}) => this.${p.evaluateMethod}(b))`;
      lines.push(`    if (options.program === ${jsString(p.name)}) return fitModel(${model}, ${cls}, ${planIdent(m, p)}, ${typed});`);
    }
  }
  const listed = names.map((n) => n.replace(/^"|"$/g, "")).join(", ");
  lines.push(`    return Promise.reject(new RangeError(${jsString(`${m.name}.fit: `)} + \`no training program "\${String(options.program)}"; ${m.train && m.evaluate ? "leave program out for the default one, or name one of" : "name one of"} ${listed}\`));`);
  lines.push("  }", "");
  return lines;
}

/** The runtime types of fit() a module exports (check/model-names.ts keeps models from taking these names). */
export const FIT_EXPORTS = ["FitOptions", "FitHistory", "FitLogs", "BatchLogs", "FitCallbacks", "EarlyStopping"];
