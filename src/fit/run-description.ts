// What the training report records about a run besides its curves: the command, the model's
// summary (as `dnnc check --shapes` prints it), the optimizer as the train block writes it, the
// hyperparameters the command chose, and the data. Kept in the checkpoint's metadata with the
// history, so a resumed run's report still says how the run began.
import type { Compilation, CompiledModel } from "../compiler.ts";
import { printSummary } from "../check/summary.ts";
import { size } from "../ir/shape.ts";

export interface RunDescription {
  /** The commands of the run, the first run's first: one more for each --resume. */
  commands: string[];
  model: string;
  /** `dnnc check --shapes`'s table for the model. */
  summary: string;
  /** Name and value, in the order shown. */
  hyperparameters: [string, string][];
  /** One line per part of the data (training, validation, test). */
  data: string[];
}

/** The model's `dnnc check --shapes` summary. */
export function modelSummary(c: Compilation, m: CompiledModel): string {
  const file = m.summary.find((row) => row.kind === "binding")?.span.file;
  const source = file === undefined ? undefined : c.program.sources.get(file);
  return printSummary(m.name, m.summary, m.params.map((p) => ({ size: size(p.shape) as number, trainable: p.trainable })), source);
}

/** The train block's `optimizer = …` (and `clip_norm = …`) as written, for model `model`'s program `program`. */
export function optimizerSource(c: Compilation, model: string, program: string | undefined): { optimizer?: string; clipNorm?: string } {
  for (const module of c.program.modules.values())
    for (const t of module.ast.decls.flatMap((d) => (d.kind === "train" ? [d] : [])))
      if (t.model.name === model && t.program?.name === program) {
        const text = (s: { start: number; end: number } | undefined) => (s ? module.source.text.slice(s.start, s.end).replace(/\s+/g, " ") : undefined);
        return { optimizer: text(t.optimizer?.value.span), clipNorm: text(t.clipNorm?.value.span) };
      }
  return {};
}

/** Hyperparameters shown in the report: what is set, as the user would write it. */
export function hyperparameters(h: {
  optimizer?: string; clipNorm?: string; lr?: number; lrPolicy: string; batch: number; epochs: number; seed: number;
  validationSplit: number; earlyStopping?: number; augment?: string; normalize?: boolean; backend: string; program?: string;
}): [string, string][] {
  const rows: [string, string | undefined][] = [
    ["optimizer", h.optimizer ?? "(none)"],
    ["gradient clipping (global norm)", h.clipNorm],
    ["learning rate", h.lr === undefined ? undefined : String(Number(h.lr.toPrecision(6)))],
    ["learning-rate policy", h.lrPolicy],
    ["batch size", String(h.batch)],
    ["epochs", String(h.epochs)],
    ["validation split", String(h.validationSplit)],
    ["early stopping (patience)", h.earlyStopping === undefined ? undefined : String(h.earlyStopping)],
    ["augmentation", h.augment],
    ["input normalization", h.normalize ? "per feature (--normalize)" : undefined],
    ["seed", String(h.seed)],
    ["backend", h.backend],
    ["training program", h.program],
  ];
  return rows.filter((r): r is [string, string] => r[1] !== undefined);
}

/** One line per dataset: its name, size and example shape, and its classes where it has them. */
export function dataLine(role: string, d: { name: string; n: number; shape: number[]; classes: string[] }, classes: boolean, note = ""): string {
  const kinds = classes ? `, ${d.classes.length} classes` : "";
  return `${role}: ${d.name}${note}, ${d.n.toLocaleString("en-US")} examples of shape [${d.shape.join(", ")}]${kinds}`;
}
