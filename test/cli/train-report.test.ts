// The training report as a person sees it: written after every epoch and on Ctrl-C, keeping the
// whole run's history across --resume (kept in the checkpoint's metadata), rendered in headless
// chromium and inspected there: one point per epoch, round axis ticks, titles and legends that
// overlap nothing, and the run's command, hyperparameters, data and model.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readMetadata } from "../../src/fit/safetensors.ts";
import { htmlReport } from "../../src/fit/report.ts";
import { lineChart } from "../../src/fit/report-charts.ts";
import { CHROMIUM, CHROMIUM_FLAGS } from "../helpers/browser.ts";
import { dnncIn, interruptTraining, ROOT } from "../helpers/dnnc-cli.ts";

const MLP = join(ROOT, "samples/mlp_digits.dnn");
const TIMEOUT = 120_000;
const dnnc = (cwd: string, ...args: string[]) => dnncIn(cwd, TIMEOUT, ...args);

interface Box { x: number; y: number; width: number; height: number }
interface ChartLayout {
  title: string;
  svg: Box;
  titleBox: Box;
  legends: { text: string; box: Box }[];
  plot: Box;
  yTicks: { text: string; box: Box }[];
  xTicks: { text: string; box: Box }[];
  points: { series: string; epoch: number }[];
}

/** Every chart's parts as chromium lays them out. */
async function chartsOf(page: Page): Promise<ChartLayout[]> {
  // A script of its own: the tests are compiled without the DOM's types.
  return (await page.evaluate(`(() => {
    const box = (e) => {
      const r = e.getBoundingClientRect();
      return { x: r.x, y: r.y, width: r.width, height: r.height };
    };
    return [...document.querySelectorAll("svg.chart")].map((svg) => ({
      title: svg.querySelector("text.title").textContent,
      svg: box(svg),
      titleBox: box(svg.querySelector("text.title")),
      legends: [...svg.querySelectorAll("g.legend")].map((g) => ({ text: g.textContent, box: box(g) })),
      plot: box(svg.querySelector("g.plot")),
      yTicks: [...svg.querySelectorAll("text.tick.y")].map((t) => ({ text: t.textContent, box: box(t) })),
      xTicks: [...svg.querySelectorAll("text.tick.x")].map((t) => ({ text: t.textContent, box: box(t) })),
      points: [...svg.querySelectorAll("circle.point")].map((c) => ({ series: c.getAttribute("data-series"), epoch: Number(c.getAttribute("data-epoch")) })),
    }));
  })()`)) as ChartLayout[];
}

const intersect = (a: Box, b: Box) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
const inside = (a: Box, outer: Box) => a.x >= outer.x - 0.5 && a.y >= outer.y - 0.5 && a.x + a.width <= outer.x + outer.width + 0.5 && a.y + a.height <= outer.y + outer.height + 0.5;

/** Ticks a constant 1, 2 or 5 × 10^k apart, each a multiple of that step. */
function expectRound(labels: string[], what: string) {
  const v = labels.map(Number);
  expect(v.every(Number.isFinite), `${what}: ${labels}`).toBe(true);
  expect(v.length, what).toBeGreaterThanOrEqual(2);
  const step = v[1]! - v[0]!;
  const k = Math.floor(Math.log10(step) + 1e-9);
  expect([1, 2, 5].some((m) => Math.abs(step - m * 10 ** k) < 1e-9 * step), `${what}: step ${step} of ${labels}`).toBe(true);
  for (let i = 1; i < v.length; i++) expect(Math.abs(v[i]! - v[i - 1]! - step), `${what}: ${labels}`).toBeLessThan(step * 1e-6);
  for (const x of v) expect(Math.abs(x / step - Math.round(x / step)), `${what}: ${x} of ${labels}`).toBeLessThan(1e-6);
}

/** Nothing overlaps in any chart, ticks are round, and each series has one point per epoch. */
function expectReadable(charts: ChartLayout[], epochs: number[]) {
  for (const c of charts) {
    const boxes = [{ name: "title", box: c.titleBox }, ...c.legends.map((l) => ({ name: `legend ${l.text}`, box: l.box })), { name: "plot", box: c.plot }];
    for (let i = 0; i < boxes.length; i++) {
      expect(inside(boxes[i]!.box, c.svg), `${c.title}: ${boxes[i]!.name} outside its chart`).toBe(true);
      for (let j = i + 1; j < boxes.length; j++) expect(intersect(boxes[i]!.box, boxes[j]!.box), `${c.title}: ${boxes[i]!.name} over ${boxes[j]!.name}`).toBe(false);
    }
    for (const ticks of [c.xTicks, c.yTicks]) for (let i = 1; i < ticks.length; i++) expect(intersect(ticks[i - 1]!.box, ticks[i]!.box), `${c.title}: tick ${ticks[i]!.text}`).toBe(false);
    expectRound(c.yTicks.map((t) => t.text), `${c.title} y`);
    expectRound(c.xTicks.map((t) => t.text), `${c.title} x`);
    for (const s of new Set(c.points.map((p) => p.series))) expect(c.points.filter((p) => p.series === s).map((p) => p.epoch), `${c.title}: ${s}`).toEqual(epochs);
  }
  for (let i = 0; i < charts.length; i++) for (let j = i + 1; j < charts.length; j++) expect(intersect(charts[i]!.svg, charts[j]!.svg)).toBe(false);
}

describe("the training report in chromium", () => {
  let browser: Awaited<ReturnType<typeof chromium.launch>>;
  let page: Page;
  beforeAll(async () => {
    expect(existsSync(CHROMIUM), `${CHROMIUM} is missing (scripts/setup-webgpu.sh installs it)`).toBe(true);
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_FLAGS });
    page = await browser.newPage({ viewport: { width: 1000, height: 800 } });
  }, TIMEOUT);
  afterAll(async () => browser?.close());
  const open = async (path: string) => (await page.goto(pathToFileURL(path).href), page);

  it("is written after each epoch and on Ctrl-C (exit 130), and after --resume shows the whole run", async () => {
    const dir = mkdtempSync(join(tmpdir(), "dnnc-report-test-"));
    const { code } = await interruptTraining(dir, [MLP, "--epochs", "100000", "--checkpoint", "run.safetensors", "--report", "run.html"], 2, () =>
      // Written after each epoch, before the run ends.
      expect(readFileSync(join(dir, "run.html"), "utf8")).toMatch(/epoch \d+ of 100000 done, training/),
    );
    expect(code).toBe(130);
    const done = Number(readMetadata(readFileSync(join(dir, "run.safetensors")))["dnnc.train.epoch"]);
    expect(done).toBeGreaterThanOrEqual(2);
    const stopped = readFileSync(join(dir, "run.html"), "utf8");
    expect(stopped).toContain(`interrupted in epoch ${done + 1} of 100000 (resume with --resume run.safetensors)`);
    const first = await chartsOf(await open(join(dir, "run.html")));
    expectReadable(first, Array.from({ length: done }, (_, i) => i + 1));

    const resumed = dnnc(dir, "train", MLP, "--epochs", String(done + 2), "--resume", "run.safetensors", "--checkpoint", "run.safetensors", "--report", "run.html");
    expect(resumed.status).toBe(0);
    const all = Array.from({ length: done + 2 }, (_, i) => i + 1);
    const charts = await chartsOf(await open(join(dir, "run.html")));
    expect(charts.map((c) => c.title)).toEqual(["Loss", "Accuracy", "Learning rate"]);
    expectReadable(charts, all); // the first run's epochs and the resumed ones
    expect(charts[0]!.legends.map((l) => l.text)).toEqual(["training", "validation"]);
    const text = await page.innerText("body");
    expect(text).toContain(`dnnc train ${MLP} --epochs 100000 --checkpoint run.safetensors --report run.html`);
    expect(text).toContain(`dnnc train ${MLP} --epochs ${done + 2} --resume run.safetensors`);
    expect(text).toMatch(/optimizer\s+adam\(lr: 0\.003\)/);
    expect(text).toMatch(/batch size\s+32/);
    expect(text).toMatch(new RegExp(`epochs\\s+${done + 2}`));
    expect(text).toMatch(/training: digits\/train\S*, 1,350 examples of shape \[64\], 10 classes/);
    expect(text).toMatch(/test: digits\/test, 297 examples/);
    expect(text).toMatch(/dense \(Dense\)\s+f32\[B, 64\]\s+4,160/); // dnnc check --shapes's table
    expect(text).toMatch(/finished: \d+ epochs/);
    const rows = (await page.locator("table.epochs td:first-child").allTextContents()).map(Number);
    expect(rows).toEqual(all);
  }, TIMEOUT);

  it("long legends wrap below the title, and many epochs of awkward values get round ticks", async () => {
    const history = Array.from({ length: 37 }, (_, i) => ({
      epoch: i + 1, loss: 2.3456 / (i + 1) + 0.0123, accuracy: 0.61 + i * 0.0091, valLoss: 2.41 / (i + 1) + 0.03, valAccuracy: 0.6 + i * 0.0089,
      lr: 0.003 * 0.5 ** Math.floor(i / 10), seconds: 1.3, examplesPerSecond: 1000,
    }));
    const wide = lineChart("Accuracy, long names", history.map((h) => h.epoch), [
      { name: "training accuracy, sampled every few batches", values: history.map((h) => h.accuracy), color: "#000" },
      { name: "validation accuracy", values: history.map((h) => h.valAccuracy), color: "#f00" },
    ]);
    const html = htmlReport({ title: "a run", history, classes: [], seconds: 40 }).replace('<div class="charts">', `<div class="charts">${wide}`);
    const dir = mkdtempSync(join(tmpdir(), "dnnc-report-test-"));
    writeFileSync(join(dir, "r.html"), html);
    const charts = await chartsOf(await open(join(dir, "r.html")));
    const accuracy = charts.find((c) => c.title === "Accuracy, long names")!;
    expect(new Set(accuracy.legends.map((l) => Math.round(l.box.y))).size).toBe(2); // two rows
    expectReadable(charts, history.map((h) => h.epoch));
  }, TIMEOUT);
});
