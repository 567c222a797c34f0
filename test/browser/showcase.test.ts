// samples/web as a showcase, in headless chromium: built by build.ts (the esbuild plugin, the
// API's graph()) and served, the page trains DigitsMLP on WebGPU (SwiftShader), and, launched
// without WebGPU, on the CPU fallback; the chart gains one point per series at each epoch's end;
// a stroke drawn on the pad with the mouse gives ten probabilities and the likeliest digit; the
// model's diagram is in the page. Without a browser (or, for WebGPU, an adapter) a test fails, saying why.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serveDigits } from "../../samples/web/serve.ts";
import { browserUnavailable, pageWithoutWebgpu, webgpuPage, type Served, type WebgpuPage } from "../helpers/browser.ts";

const EPOCHS = 3;

/** window.dnncResult, as samples/web/main.ts sets it. */
type DnncResult = { backend: "webgpu" | "wasm"; finalLoss: number; epochs: number; fallback?: string } | { error: string };
/** What the callbacks below see in the page, where globalThis is window (this project's types have no DOM). */
type PageGlobals = { dnncResult?: DnncResult; chartUpdates: number[][] };

/**
 * Run in the page before its scripts: records, after each redrawing of the chart, the epoch the
 * status line names (0 before the first) and the loss and accuracy points drawn.
 */
const RECORD_CHART_UPDATES = `
  window.chartUpdates = [];
  new MutationObserver((records) => {
    const chart = document.getElementById("chart");
    if (!records.some((r) => r.target === chart)) return;
    const epoch = Number(/^epoch (\\d+)\\//.exec(document.getElementById("status").textContent)?.[1] ?? 0);
    window.chartUpdates.push([epoch, chart.querySelectorAll("circle.loss").length, chart.querySelectorAll("circle.accuracy").length]);
  }).observe(document, { childList: true, subtree: true });`;

/** Run in the page (a string: this project's types have no DOM): the legend's entries' boxes and the plot's top. */
const LEGEND_AND_PLOT = `(() => {
  const box = (e) => { const { x, y, width, height } = e.getBBox(); return { x, y, width, height }; };
  return { frameTop: box(document.querySelector("#chart .frame")).y, entries: [...document.querySelectorAll("#chart text.legend")].map(box) };
})()`;

let served: Served;
beforeAll(async () => void (served = await serveDigits()), 60_000);
afterAll(async () => served?.close());

/** Opens the page (after the recorder is in place) and waits for training to end; checks the chart. */
async function trainedPage(browser: WebgpuPage | string): Promise<{ page: WebgpuPage["page"]; result: DnncResult & { backend: string } }> {
  if (typeof browser === "string") return browserUnavailable(browser);
  const { page, errors } = browser;
  await page.addInitScript(RECORD_CHART_UPDATES);
  await page.goto(`${served.url}?epochs=${EPOCHS}`);
  await page.waitForFunction(() => (globalThis as unknown as PageGlobals).dnncResult !== undefined, undefined, { polling: 250, timeout: 50_000 });
  const result = (await page.evaluate(() => (globalThis as unknown as PageGlobals).dnncResult))!;
  expect(errors).toEqual([]);
  if ("error" in result) throw new Error(`the page failed: ${result.error}`);
  expect(result.epochs).toBe(EPOCHS);

  // The chart was drawn empty, then once per epoch, each time with one more point per series.
  const updates = await page.evaluate(() => (globalThis as unknown as PageGlobals).chartUpdates);
  expect(updates).toEqual([[0, 0, 0], [1, 1, 1], [2, 2, 2], [3, 3, 3]]);
  // Each point is its epoch's: the last loss point is the loss fit() ended with.
  const titles = await page.locator("#chart circle.loss title").allTextContents();
  expect(titles).toHaveLength(EPOCHS);
  expect(titles.at(-1)).toBe(`epoch ${EPOCHS}: training loss ${result.finalLoss.toFixed(4)}`);
  expect(await page.locator("#chart polyline.accuracy").getAttribute("points")).toMatch(/^([\d.]+,[\d.]+ ){2}[\d.]+,[\d.]+$/);
  // The legend's two entries sit side by side above the plot, overlapping neither each other nor it.
  const legend = (await page.evaluate(LEGEND_AND_PLOT)) as { frameTop: number; entries: { x: number; y: number; width: number; height: number }[] };
  expect(legend.entries).toHaveLength(2);
  for (const e of legend.entries) expect(e.y + e.height).toBeLessThanOrEqual(legend.frameTop);
  expect(legend.entries[0]!.x + legend.entries[0]!.width).toBeLessThan(legend.entries[1]!.x);
  return { page, result: result as DnncResult & { backend: string } };
}

/** Draws on the pad with the mouse (real pointer events); `points` are in 0..1 of the pad's box. */
async function draw(page: WebgpuPage["page"], points: [number, number][]): Promise<void> {
  const pad = page.locator("#pad");
  await pad.scrollIntoViewIfNeeded();
  const box = (await pad.boundingBox())!;
  const at = ([x, y]: [number, number]) => [box.x + x * box.width, box.y + y * box.height] as const;
  await page.mouse.move(...at(points[0]!));
  await page.mouse.down();
  for (const p of points.slice(1)) await page.mouse.move(...at(p), { steps: 2 });
  await page.mouse.up();
}

/** The bars' probabilities and the digit the page names, once it names one. */
async function prediction(page: WebgpuPage["page"]): Promise<{ predicted: string; probabilities: number[]; best: string[] }> {
  await page.locator("#predicted", { hasText: /./ }).waitFor({ timeout: 20_000 });
  return {
    predicted: (await page.locator("#predicted").textContent())!,
    probabilities: (await page.locator("#bars .bar").evaluateAll((bars) => bars.map((b) => Number((b as unknown as { dataset: { probability: string } }).dataset.probability)))),
    best: await page.locator("#bars .bar.best").evaluateAll((bars) => bars.map((b) => (b as unknown as { dataset: { digit: string } }).dataset.digit)),
  };
}

/** A "0": an ellipse, taller than wide, as the digits' zeros are. */
const ZERO = Array.from({ length: 25 }, (_, i): [number, number] => [0.5 + 0.22 * Math.sin((i / 24) * 2 * Math.PI), 0.5 - 0.38 * Math.cos((i / 24) * 2 * Math.PI)]);
/** A "1": a stroke down the middle. */
const ONE: [number, number][] = [[0.5, 0.12], [0.5, 0.5], [0.5, 0.88]];

/** The model's input as the page shows it (#input: 8×8, grey 255·(1 − v/16)), as rows of counts 0..16. */
async function modelInput(page: WebgpuPage["page"]): Promise<number[][]> {
  const shades = await page.locator("#input").evaluate((c) => [...(c as unknown as { getContext(k: "2d"): { getImageData(...a: number[]): { data: number[] } } }).getContext("2d").getImageData(0, 0, 8, 8).data]);
  return Array.from({ length: 8 }, (_, row) => Array.from({ length: 8 }, (_, col) => Math.round(16 * (1 - shades[(row * 8 + col) * 4]! / 255))));
}

async function checkDrawing(page: WebgpuPage["page"]): Promise<void> {
  for (const [digit, stroke] of [["0", ZERO], ["1", ONE]] as const) {
    await draw(page, [...stroke]);
    const { predicted, probabilities, best } = await prediction(page);
    expect(probabilities).toHaveLength(10);
    expect(probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    expect(probabilities.every((p) => p >= 0 && p <= 1)).toBe(true);
    expect(best).toEqual([String(probabilities.indexOf(Math.max(...probabilities)))]);
    expect(predicted).toBe(best[0]);
    expect(predicted).toBe(digit);
    // The model saw the UCI digits' 8×8 counts of 0..16: the digit filling the height, centred,
    // a 1 as ink in the middle columns alone, a 0 as a ring with an empty middle.
    const input = await modelInput(page);
    expect(input.flat().every((v) => Number.isInteger(v) && v >= 0 && v <= 16)).toBe(true);
    expect(input.every((row) => row.some((v) => v > 0))).toBe(true);
    if (digit === "1") expect(input.map((row) => row.map((v, col) => (v > 0 ? col : -1)).filter((c) => c >= 0))).toEqual(Array(8).fill([3, 4]));
    else expect(input.slice(3, 5).map((row) => row.slice(3, 5))).toEqual([[0, 0], [0, 0]]);
    await page.locator("#clear").click();
    expect(await page.locator("#predicted").textContent()).toBe("");
    expect(await page.locator("#bars .bar.best").count()).toBe(0);
  }
}

describe("samples/web showcase on WebGPU (SwiftShader)", () => {
  let browser: WebgpuPage | string;
  beforeAll(async () => void (browser = await webgpuPage(`${served.url}main.js`)), 60_000);
  afterAll(async () => void (typeof browser === "object" && (await browser.close())));

  it(`trains ${EPOCHS} epochs, the chart gaining a point per series at each, and says it is on WebGPU`, async () => {
    const { page, result } = await trainedPage(browser);
    expect(result).toMatchObject({ backend: "webgpu" });
    expect(await page.locator("#backend").textContent()).toBe("on WebGPU");
    expect(await page.locator("#backend").getAttribute("data-backend")).toBe("webgpu");
  }, 60_000);

  it("a drawn 0 and a drawn 1 give ten probabilities summing to 1 and the digit drawn", async () => {
    if (typeof browser === "string") return browserUnavailable(browser);
    await checkDrawing(browser.page);
    expect(browser.errors).toEqual([]);
  }, 30_000);

  it("shows the model's diagram from dnnc graph: input, both Dense layers, output, loss and optimizer", async () => {
    if (typeof browser === "string") return browserUnavailable(browser);
    const diagram = browser.page.locator("#model figure svg");
    expect(await diagram.getAttribute("aria-label")).toBe("diagram of model DigitsMLP");
    expect(await diagram.locator("g.node").evaluateAll((nodes) => nodes.map((n) => n.getAttribute("data-id")).sort())).toEqual(["input:x", "layer0", "layer1", "output:logits"]);
    const text = await diagram.textContent();
    for (const label of ["dense (Dense)", "4,160 params", "dense_1 (Dense)", "650 params", "loss = sparse_cross_entropy(logits, y)", "optimizer = adam(lr: 0.003)"]) expect(text).toContain(label);
  });
});

describe("samples/web showcase without WebGPU, on the CPU fallback", () => {
  let browser: WebgpuPage | string;
  beforeAll(async () => void (browser = await pageWithoutWebgpu(`${served.url}main.js`)), 60_000);
  afterAll(async () => void (typeof browser === "object" && (await browser.close())));

  it(`trains ${EPOCHS} epochs on WebAssembly, says so and why, and predicts drawn digits`, async () => {
    const { page, result } = await trainedPage(browser);
    expect(result).toMatchObject({ backend: "wasm", fallback: expect.stringMatching(/WebGPU found no adapter/) });
    expect(await page.locator("#backend").getAttribute("data-backend")).toBe("wasm");
    expect(await page.locator("#backend").textContent()).toMatch(/^on the CPU \(WebAssembly\): WebGPU is unavailable here/);
    await checkDrawing(page);
  }, 60_000);
});
