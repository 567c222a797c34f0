// The training chart: an inline SVG, one point per finished epoch for each series — the
// training loss (left axis) and the held-out accuracy (right axis, 0..100%) — redrawn whole at
// each epoch's end (a few dozen elements: simpler than updating them). The x axis spans every
// epoch asked for from the start, so the curves grow to the right. The legend sits above the
// plot, so it never covers a point.

const SVG = "http://www.w3.org/2000/svg";
const WIDTH = 520;
const HEIGHT = 240;
/** The plot area inside the axes' labels and the legend. */
const PLOT = { left: 48, right: WIDTH - 52, top: 36, bottom: HEIGHT - 34 };

export interface Series {
  /** The class of its line and points: `loss`, `accuracy`. */
  name: string;
  label: string;
  color: string;
  /** One value per finished epoch. */
  values: number[];
}

/** A round step for about `count` ticks over [0, max]: 1, 2 or 5 times a power of ten. */
export function tickStep(max: number, count: number): number {
  const raw = max / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw)!;
}

/** Ticks 0, step, 2·step, … up to the first at or above `max`. */
function ticks(max: number, count: number): number[] {
  const step = tickStep(max, count);
  return Array.from({ length: Math.ceil(max / step - 1e-9) + 1 }, (_, i) => Number((i * step).toPrecision(12)));
}

/** Epoch ticks: the first epoch, then whole multiples of a round step. */
function epochTicks(epochs: number): number[] {
  const step = Math.max(1, tickStep(epochs, 8));
  return [1, ...ticks(epochs, 8).filter((t) => t > 1 && t <= epochs && t % step === 0)];
}

function element(name: string, attributes: Record<string, string | number>, text?: string): SVGElement {
  const e = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attributes)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

/** Draws the chart into `svg`: `epochs` epochs on the x axis, the loss axis to the largest loss seen. */
export function drawChart(svg: SVGSVGElement, epochs: number, loss: Series, accuracy: Series): void {
  svg.replaceChildren();
  svg.setAttribute("viewBox", `0 0 ${WIDTH} ${HEIGHT}`);
  const xTicks = epochTicks(epochs);
  const lossTicks = ticks(Math.max(...loss.values, 0.1), 4);
  const lossMax = lossTicks.at(-1)!;
  const x = (epoch: number) => PLOT.left + (epochs <= 1 ? 0.5 : (epoch - 1) / (epochs - 1)) * (PLOT.right - PLOT.left);
  const yLoss = (v: number) => PLOT.bottom - (v / lossMax) * (PLOT.bottom - PLOT.top);
  const yAccuracy = (v: number) => PLOT.bottom - v * (PLOT.bottom - PLOT.top);
  const add = (e: SVGElement) => svg.appendChild(e);

  for (const t of lossTicks) {
    add(element("line", { class: "grid", x1: PLOT.left, x2: PLOT.right, y1: yLoss(t), y2: yLoss(t) }));
    add(element("text", { class: "tick", x: PLOT.left - 6, y: yLoss(t) + 4, "text-anchor": "end", fill: loss.color }, String(t)));
  }
  for (const t of [0, 0.25, 0.5, 0.75, 1])
    add(element("text", { class: "tick", x: PLOT.right + 6, y: yAccuracy(t) + 4, fill: accuracy.color }, `${t * 100}%`));
  for (const t of xTicks) add(element("text", { class: "tick", x: x(t), y: PLOT.bottom + 16, "text-anchor": "middle" }, String(t)));
  add(element("text", { class: "axis", x: (PLOT.left + PLOT.right) / 2, y: HEIGHT - 4, "text-anchor": "middle" }, "epoch"));
  add(element("rect", { class: "frame", x: PLOT.left, y: PLOT.top, width: PLOT.right - PLOT.left, height: PLOT.bottom - PLOT.top }));

  for (const [series, y] of [[loss, yLoss], [accuracy, yAccuracy]] as const) {
    const points = series.values.map((v, i) => [x(i + 1), y(v)] as const);
    add(element("polyline", { class: `line ${series.name}`, stroke: series.color, points: points.map((p) => p.join(",")).join(" ") }));
    series.values.forEach((v, i) => {
      const point = add(element("circle", { class: `point ${series.name}`, cx: points[i]![0], cy: points[i]![1], r: 3, fill: series.color }));
      point.appendChild(element("title", {}, `epoch ${i + 1}: ${series.label} ${series.name === "accuracy" ? `${(v * 100).toFixed(1)}%` : v.toFixed(4)}`));
    });
  }

  // The legend: a swatch and a label per series, side by side above the plot.
  let left = PLOT.left;
  for (const series of [loss, accuracy]) {
    add(element("rect", { class: "swatch", x: left, y: 12, width: 14, height: 4, fill: series.color }));
    const label = add(element("text", { class: "legend", x: left + 20, y: 18 }, series.label));
    left += 20 + (label as SVGTextElement).getComputedTextLength() + 24;
  }
}
