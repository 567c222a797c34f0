// `dnnc graph`: a compiled model as a diagram — build (dataflow.ts), lay out (layout.ts),
// render (render-svg.ts, render-html.ts); with --kernels, a function's fused kernels found on
// it (kernels.ts) and outlined (render-kernels.ts). The compilation must keep the forward function
// unsimplified (runFrontEnd(…, "none")): the summary's node ranges index its nodes.
import type { Compilation } from "../compiler.ts";
import type { CompiledModel } from "../model.ts";
import { buildDiagram, type Diagram } from "./dataflow.ts";
import { layoutDiagram } from "./layout.ts";
import { renderSvg } from "./render-svg.ts";
import { renderHtml } from "./render-html.ts";
import { kernelDiagram, kernelFunctions } from "./kernels.ts";
import { kernelLanes } from "./render-kernel-lanes.ts";
import { KERNEL_STYLE, kernelLegend, kernelLevels, kernelOutlines, kernelReserve, renderKernelOutlines } from "./render-kernels.ts";
import type { Diagnostic } from "../diagnostics/diagnostic.ts";

export type GraphFormat = "svg" | "html";

export { buildDiagram, layoutDiagram, renderSvg, renderHtml, kernelFunctions, type Diagram };

/** The diagram of `model`, with its train block's loss and optimizer as written. */
export function diagramOf(compilation: Compilation, model: CompiledModel): Diagram {
  return buildDiagram(model.name, model.summary, model.forward, trainCaption(compilation, model.name));
}

export function drawModel(compilation: Compilation, model: CompiledModel, format: GraphFormat): string {
  const diagram = diagramOf(compilation, model);
  const svg = renderSvg(layoutDiagram(diagram));
  return format === "svg" ? svg : renderHtml(diagram, svg);
}

/** The model drawn with the fused kernels of one of its functions (forward, train_step, …)
 * outlined over it, or a refusal (DNN0790) when it has no function of that name. */
export function drawKernels(compilation: Compilation, model: CompiledModel, format: GraphFormat, fn: string): { text: string } | { refusal: Diagnostic } {
  const drawn = kernelDiagram(compilation, model, fn, trainCaption(compilation, model.name));
  if ("refusal" in drawn) return drawn;
  const { overlay } = drawn;
  const legend = kernelLegend(drawn.diagram, overlay);
  const diagram = { ...drawn.diagram, caption: [...drawn.diagram.caption, ...legend] };
  const levels = kernelLevels(overlay.kernels);
  const reserve = kernelReserve(overlay.kernels, levels);
  const laid = layoutDiagram(diagram, reserve, kernelLanes(diagram, overlay.kernels, reserve));
  const svg = renderSvg(laid, { shapes: renderKernelOutlines(kernelOutlines(laid, overlay, levels, reserve)), style: KERNEL_STYLE });
  return { text: format === "svg" ? svg : renderHtml(drawn.diagram, svg, legend) };
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
