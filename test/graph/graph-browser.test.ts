// dnnc graph's SVG as chromium draws it: every box's text fits inside its box (the renderer
// estimates text widths without a browser; this measures them), and the page loads with no error.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { graph } from "../../src/api.ts";
import { browserUnavailable, pageWithoutWebgpu, type WebgpuPage } from "../helpers/browser.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));

/** Run in the page (a string: this project's types have no DOM): each box's texts against its rect. */
const MEASURE = `(() => {
  const outside = [];
  const nodes = document.querySelectorAll("g.node");
  for (const g of nodes) {
    const box = g.querySelector("rect").getBBox();
    for (const t of g.querySelectorAll("text")) {
      const b = t.getBBox();
      const inside = b.x >= box.x && b.x + b.width <= box.x + box.width && b.y >= box.y && b.y + b.height <= box.y + box.height;
      if (!inside) outside.push(g.getAttribute("data-id") + ": " + JSON.stringify(t.textContent) + " is " + b.width.toFixed(1) + "x" + b.height.toFixed(1) + " at " + b.x.toFixed(1) + "," + b.y.toFixed(1) + "; box " + box.width + "x" + box.height + " at " + box.x + "," + box.y);
    }
  }
  return { nodes: nodes.length, outside };
})()`;

describe("dnnc graph in chromium", () => {
  let page: WebgpuPage;
  beforeAll(async () => {
    const opened = await pageWithoutWebgpu("about:blank");
    if (typeof opened === "string") browserUnavailable(opened);
    page = opened;
  }, 60_000);
  afterAll(async () => page?.close());

  for (const name of ["mnist_cnn", "resnet_small", "transfer", "vit_fashion"]) {
    it(`${name}: every label lies inside its box`, async () => {
      const r = graph({ path: join(ROOT, "samples", `${name}.dnn`), format: "html" });
      expect(r.ok).toBe(true);
      await page.page.setContent(r.text!);
      const measured = (await page.page.evaluate(MEASURE)) as { nodes: number; outside: string[] };
      expect(measured.nodes).toBeGreaterThan(5);
      expect(measured.outside).toEqual([]);
      expect(page.errors).toEqual([]);
    });
  }

  it("with --kernels (the training step's, with the loss's operations as boxes): every label lies inside its box", async () => {
    const r = graph({ path: join(ROOT, "samples", "mlp_digits.dnn"), format: "html", kernels: "train_step" });
    expect(r.ok).toBe(true);
    await page.page.setContent(r.text!);
    const measured = (await page.page.evaluate(MEASURE)) as { nodes: number; outside: string[] };
    expect(measured.nodes).toBeGreaterThan(8);
    expect(measured.outside).toEqual([]);
  });

  it("resnet_small's HTML folds each residual block's layers in a <details>", async () => {
    const r = graph({ path: join(ROOT, "samples", "resnet_small.dnn"), format: "html" });
    await page.page.setContent(r.text!);
    expect(await page.page.evaluate(`[...document.querySelectorAll("details > summary code:first-child")].map((c) => c.textContent)`)).toEqual([
      "residual_block", "residual_block_1", "residual_block_2", "residual_block_3", "residual_block_4", "residual_block_5",
    ]);
  });
});
