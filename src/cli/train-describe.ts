// What `dnnc train`'s report says about the model that only the compilation knows: its
// `dnnc check --shapes` summary and the train block's optimizer as written (src/fit/ records them
// in a RunDescription without importing the compiler).
import type { Compilation, CompiledModel } from "../compiler.ts";
import { printSummary } from "../check/summary.ts";
import { size } from "../ir/shape.ts";

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
