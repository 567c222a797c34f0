// `dnnc graph --format html`: a page around the SVG, with the layers as a list whose nested
// layers fold away (<details>, no script), for a model too large to read in one picture.
import type { Diagram, DiagramNode } from "./dataflow.ts";

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** `kernels`: the legend of `--kernels` (render-kernels.ts), listed after the layers. */
export function renderHtml(diagram: Diagram, svg: string, kernels: readonly string[] = []): string {
  const children = new Map<string | undefined, DiagramNode[]>();
  for (const n of diagram.nodes) if (n.kind === "layer") children.set(n.parent, [...(children.get(n.parent) ?? []), n]);
  const item = (n: DiagramNode): string => {
    const line = `<code>${esc(n.label)}</code> (${esc(n.layer ?? "")}) → <code>${esc(n.type)}</code>, ${n.reused ? "shared, reused" : `${(n.params ?? 0).toLocaleString("en-US")} params`}${n.frozen ? ", frozen" : ""}`;
    const inner = children.get(n.id);
    return inner ? `<li><details><summary>${line}</summary><ul>${inner.map(item).join("")}</ul></details></li>` : `<li>${line}</li>`;
  };
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${esc(diagram.model)} — dnnc graph</title>
<style>
body { font-family: system-ui, sans-serif; margin: 24px; color: #1f2328; }
.diagram { overflow: auto; }
ul { list-style: none; padding-left: 1.2em; }
</style>
</head>
<body>
<h1>${esc(diagram.model)}</h1>
<div class="diagram">
${svg}</div>
<h2>Layers</h2>
<ul>${(children.get(undefined) ?? []).map(item).join("")}</ul>
${kernels.length > 0 ? `<h2>Kernels</h2>\n<details open><summary>${esc(kernels[0]!.replace(/:$/, ""))}</summary><ul>${kernels.slice(1).map((k) => `<li><code>${esc(k.trim())}</code></li>`).join("")}</ul></details>\n` : ""}</body>
</html>
`;
}
