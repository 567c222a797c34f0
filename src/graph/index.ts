// `dnnc graph`: a compiled model as a diagram — build (dataflow.ts), lay out (layout.ts),
// render (render-svg.ts, render-html.ts). The compilation must keep the forward function
// unsimplified (runFrontEnd(…, "none")): the summary's node ranges index its nodes.
import type { Compilation } from "../compiler.ts";
import type { CompiledModel } from "../model.ts";
import { buildDiagram, type Diagram } from "./dataflow.ts";
import { layoutDiagram } from "./layout.ts";
import { renderSvg } from "./render-svg.ts";
import { renderHtml } from "./render-html.ts";

export type GraphFormat = "svg" | "html";

export { buildDiagram, layoutDiagram, renderSvg, renderHtml, type Diagram };

/** The diagram of `model`, with its train block's loss and optimizer as written. */
export function diagramOf(compilation: Compilation, model: CompiledModel): Diagram {
  return buildDiagram(model.name, model.summary, model.forward, trainCaption(compilation, model.name));
}

export function drawModel(compilation: Compilation, model: CompiledModel, format: GraphFormat): string {
  const diagram = diagramOf(compilation, model);
  const svg = renderSvg(layoutDiagram(diagram));
  return format === "svg" ? svg : renderHtml(diagram, svg);
}

/** `loss = …` and `optimizer = …` of the model's default train block, in its own words. */
function trainCaption(compilation: Compilation, name: string): string[] {
  for (const mod of compilation.program.modules.values()) {
    if (!mod.models.has(name)) continue;
    const train = mod.trains.find((t) => t.model.name === name && !t.program);
    if (!train) return [];
    const text = (s: { start: number; end: number } | undefined) => (s ? mod.source.text.slice(s.start, s.end).replace(/\s+/g, " ").trim() : undefined);
    const loss = text(train.loss?.value.span);
    const optimizer = text(train.optimizer?.value.span);
    return [...(loss ? [`loss = ${loss}`] : []), ...(optimizer ? [`optimizer = ${optimizer}`] : [])];
  }
  return [];
}
