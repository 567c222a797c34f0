// The training report: one self-contained HTML file (no scripts, no external assets) with the
// loss and accuracy curves per epoch and the test set's confusion matrix; for a model trained on
// its input alone, the test reconstruction error and test images beside their reconstructions.
import type { EpochStats, Evaluation } from "./loop.ts";
import type { Confusion } from "../runtime/metrics.ts";
import { reconstructionPanel, type Reconstructions } from "./report-images.ts";

export interface ReportInput {
  title: string;
  command: string;
  history: EpochStats[];
  test?: Evaluation & { examples: number };
  reconstructions?: Reconstructions;
  classes: string[];
  seconds: number;
}

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

export function htmlReport(r: ReportInput): string {
  const epochs = r.history.map((h) => h.epoch);
  const loss = lineChart("Loss", epochs, [
    { name: "training", values: r.history.map((h) => h.loss), color: "#1f77b4" },
    { name: "validation", values: r.history.map((h) => h.valLoss), color: "#ff7f0e" },
  ]);
  const acc = lineChart("Accuracy", epochs, [
    { name: "training (sampled)", values: r.history.map((h) => h.accuracy), color: "#1f77b4" },
    { name: "validation", values: r.history.map((h) => h.valAccuracy), color: "#ff7f0e" },
  ]);
  const t = r.test;
  const examples = t && `${t.examples.toLocaleString("en-US")} examples`;
  const test = !t
    ? ""
    : t.confusion
      ? `<h2>Test set: accuracy ${(t.confusion.accuracy * 100).toFixed(2)} %, loss ${t.loss.toFixed(4)} (${examples})</h2>${confusionTable(t.confusion, r.classes)}`
      : `<h2>Test set: ${t.reconstructionMse === undefined ? "" : `reconstruction MSE ${t.reconstructionMse.toFixed(5)}, `}loss ${t.loss.toFixed(4)} (${examples})</h2>`;
  const images = r.reconstructions ? reconstructionPanel(r.reconstructions) : "";
  // A model trained without labels has no accuracy: its table leaves those columns out.
  const accuracy = r.history.some((h) => h.accuracy !== undefined);
  const cells = (h: EpochStats) => [h.epoch, h.loss.toFixed(4), ...(accuracy ? [h.accuracy?.toFixed(4) ?? ""] : []), h.valLoss?.toFixed(4) ?? "", ...(accuracy ? [h.valAccuracy?.toFixed(4) ?? ""] : []), h.lr?.toPrecision(3) ?? "", h.seconds.toFixed(1)];
  const head = ["epoch", "loss", ...(accuracy ? ["accuracy"] : []), "val loss", ...(accuracy ? ["val accuracy"] : []), "lr", "seconds"];
  const rows = r.history.map((h) => `<tr>${cells(h).map((c) => `<td>${c}</td>`).join("")}</tr>`).join("");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(r.title)}</title>
<style>body{font:14px system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse}td,th{padding:3px 8px;text-align:right;border:1px solid #ddd}code{background:#f4f4f4;padding:2px 4px}.charts{display:flex;gap:2em;flex-wrap:wrap}.recon{display:flex;gap:1em;flex-wrap:wrap}.recon img{width:84px;image-rendering:pixelated;margin-right:2px}figure{margin:0;text-align:center}</style>
</head><body>
<h1>${esc(r.title)}</h1>
<p><code>${esc(r.command)}</code> — ${r.history.length} epoch${r.history.length === 1 ? "" : "s"}, ${r.seconds.toFixed(0)} s</p>
<div class="charts">${loss}${acc}</div>
${test}
${images}
<h2>Epochs</h2>
<table><tr>${head.map((c) => `<th>${c}</th>`).join("")}</tr>${rows}</table>
</body></html>
`;
}

interface Series {
  name: string;
  values: (number | undefined)[];
  color: string;
}

function lineChart(title: string, xs: number[], series: Series[]): string {
  const W = 420, H = 260, L = 50, R = 10, T = 30, B = 35;
  const all = series.flatMap((s) => s.values.filter((v): v is number => v !== undefined && Number.isFinite(v)));
  if (all.length === 0) return "";
  let lo = Math.min(...all), hi = Math.max(...all);
  if (hi - lo < 1e-9) (lo -= 0.5), (hi += 0.5);
  const x = (i: number) => L + (xs.length === 1 ? (W - L - R) / 2 : (i / (xs.length - 1)) * (W - L - R));
  const y = (v: number) => T + (1 - (v - lo) / (hi - lo)) * (H - T - B);
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => lo + f * (hi - lo));
  const grid = ticks.map((v) => `<line x1="${L}" x2="${W - R}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#eee"/><text x="${L - 4}" y="${(y(v) + 4).toFixed(1)}" font-size="10" text-anchor="end">${v.toPrecision(3)}</text>`).join("");
  const xlabels = xs.map((e, i) => (xs.length <= 12 || i % Math.ceil(xs.length / 12) === 0 ? `<text x="${x(i).toFixed(1)}" y="${H - B + 14}" font-size="10" text-anchor="middle">${e}</text>` : "")).join("");
  const lines = series.map((s, k) => {
    const pts = s.values.map((v, i) => (v === undefined || !Number.isFinite(v) ? undefined : `${x(i).toFixed(1)},${y(v).toFixed(1)}`)).filter(Boolean);
    if (pts.length === 0) return "";
    const legend = `<text x="${L + 8 + k * 150}" y="${T - 10}" font-size="11" fill="${s.color}">— ${esc(s.name)}</text>`;
    const dots = pts.map((p) => `<circle cx="${p!.split(",")[0]}" cy="${p!.split(",")[1]}" r="2.5" fill="${s.color}"/>`).join("");
    return `<polyline fill="none" stroke="${s.color}" stroke-width="2" points="${pts.join(" ")}"/>${dots}${legend}`;
  }).join("");
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" role="img" aria-label="${esc(title)}"><text x="${W / 2}" y="12" font-size="13" text-anchor="middle" font-weight="bold">${esc(title)}</text>${grid}${xlabels}<text x="${(L + W - R) / 2}" y="${H - 4}" font-size="11" text-anchor="middle">epoch</text>${lines}</svg>`;
}

function confusionTable(c: Confusion, names: string[]): string {
  const k = c.classes;
  const label = (i: number) => esc(names[i] ?? String(i));
  let max = 1;
  for (let i = 0; i < k; i++) for (const v of c.row(i)) max = Math.max(max, v);
  const head = `<tr><th>true \\ predicted</th>${Array.from({ length: k }, (_, i) => `<th>${label(i)}</th>`).join("")}<th>recall</th></tr>`;
  const body = Array.from({ length: k }, (_, t) => {
    const row = c.row(t);
    const n = row.reduce((a, b) => a + b, 0);
    const cells = row.map((v, p) => `<td style="background:rgba(${p === t ? "31,119,180" : "214,39,40"},${(v / max).toFixed(3)})">${v}</td>`).join("");
    return `<tr><th>${label(t)}</th>${cells}<td>${n ? ((100 * row[t]!) / n).toFixed(1) + " %" : ""}</td></tr>`;
  }).join("");
  return `<table>${head}${body}</table>`;
}
