// `dnnc graph --kernels --function train_step`: the backward and update kernels, drawn beside
// the boxes they belong to. A layer of a ResNet has a handful of forward kernels but as many
// again for its gradients and its update; nested as rings around the box, they would make each
// box hundreds of pixels wide. Instead each gets a chip, a small tile with its name, in a lane
// left of each of its boxes (backward: the layers whose gradients it computes) or right of them
// (update: the layers whose parameters it updates), outside the box's forward rings. The lanes
// are kept free by the layout (layoutDiagram's `lanes`), the same width on both sides so that
// the box stays at its node's centre, where its edges meet it.
import type { Diagram } from "./dataflow.ts";
import type { DrawnKernel } from "./kernels.ts";
import { boxSize, type Box, type LaidOutDiagram } from "./layout.ts";

export const CHIP_HEIGHT = 14;
export const CHIP_TEXT_SIZE = 9;
const CHIP_CHAR_WIDTH = 5.6;
const CHIP_GAP = 3;
/** Between a box's outermost forward ring and its first column of chips. */
const LANE_GAP = 6;

type Side = "backward" | "update";

/** A chip's width: room for the longest kernel name of the function. */
export const chipWidth = (kernels: readonly DrawnKernel[]) => Math.max(...kernels.map((k) => k.name.length)) * CHIP_CHAR_WIDTH + 8;

/** For each box, the kernels of each side drawn beside it, in kernel order. */
function chipsByBox(kernels: readonly DrawnKernel[]): Map<string, Record<Side, DrawnKernel[]>> {
  const by = new Map<string, Record<Side, DrawnKernel[]>>();
  for (const k of kernels) {
    if (k.phase === "forward") continue;
    for (const c of k.covers) {
      const sides = by.get(c) ?? { backward: [], update: [] };
      sides[k.phase].push(k);
      by.set(c, sides);
    }
  }
  return by;
}

/** How many chips a column holds beside a box `height` tall with `reserve` of rings around it. */
const rowsBeside = (height: number, reserve: number) => Math.max(1, Math.floor((height + 2 * reserve + CHIP_GAP) / (CHIP_HEIGHT + CHIP_GAP)));

/** The room each box keeps free on each side for its chips (layoutDiagram's `lanes`). */
export function kernelLanes(diagram: Diagram, kernels: readonly DrawnKernel[], reserve: ReadonlyMap<string, number>): Map<string, number> {
  const width = chipWidth(kernels);
  const lanes = new Map<string, number>();
  for (const [id, sides] of chipsByBox(kernels)) {
    const node = diagram.nodes.find((n) => n.id === id)!;
    const rows = rowsBeside(boxSize(node)[1], reserve.get(id) ?? 0);
    const columns = Math.ceil(Math.max(sides.backward.length, sides.update.length) / rows);
    lanes.set(id, LANE_GAP + columns * (width + CHIP_GAP));
  }
  return lanes;
}

/** Each backward and update kernel's chips, one beside each of its boxes, once laid out. */
export function kernelChips(laid: LaidOutDiagram, kernels: readonly DrawnKernel[], reserve: ReadonlyMap<string, number>): Map<string, Box[]> {
  const width = chipWidth(kernels);
  const chips = new Map<string, Box[]>();
  for (const [id, sides] of chipsByBox(kernels)) {
    const box = laid.boxes.get(id)!;
    const r = reserve.get(id) ?? 0;
    const rows = rowsBeside(box.height, r);
    for (const side of ["backward", "update"] as const)
      sides[side].forEach((k, j) => {
        const [column, row] = [Math.floor(j / rows), j % rows];
        // Outwards from the rings: the first column nearest the box.
        const offset = box.width / 2 + r + LANE_GAP + column * (width + CHIP_GAP) + width / 2;
        const chip = { x: box.x + (side === "backward" ? -offset : offset), y: box.y - box.height / 2 - r + row * (CHIP_HEIGHT + CHIP_GAP) + CHIP_HEIGHT / 2, width, height: CHIP_HEIGHT };
        chips.set(k.name, [...(chips.get(k.name) ?? []), chip]);
      });
  }
  return chips;
}
