// The training report: one self-contained HTML file (no scripts, no external assets), rewritten
// after every epoch and when a run stops, so it can be watched in a browser while training goes
// on. It has the curves per epoch (loss, accuracy or a regression's metrics, learning rate), the
// command, hyperparameters, data and model summary (report-charts.ts draws the charts), the test
// set's confusion matrix or error, and for a model trained on its input alone, test images beside
// their reconstructions.
import type { EpochStats, Evaluation } from "./loop.ts";
import type { Confusion } from "../runtime/metrics.ts";
import { reconstructionPanel, type Reconstructions } from "./report-images.ts";
import { lineChart } from "./report-charts.ts";
import type { RunDescription } from "./run-description.ts";

export interface ReportInput {
  title: string;
  /** The whole run's epochs, those of earlier runs it resumed included. */
  history: EpochStats[];
  run?: RunDescription;
  /** Where the run is: "epoch 3 of 10", "interrupted in epoch 4 of 10", "finished". */
  status?: string;
  test?: Evaluation & { examples: number };
  reconstructions?: Reconstructions;
  classes: string[];
  seconds: number;
}

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
const TRAIN = "#1f77b4", VALIDATION = "#ff7f0e";
const METRIC_NAMES: Record<string, string> = { mse: "Mean squared error", mae: "Mean absolute error" };

export function htmlReport(r: ReportInput): string {
  const epochs = r.history.map((h) => h.epoch);
  const metricNames = [...new Set(r.history.flatMap((h) => [...Object.keys(h.metrics ?? {}), ...Object.keys(h.valMetrics ?? {})]))];
  const charts = [
    lineChart("Loss", epochs, [
      { name: "training", values: r.history.map((h) => h.loss), color: TRAIN },
      { name: "validation", values: r.history.map((h) => h.valLoss), color: VALIDATION },
    ]),
    lineChart("Accuracy", epochs, [
      { name: "training (sampled)", values: r.history.map((h) => h.accuracy), color: TRAIN },
      { name: "validation", values: r.history.map((h) => h.valAccuracy), color: VALIDATION },
    ]),
    ...metricNames.map((m) =>
      lineChart(METRIC_NAMES[m] ?? m, epochs, [
        { name: "training", values: r.history.map((h) => h.metrics?.[m]), color: TRAIN },
        { name: "validation", values: r.history.map((h) => h.valMetrics?.[m]), color: VALIDATION },
      ]),
    ),
    lineChart("Learning rate", epochs, [{ name: "learning rate", values: r.history.map((h) => h.lr), color: "#2ca02c" }]),
  ].join("");
  const t = r.test;
  const examples = t && `${t.examples.toLocaleString("en-US")} examples`;
  const testMetrics = t?.metrics ? Object.entries(t.metrics).map(([k, v]) => `${k.toUpperCase()} ${v.toPrecision(4)}, `).join("") : "";
  const test = !t
    ? ""
    : t.confusion
      ? `<h2>Test set: accuracy ${(t.confusion.accuracy * 100).toFixed(2)} %, loss ${t.loss.toFixed(4)} (${examples})</h2>${confusionTable(t.confusion, r.classes)}`
      : `<h2>Test set: ${t.reconstructionMse === undefined ? "" : `reconstruction MSE ${t.reconstructionMse.toFixed(5)}, `}${testMetrics}loss ${t.loss.toFixed(4)} (${examples})</h2>`;
  const images = r.reconstructions ? reconstructionPanel(r.reconstructions) : "";
  // A model trained without labels has no accuracy: its table leaves those columns out.
  const accuracy = r.history.some((h) => h.accuracy !== undefined);
  const cells = (h: EpochStats) => [
    h.epoch, h.loss.toFixed(4), ...(accuracy ? [h.accuracy?.toFixed(4) ?? ""] : []), ...metricNames.map((m) => h.metrics?.[m]?.toPrecision(4) ?? ""),
    h.valLoss?.toFixed(4) ?? "", ...(accuracy ? [h.valAccuracy?.toFixed(4) ?? ""] : []), ...metricNames.map((m) => h.valMetrics?.[m]?.toPrecision(4) ?? ""),
    h.lr?.toPrecision(3) ?? "", h.seconds.toFixed(1),
  ];
  const head = ["epoch", "loss", ...(accuracy ? ["accuracy"] : []), ...metricNames, "val loss", ...(accuracy ? ["val accuracy"] : []), ...metricNames.map((m) => `val ${m}`), "lr", "seconds"];
  const rows = r.history.map((h) => `<tr>${cells(h).map((c) => `<td>${c}</td>`).join("")}</tr>`).join("");
  const run = r.run;
  const about = !run
    ? ""
    : `<h2>Run</h2>
<table class="hyperparameters">${run.hyperparameters.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${esc(v)}</td></tr>`).join("")}</table>
<h2>Data</h2>
<ul class="data">${run.data.map((d) => `<li>${esc(d)}</li>`).join("")}</ul>
<h2>Model</h2>
<pre class="summary">${esc(run.summary)}</pre>`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(r.title)}</title>
<style>body{font:14px system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse}td,th{padding:3px 8px;text-align:right;border:1px solid #ddd}.hyperparameters th,.hyperparameters td{text-align:left}code{background:#f4f4f4;padding:2px 4px;overflow-wrap:anywhere}pre{background:#f8f8f8;padding:8px;overflow-x:auto}.charts{display:flex;gap:2em;flex-wrap:wrap}.recon{display:flex;gap:1em;flex-wrap:wrap}.recon img{width:84px;image-rendering:pixelated;margin-right:2px}figure{margin:0;text-align:center}</style>
</head><body>
<h1>${esc(r.title)}</h1>
${run ? commandsOf(run.commands) : ""}
<p class="status">${r.status ? `${esc(r.status)} — ` : ""}${r.history.length} epoch${r.history.length === 1 ? "" : "s"} shown, ${r.seconds.toFixed(0)} s in this run</p>
<div class="charts">${charts}</div>
${test}
${images}
${about}
<h2>Epochs</h2>
<table class="epochs"><tr>${head.map((c) => `<th>${c}</th>`).join("")}</tr>${rows}</table>
</body></html>
`;
}

/** The command, or the commands of a run resumed: the first started it, each later one went on. */
function commandsOf(commands: string[]): string {
  if (commands.length === 1) return `<p class="command"><code>${esc(commands[0]!)}</code></p>`;
  return `<p>Started, then resumed, by:</p><ol class="command">${commands.map((c) => `<li><code>${esc(c)}</code></li>`).join("")}</ol>`;
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
