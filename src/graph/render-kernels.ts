// `dnnc graph --kernels`, drawn: each kernel a coloured outline around the boxes it computes,
// named in a band at its top (k3) with the details in its tooltip and in the caption's legend.
// A kernel often covers several layers (a convolution's matmul with its bias, the batch norm
// after it and the residual add), and a layer several kernels (its window copy, its matmul): the
// relation is not a tree, so kernels cannot be dagre clusters. Instead each kernel gets a level
// — those covering fewer boxes inside, further out those around them — and every box keeps free
// room for the outlines of its kernels (layoutDiagram's `reserve`), one band per level. A
// training step's backward and update kernels are chips beside the boxes (render-kernel-lanes.ts).
import type { Diagram } from "./dataflow.ts";
import type { DrawnKernel, KernelOverlay, Phase } from "./kernels.ts";
import type { Box, LaidOutDiagram } from "./layout.ts";
import { CHIP_TEXT_SIZE, kernelChips } from "./render-kernel-lanes.ts";

/** Height of one level's band: room for a kernel's name above the outline inside it. */
const BAND = 14;
const TAG_SIZE = 10;
/** Outline colours, cycled by kernel number: distinct on white, dark enough for the names. */
const COLOURS = ["#cf222e", "#8250df", "#1a7f37", "#bc4c00", "#0550ae", "#bf3989", "#4d2d00", "#116329"];

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
const num = (n: number) => (Math.round(n * 10) / 10).toString();

/** Each forward kernel's level: 0 around its boxes alone, one more than any smaller kernel sharing a box. */
export function kernelLevels(kernels: readonly DrawnKernel[]): Map<string, number> {
  const levels = new Map<string, number>();
  const highest = new Map<string, number>(); // box → the highest level around it so far
  const order = kernels.filter((k) => k.phase === "forward" && k.covers.length > 0).sort((a, b) => a.covers.length - b.covers.length);
  for (const k of order) {
    const level = Math.max(-1, ...k.covers.map((c) => highest.get(c) ?? -1)) + 1;
    levels.set(k.name, level);
    for (const c of k.covers) highest.set(c, level);
  }
  return levels;
}

/** The room each box keeps free for its kernels' outlines (layoutDiagram's `reserve`). */
export function kernelReserve(kernels: readonly DrawnKernel[], levels: ReadonlyMap<string, number>): Map<string, number> {
  const reserve = new Map<string, number>();
  for (const k of kernels) if (k.phase === "forward") for (const c of k.covers) reserve.set(c, Math.max(reserve.get(c) ?? 0, BAND * (levels.get(k.name)! + 1) + 2));
  return reserve;
}

export interface KernelOutline {
  kernel: DrawnKernel;
  level: number;
  /** A forward kernel's: one rectangle around all its boxes, or one around each where that
   * would enclose another box. A backward or update kernel's: its chips, one beside each box. */
  rects: Box[];
}

/** Where each kernel's outline goes, once the boxes are laid out. */
export function kernelOutlines(laid: LaidOutDiagram, overlay: KernelOverlay, levels: ReadonlyMap<string, number>, reserve: ReadonlyMap<string, number>): KernelOutline[] {
  const { diagram, boxes } = laid;
  const leaves = diagram.nodes.filter((n) => !n.group);
  const chips = kernelChips(laid, overlay.kernels, reserve);
  const out: KernelOutline[] = [];
  for (const kernel of overlay.kernels) {
    if (kernel.covers.length === 0) continue;
    if (kernel.phase !== "forward") {
      out.push({ kernel, level: 0, rects: chips.get(kernel.name)! });
      continue;
    }
    const level = levels.get(kernel.name)!;
    const pad = BAND * (level + 1);
    const grow = (b: Box): Box => ({ x: b.x, y: b.y, width: b.width + 2 * pad, height: b.height + 2 * pad });
    const mine = kernel.covers.map((id) => boxes.get(id)!);
    const l = Math.min(...mine.map((b) => b.x - b.width / 2));
    const r = Math.max(...mine.map((b) => b.x + b.width / 2));
    const t = Math.min(...mine.map((b) => b.y - b.height / 2));
    const bottom = Math.max(...mine.map((b) => b.y + b.height / 2));
    const whole: Box = grow({ x: (l + r) / 2, y: (t + bottom) / 2, width: r - l, height: bottom - t });
    const covers = new Set(kernel.covers);
    const encloses = leaves.some((n) => !covers.has(n.id) && overlaps(whole, boxes.get(n.id)!));
    out.push({ kernel, level, rects: mine.length === 1 || !encloses ? [whole] : mine.map(grow) });
  }
  return out;
}

const overlaps = (a: Box, b: Box) => Math.abs(a.x - b.x) * 2 < a.width + b.width && Math.abs(a.y - b.y) * 2 < a.height + b.height;

/** The outlines as SVG, outer levels first so that inner ones lie on top; drawn beneath edges and boxes. */
export function renderKernelOutlines(outlines: readonly KernelOutline[]): string[] {
  return [...outlines]
    .sort((a, b) => b.level - a.level)
    .map(({ kernel, rects }) => {
      const colour = COLOURS[Number(kernel.name.slice(1)) % COLOURS.length]!;
      const chip = kernel.phase !== "forward";
      const shapes = rects.map((b) => `<rect x="${num(b.x - b.width / 2)}" y="${num(b.y - b.height / 2)}" width="${num(b.width)}" height="${num(b.height)}" rx="${chip ? 3 : 6}" stroke="${colour}"/>`);
      const first = rects[0]!;
      // An outline is named once, in its top band; each chip bears its kernel's name.
      const tags = chip
        ? rects.map((b) => `<text x="${num(b.x)}" y="${num(b.y + CHIP_TEXT_SIZE / 3)}" text-anchor="middle" style="fill: ${colour}">${esc(kernel.name)}</text>`)
        : [`<text x="${num(first.x - first.width / 2 + 5)}" y="${num(first.y - first.height / 2 + TAG_SIZE + 1)}" style="fill: ${colour}">${esc(kernel.name)}</text>`];
      const apart = kernel.apart ? ` data-apart="${kernel.apart}"` : "";
      return `<g class="kernel${chip ? ` ${kernel.phase}` : ""}" data-kernel="${esc(kernel.name)}" data-kernel-kind="${kernel.kind}" data-phase="${kernel.phase}"${apart} data-covers="${esc(kernel.covers.join(" "))}" data-flops="${kernel.flops}" data-bytes="${kernel.bytesMoved}"><title>${esc(describeKernel(kernel))}</title>${shapes.join("")}${tags.join("")}</g>`;
    });
}

export const KERNEL_STYLE = `
.op > rect { fill: #f6f8fa; stroke: #6e7781; }
.kernel > rect { fill: none; stroke-width: 1.4; stroke-dasharray: 5 2; }
.kernel > text { font-size: ${TAG_SIZE}px; font-weight: bold; }
.kernel.backward > rect { fill: #fff8f0; stroke-width: 1; stroke-dasharray: 2 1.5; }
.kernel.update > rect { fill: #f6f0ff; stroke-width: 1; stroke-dasharray: none; }
.kernel.backward > text, .kernel.update > text { font-size: ${CHIP_TEXT_SIZE}px; }
`;

/** One kernel in words: `k3 matmul · 983 kFLOP, 309 kB moved`. */
export function describeKernel(k: DrawnKernel): string {
  return `${k.name} ${k.kind} · ${quantity(k.flops)}FLOP, ${quantity(k.bytesMoved)}B moved`;
}

const APART = {
  loss: "gradients of operations of the loss without a box of their own",
  step: "made for the whole step (global gradient norm, finite-step check)",
};

const BESIDE: Record<Exclude<Phase, "forward">, string> = {
  backward: "dashed chips left of the layers whose gradients they compute",
  update: "chips right of the layers whose parameters they update",
};

/** The caption's legend: each forward kernel with what it computes and costs; a training step's
 * backward and update kernels counted by phase (each chip's tooltip has its costs), and by name
 * those of them that belong to no layer, put beside the loss. */
export function kernelLegend(diagram: Diagram, overlay: KernelOverlay): string[] {
  const label = new Map(diagram.nodes.map((n) => [n.id, n.label]));
  const sizes = Object.keys(overlay.sizes);
  const at = sizes.length > 0 ? ` at ${sizes.map((x) => `${x} = ${overlay.sizes[x]}`).join(", ")}` : "";
  const lines = [`${overlay.kernels.length} kernels of ${overlay.fn}${at}:`];
  for (const k of overlay.kernels) if (k.phase === "forward") lines.push(`  ${describeKernel(k)} · ${k.covers.map((c) => label.get(c)).join(", ")}`);
  for (const phase of ["backward", "update"] as const) {
    const ks = overlay.kernels.filter((k) => k.phase === phase);
    if (ks.length === 0) continue;
    lines.push(`  ${phase}: ${ks.length} kernel${ks.length === 1 ? "" : "s"}, ${quantity(ks.reduce((a, k) => a + k.flops, 0))}FLOP, as ${BESIDE[phase]}`);
    const apart = ks.filter((k) => k.apart);
    if (apart.length > 0) lines.push(`    beside the loss, ${apart.length} of no layer's ${phase === "backward" ? "gradient" : "update"}:`);
    for (const k of apart) lines.push(`      ${describeKernel(k)}: ${APART[k.apart as "loss" | "step"]}`);
  }
  return lines;
}

/** 983040 → "983.0 k", as `dnnc compile` prints costs. */
function quantity(v: number): string {
  return v >= 1e9 ? `${(v / 1e9).toFixed(2)} G` : v >= 1e6 ? `${(v / 1e6).toFixed(1)} M` : v >= 1e3 ? `${(v / 1e3).toFixed(1)} k` : `${v} `;
}
