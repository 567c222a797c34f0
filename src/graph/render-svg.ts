// `dnnc graph`, third pass: the laid-out diagram as one self-contained SVG — no scripts, no
// external fonts or stylesheets — so it shows the same in a browser, a README and an editor's
// webview. Every box and edge carries data- attributes naming what it is, for tests and tools.
import { FONT_SIZE, LINE_HEIGHT, nodeLines, textWidth, type Box, type LaidOutDiagram } from "./layout.ts";
import type { DiagramNode } from "./dataflow.ts";

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
const num = (n: number) => (Math.round(n * 10) / 10).toString();

const STYLE = `
text { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: ${FONT_SIZE}px; fill: #1f2328; }
.layer > rect { fill: #ddf4ff; stroke: #0969da; }
.layer.frozen > rect { fill: #eaeef2; stroke: #6e7781; stroke-dasharray: 4 3; }
.group > rect { fill: #f6f8fa; fill-opacity: 0.5; stroke: #8c959f; stroke-dasharray: 6 4; }
.input > rect, .output > rect { fill: #dafbe1; stroke: #1a7f37; }
.merge > rect { fill: #fff8c5; stroke: #9a6700; }
.edge path { fill: none; stroke: #57606a; stroke-width: 1.2; }
.edge text { fill: #57606a; font-size: ${FONT_SIZE - 1}px; }
.caption > rect { fill: #ffffff; stroke: #8c959f; }
.muted { fill: #57606a; }
`;

/** `overlay`: drawn above the groups and beneath the edges and boxes (the kernels' outlines), with its style. */
export function renderSvg(laid: LaidOutDiagram, overlay: { shapes: readonly string[]; style: string } = { shapes: [], style: "" }): string {
  const { diagram } = laid;
  const caption = [`model ${diagram.model} · ${totalParams(diagram.nodes).toLocaleString("en-US")} params`, ...diagram.caption];
  const captionWidth = Math.max(...caption.map(textWidth)) + 20;
  const captionHeight = caption.length * LINE_HEIGHT + 12;
  const width = Math.ceil(Math.max(laid.width, captionWidth + 32));
  const height = Math.ceil(laid.height + captionHeight + 16);
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${esc(`diagram of model ${diagram.model}`)}">`);
  out.push(`<title>${esc(diagram.model)}</title>`);
  out.push(`<defs><style>${STYLE}${overlay.style}</style><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#57606a"/></marker></defs>`);
  // Groups first (outer before inner, as the diagram lists them), so their boxes lie beneath.
  for (const n of diagram.nodes) if (n.group) out.push(renderNode(n, laid.boxes.get(n.id)!));
  out.push(...overlay.shapes);
  for (const { edge, points, label } of laid.edges) {
    const d = points.map((p, i) => `${i === 0 ? "M" : "L"} ${num(p.x)} ${num(p.y)}`).join(" ");
    out.push(
      `<g class="edge" data-from="${esc(edge.from)}" data-to="${esc(edge.to)}"><path d="${d}" marker-end="url(#arrow)"/>` +
        `<text class="edge-label" x="${num(label.x - textWidth(edge.label) / 2)}" y="${num(label.y + FONT_SIZE / 3)}">${esc(edge.label)}</text></g>`,
    );
  }
  for (const n of diagram.nodes) if (!n.group) out.push(renderNode(n, laid.boxes.get(n.id)!));
  const cy = laid.height + 4;
  out.push(`<g class="caption"><rect x="16" y="${num(cy)}" width="${num(captionWidth)}" height="${captionHeight}" rx="4"/>`);
  caption.forEach((line, i) => out.push(`<text x="26" y="${num(cy + 6 + LINE_HEIGHT * (i + 1) - 4)}">${esc(line)}</text>`));
  out.push(`</g>`);
  out.push(`</svg>`);
  return out.join("\n") + "\n";
}

function renderNode(n: DiagramNode, b: Box): string {
  const classes = ["node", n.kind, ...(n.group ? ["group"] : []), ...(n.frozen ? ["frozen"] : [])].join(" ");
  const x = b.x - b.width / 2;
  const y = b.y - b.height / 2;
  const attrs = `class="${classes}" data-id="${esc(n.id)}" data-kind="${n.kind}" data-type="${esc(n.type)}"${n.params !== undefined ? ` data-params="${n.params}"` : ""}`;
  const rect = `<rect x="${num(x)}" y="${num(y)}" width="${num(b.width)}" height="${num(b.height)}" rx="${n.kind === "merge" || n.kind === "op" ? 14 : 4}"/>`;
  const lines = n.group ? [groupTitle(n, b)] : nodeLines(n);
  const text = n.group
    ? lines.map((l, i) => `<text x="${num(x + 8)}" y="${num(y + LINE_HEIGHT * (i + 1))}"${i > 0 ? ` class="muted"` : ""}>${esc(l)}</text>`)
    : lines.map((l, i) => `<text x="${num(b.x - textWidth(l) / 2)}" y="${num(b.y - ((lines.length - 1) * LINE_HEIGHT) / 2 + i * LINE_HEIGHT + FONT_SIZE / 3)}"${i > 0 ? ` class="muted"` : ""}>${esc(l)}</text>`);
  return `<g ${attrs}>${rect}${text.join("")}</g>`;
}

/** A group's title, shortened until it fits its box (dagre sizes a cluster by its children alone). */
function groupTitle(n: DiagramNode, b: Box): string {
  const full = nodeLines(n)[0]!;
  const params = n.reused ? "shared, reused" : `${(n.params ?? 0).toLocaleString("en-US")} params`;
  return [full, `${n.label} · ${params}`].find((t) => textWidth(t) <= b.width - 16) ?? n.label;
}

/** The model's parameters: each top-level layer's count includes its inner layers'. */
function totalParams(nodes: readonly DiagramNode[]): number {
  return nodes.reduce((a, n) => a + (n.kind === "layer" && !n.parent ? (n.params ?? 0) : 0), 0);
}
