// Takes docs/images/showcase.png, the README's picture of samples/web: the page built and served
// (samples/web/serve.ts), DigitsMLP trained 20 epochs in headless chromium on WebGPU
// (SwiftShader), a "3" drawn on the pad with the mouse, and the page captured through the
// DevTools protocol (playwright's page.screenshot does not return on some headless set-ups).
// Usage: npx tsx scripts/screenshot-showcase.ts [out.png]
import { writeFileSync } from "node:fs";
import { serveDigits } from "../samples/web/serve.ts";
import { webgpuPage } from "../test/helpers/browser.ts";

const out = process.argv[2] ?? "docs/images/showcase.png";
const served = await serveDigits();
const browser = await webgpuPage(`${served.url}?epochs=20`);
if (typeof browser === "string") throw new Error(browser);
const { page } = browser;
try {
  await page.setViewportSize({ width: 1100, height: 900 });
  await page.waitForFunction(() => (globalThis as { dnncResult?: unknown }).dnncResult !== undefined, undefined, { polling: 500, timeout: 240_000 });
  // A "3": two arcs, one above the other, open to the left.
  const arc = (cy: number, ry: number, from: number) =>
    Array.from({ length: 13 }, (_, i) => [0.5 + 0.23 * Math.cos(from + (i / 12) * Math.PI * 1.3), cy + ry * Math.sin(from + (i / 12) * Math.PI * 1.3)] as const);
  const stroke = [...arc(0.3, 0.17, -Math.PI * 0.8), ...arc(0.67, 0.2, -Math.PI * 0.5)];
  const box = (await page.locator("#pad").boundingBox())!;
  const at = ([x, y]: readonly [number, number]) => [box.x + x * box.width, box.y + y * box.height] as const;
  await page.mouse.move(...at(stroke[0]!));
  await page.mouse.down();
  for (const p of stroke.slice(1)) await page.mouse.move(...at(p), { steps: 3 });
  await page.mouse.up();
  await page.locator("#predicted", { hasText: /./ }).waitFor();
  const cdp = await page.context().newCDPSession(page);
  const { data } = await cdp.send("Page.captureScreenshot", { format: "png", captureBeyondViewport: true });
  writeFileSync(out, Buffer.from(data, "base64"));
  console.log(`wrote ${out}: predicted ${await page.locator("#predicted").textContent()}, ${await page.locator("#result").textContent()}`);
} finally {
  await browser.close();
  await served.close();
}
