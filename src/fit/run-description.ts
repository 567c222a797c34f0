// What the training report records about a run besides its curves: the command, the model's
// summary (as `dnnc check --shapes` prints it), the optimizer as the train block writes it, the
// hyperparameters the command chose, and the data. Kept in the checkpoint's metadata with the
// history, so a resumed run's report still says how the run began. What needs the compilation
// (the summary, the optimizer's source text) is read by the command: src/cli/train-describe.ts.

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
