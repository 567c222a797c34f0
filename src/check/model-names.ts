// Names a generated module cannot carry (DNN0411). Inside generated code every name from a .dnn
// file is mangled (backend/names.ts), so no name can collide with the module's own identifiers;
// but the module *exports* each model's class under the model's own name, and its interfaces as
// `<Model>Inputs`, `<Model>Outputs`, `<Model>Batch` (and `<Model>Sizes`), and save() writes each parameter as a
// safetensors tensor of the same name. Those public names are the user's, so the few that would
// break the module or the code that imports it are refused here, with the model name's span, so
// `dnnc check` and the editor report them before anything is generated.
import type * as A from "../syntax/ast.ts";
import type { Span } from "../syntax/source.ts";
import { diagnostic, type Diagnostic } from "../diagnostics/diagnostic.ts";
import type { Module } from "./modules.ts";

/**
 * Words that cannot be the name of an import binding in a module (`import { X } from …`),
 * which is strict-mode code: ECMAScript's reserved words, the strict-mode ones, `await`
 * (reserved in modules), and `eval` and `arguments` (never bindable in strict code). The .dnn
 * keywords among them (`if`, `let`, `import`, …) cannot be names in the first place.
 */
const NOT_BINDABLE = new Set([
  ..."break case catch class const continue debugger default delete do else enum export extends false finally for function if import in instanceof new null return super switch this throw true try typeof var void while with".split(" "),
  ..."implements interface let package private protected public static yield await eval arguments".split(" "),
]);

/** TypeScript's predefined type names: a class cannot be declared or imported under them (TS2414, TS2438). */
const TS_TYPE_NAMES = new Set("any unknown never number bigint boolean string symbol object undefined".split(" "));

/** What every generated module exports besides its models (backend/ts/emit.ts, backend/wgsl/emit.ts, model-api.ts). */
export const MODULE_EXPORTS: readonly string[] = ["TensorSpec", "CreateOptions", "LoadOptions", "TrainStepOptions", "WorkerThreads", "memoryStats", "threadStats", "NonFiniteError", "FitOptions", "FitHistory", "FitLogs", "BatchLogs", "FitCallbacks", "EarlyStopping"];

/** The names a model's exports take: the class, then its interfaces. */
const modelExportNames = (model: string): string[] => [model, `${model}Inputs`, `${model}Outputs`, `${model}Batch`, `${model}Sizes`];

/** Why `name` cannot be a model's (exported) name on its own, or undefined when it can. */
export function unexportableModelName(name: string): string | undefined {
  if (name === "then") return "a module that exports `then` is thenable: `await import()` of it would call the class instead of giving the module";
  if (name === "default") return "`default` is the module's default export, which `import { default }` cannot name";
  if (NOT_BINDABLE.has(name)) return `\`${name}\` is a reserved word in JavaScript modules: \`import { ${name} }\` is a syntax error`;
  if (TS_TYPE_NAMES.has(name)) return `\`${name}\` is one of TypeScript's own type names: a class cannot be declared or imported under it`;
  if (MODULE_EXPORTS.includes(name)) return `the generated module already exports \`${name}\``;
  return undefined;
}

/** A tensor name that safetensors keeps for itself (the file's metadata). */
const SAFETENSORS_RESERVED = "__metadata__";

/** DNN0411 for every model of the file whose name the generated module could not export, and for a parameter named `__metadata__` (see also `stateNameClashes`). */
export function modelNameErrors(entry: Module): Diagnostic[] {
  const out: Diagnostic[] = [];
  const models = [...entry.models.values()];
  const hint = (name: string) => ({ hint: `rename the model (for example \`${name[0]!.toUpperCase()}${name.slice(1)}Model\`)` });
  // Each interface name to the first model that exports it: looked up, not searched per model
  // (a search was quadratic — a 20,000-line file's 572 models spent 55 ms here).
  const interfaceOwner = new Map<string, (typeof models)[number]>();
  for (const o of models) for (const n of modelExportNames(o.name.name).slice(1)) if (!interfaceOwner.has(n)) interfaceOwner.set(n, o);
  for (const m of models) {
    const name = m.name.name;
    const why = unexportableModelName(name);
    if (why) {
      out.push(diagnostic("DNN0411", m.name.span, `\`${name}\` cannot be a model's name: ${why}`, hint(name)));
      continue;
    }
    // `model A` exports `AInputs`, `AOutputs`, `ABatch`, `ASizes`: no other model of the file may be called so.
    const owner = interfaceOwner.get(name);
    if (owner) {
      out.push(
        diagnostic("DNN0411", m.name.span, `\`${name}\` cannot be a model's name: the generated module exports model \`${owner.name.name}\`'s interface \`${name}\``, {
          ...hint(name),
          related: [{ span: owner.name.span, message: `model \`${owner.name.name}\`` }],
        }),
      );
    }
    for (const item of m.items) if (item.kind === "param" && item.name.name === SAFETENSORS_RESERVED) out.push(reservedTensor(item));
  }
  out.push(...programNameErrors(entry));
  return out;
}

/** A named program's part of the generated names: `discriminator` → `Discriminator` (methods `trainDiscriminator`, `evaluateDiscriminator`). */
export const programTitle = (name: string): string => name[0]!.toUpperCase() + name.slice(1);

/**
 * DNN0416 for a named training program whose generated names are taken: `train M.step` (its
 * method would be `trainStep`, the default program's), two programs of a model whose methods are
 * one (`d` and `D`), and a program whose batch interface `<Model><Name>Batch` the module already
 * exports (another model's class or interface, or another program's).
 */
export function programNameErrors(entry: Module): Diagnostic[] {
  const out: Diagnostic[] = [];
  const taken = new Map<string, string>([...MODULE_EXPORTS.map((n) => [n, `\`${n}\``] as const), ...[...entry.models.keys()].flatMap((m) => modelExportNames(m).map((n) => [n, `model \`${m}\`'s ${n === m ? "class" : "interface"} \`${n}\``] as const))]);
  const seen = new Map<string, A.Ident>();
  for (const t of entry.trains) {
    if (!t.program?.name || !entry.models.has(t.model.name)) continue;
    const title = programTitle(t.program.name);
    const first = seen.get(`${t.model.name}.${title}`);
    const batch = `${t.model.name}${title}Batch`;
    const why =
      title === "Step"
        ? "its method would be `trainStep`, the default program's (`train " + t.model.name + " { … }`)"
        : first
          ? `its methods would be \`train${title}\` and \`evaluate${title}\`, as program \`${first.name}\`'s`
          : taken.has(batch)
            ? `its batch interface \`${batch}\` would be ${taken.get(batch)}`
            : undefined;
    if (why) out.push(diagnostic("DNN0416", t.program.span, `\`${t.program.name}\` cannot name a training program of \`${t.model.name}\`: ${why}`, { hint: "rename the program", ...(first ? { related: [{ span: first.span, message: "the other program" }] } : {}) }));
    else seen.set(`${t.model.name}.${title}`, t.program), taken.set(batch, `program \`${t.model.name}.${t.program.name}\`'s batch interface`);
  }
  return out;
}

function reservedTensor(p: A.ParamDecl): Diagnostic {
  return diagnostic("DNN0411", p.name.span, `\`${SAFETENSORS_RESERVED}\` cannot be a parameter's name: save() writes every parameter as a safetensors tensor of its name, and safetensors keeps \`${SAFETENSORS_RESERVED}\` for the file's metadata`, {
    hint: "rename the parameter",
  });
}

/**
 * DNN0411 for a parameter named like one of the optimizer's own state tensors (the learning rate
 * `lr`; the others are `<parameter>/<optimizer>.<slot>`, which no parameter name can be): save()
 * would write two tensors of one name, and load() could read neither.
 */
export function stateNameClashes(params: readonly { name: string; span: Span }[], states: readonly { name: string }[], optimizer: string): Diagnostic[] {
  return params.flatMap((p) =>
    states.some((s) => s.name === p.name && !s.name.includes("/"))
      ? [diagnostic("DNN0411", p.span, `\`${p.name}\` cannot be a parameter's name in a model trained with \`${optimizer}\`: save() writes the optimizer's own tensor \`${p.name}\` (its learning rate) beside the parameters`, { hint: "rename the parameter" })]
      : [],
  );
}
