// The training report's line charts: inline SVG, one point per epoch. The axes are ticked at round
// numbers (1, 2 or 5 × 10^k apart) and stretched to the outer ticks; the title, then the legend,
// sit above the plot in rows of their own, the legend wrapping onto more rows when its entries do
// not fit side by side, so neither is ever drawn over the other or over the curves.
const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

export interface Series {
  name: string;
  values: (number | undefined)[];
  color: string;
}

/** Round ticks covering [lo, hi]: about `count` of them, spaced 1, 2 or 5 × 10^k apart. */
export function roundTicks(lo: number, hi: number, count = 5, integer = false): number[] {
  if (!(hi > lo)) {
    // One value: a range around it (an epoch between its neighbours).
    const half = integer ? 1 : (Math.abs(lo) || 1) / 2;
    (lo -= half), (hi += half);
  }
  const raw = (hi - lo) / Math.max(1, count - 1);
  const power = 10 ** Math.floor(Math.log10(raw));
  let step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw * 0.999) ?? 10 * power;
  if (integer) step = Math.max(1, Math.round(step));
  const first = Math.floor(lo / step + 1e-9), last = Math.ceil(hi / step - 1e-9);
  // Multiples of the step, computed from integers so that 0.1 × 3 prints as 0.3.
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  return Array.from({ length: last - first + 1 }, (_, i) => Number(((first + i) * step).toFixed(decimals)));
}

/** A tick's label: as many decimals as the step between ticks needs, no more. */
export function tickLabel(v: number, step: number): string {
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  if (Math.abs(v) >= 1e5 || (v !== 0 && decimals > 6)) return v.toExponential(Math.max(0, Math.round(-Math.log10(step / Math.abs(v))))).replace("e+", "e");
  return v.toFixed(decimals);
}

const W = 440, H = 280, L = 56, R = 14, B = 38;
const TITLE_Y = 16, LEGEND_TOP = 28, LEGEND_ROW = 16;
/** A generous width per character of the legend's 11 px font, so estimated entries never touch. */
const LEGEND_CHAR = 7;

/** A line chart of series over epochs `xs`; "" when no series has a finite value. */
export function lineChart(title: string, xs: number[], series: Series[], yLabel = ""): string {
  const shown = series.filter((s) => s.values.some((v) => v !== undefined && Number.isFinite(v)));
  const all = shown.flatMap((s) => s.values.filter((v): v is number => v !== undefined && Number.isFinite(v)));
  if (all.length === 0) return "";
  // The legend's rows: entries left to right, a new row when the next would pass the right edge.
  const legend: { s: Series; x: number; row: number }[] = [];
  let at = L, row = 0;
  for (const s of shown) {
    const width = (s.name.length + 2) * LEGEND_CHAR + 16;
    if (at > L && at + width > W - R) (at = L), row++;
    legend.push({ s, x: at, row });
    at += width;
  }
  const T = LEGEND_TOP + (row + 1) * LEGEND_ROW + 8; // the plot starts below the legend's last row
  const yTicks = roundTicks(Math.min(...all), Math.max(...all), 5);
  const xTicks = roundTicks(Math.min(...xs), Math.max(...xs), Math.min(8, xs.length), true);
  const [y0, y1] = [yTicks[0]!, yTicks.at(-1)!], [x0, x1] = [xTicks[0]!, xTicks.at(-1)!];
  const x = (e: number) => L + ((e - x0) / (x1 - x0 || 1)) * (W - L - R);
  const y = (v: number) => T + (1 - (v - y0) / (y1 - y0 || 1)) * (H - T - B);
  const yStep = yTicks.length > 1 ? yTicks[1]! - yTicks[0]! : 1;
  const grid = yTicks.map((v) => `<line x1="${L}" x2="${W - R}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#eee"/><text class="tick y" x="${L - 5}" y="${(y(v) + 4).toFixed(1)}" font-size="10" text-anchor="end">${tickLabel(v, yStep)}</text>`).join("");
  const xlabels = xTicks.map((e) => `<line x1="${x(e).toFixed(1)}" x2="${x(e).toFixed(1)}" y1="${H - B}" y2="${H - B + 4}" stroke="#999"/><text class="tick x" x="${x(e).toFixed(1)}" y="${H - B + 15}" font-size="10" text-anchor="middle">${e}</text>`).join("");
  const lines = shown.map((s) => {
    const pts = s.values.flatMap((v, i) => (v === undefined || !Number.isFinite(v) ? [] : [[x(xs[i]!), y(v), xs[i]!] as const]));
    const dots = pts.map(([px, py, e]) => `<circle class="point" data-series="${esc(s.name)}" data-epoch="${e}" cx="${px.toFixed(1)}" cy="${py.toFixed(1)}" r="2.5" fill="${s.color}"/>`).join("");
    return `<polyline fill="none" stroke="${s.color}" stroke-width="2" points="${pts.map(([px, py]) => `${px.toFixed(1)},${py.toFixed(1)}`).join(" ")}"/>${dots}`;
  }).join("");
  const legendSvg = legend.map(({ s, x: lx, row: r }) => {
    const ly = LEGEND_TOP + r * LEGEND_ROW + 10;
    return `<g class="legend"><line x1="${lx}" x2="${lx + 14}" y1="${ly - 4}" y2="${ly - 4}" stroke="${s.color}" stroke-width="2"/><text x="${lx + 18}" y="${ly}" font-size="11" fill="#222">${esc(s.name)}</text></g>`;
  }).join("");
  const yName = yLabel ? `<text x="12" y="${((T + H - B) / 2).toFixed(1)}" font-size="11" text-anchor="middle" transform="rotate(-90 12 ${((T + H - B) / 2).toFixed(1)})">${esc(yLabel)}</text>` : "";
  return `<svg class="chart" xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" role="img" aria-label="${esc(title)}"><text class="title" x="${W / 2}" y="${TITLE_Y}" font-size="13" text-anchor="middle" font-weight="bold">${esc(title)}</text>${legendSvg}${grid}<line x1="${L}" x2="${W - R}" y1="${H - B}" y2="${H - B}" stroke="#999"/>${xlabels}<text x="${(L + W - R) / 2}" y="${H - 6}" font-size="11" text-anchor="middle">epoch</text>${yName}<g class="plot">${lines}</g></svg>`;
}
