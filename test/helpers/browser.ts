// WebGPU in a real browser for tests: Debian's chromium (scripts/setup-webgpu.sh installs it),
// headless, driven by playwright-core, computing on its bundled SwiftShader (DESIGN.md §7); and
// the same browser without WebGPU, for pages that fall back. Where no browser or adapter can be
// had, the tests fail, saying why.
import { existsSync } from "node:fs";
import { chromium, type Browser, type Page } from "playwright-core";
import type {} from "webgpu"; // the WebGPU types only: the page's navigator.gpu, not Dawn

export { serve, type Served } from "../../samples/web/server.ts";

export const CHROMIUM = "/usr/bin/chromium";
/** What gives chromium WebGPU: without these flags it has navigator.gpu, but no adapter. */
export const WEBGPU_FLAGS = [
  // WebGPU on Linux is behind a flag, and SwiftShader (a CPU Vulkan) is no adapter by default.
  "--enable-unsafe-webgpu",
  "--enable-unsafe-swiftshader",
  "--use-webgpu-adapter=swiftshader",
];
export const CHROMIUM_FLAGS = [
  // Containers run as root without user namespaces; and no traffic beyond 127.0.0.1.
  "--no-sandbox",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

export interface WebgpuPage {
  page: Page;
  /** Uncaught errors and console errors of the page, in order, for failure messages. */
  errors: string[];
  close(): Promise<void>;
}

/**
 * A headless chromium page at `url` (which must be http://127.0.0.1…: WebGPU needs a secure
 * context) with a WebGPU adapter, or why there is none.
 */
export async function webgpuPage(url: string): Promise<WebgpuPage | string> {
  const opened = await chromiumPage(url, [...WEBGPU_FLAGS, ...CHROMIUM_FLAGS]);
  if (typeof opened === "string" || !opened.noAdapter) return opened;
  await opened.close();
  return `no WebGPU adapter in chromium ${opened.version}: ${opened.noAdapter}`;
}

/** A headless chromium page at `url` without WebGPU (no adapter), for pages that fall back; or why it has one. */
export async function pageWithoutWebgpu(url: string): Promise<WebgpuPage | string> {
  const opened = await chromiumPage(url, CHROMIUM_FLAGS);
  if (typeof opened === "string" || opened.noAdapter) return opened;
  await opened.close();
  return `chromium ${opened.version} has a WebGPU adapter even without ${WEBGPU_FLAGS.join(" ")}`;
}

/** The page, with why navigator.gpu gives it no adapter ("" when it does); or why there is no browser. */
async function chromiumPage(url: string, args: string[]): Promise<(WebgpuPage & { noAdapter: string; version: string }) | string> {
  if (!existsSync(CHROMIUM)) return `no browser: ${CHROMIUM} is missing (run scripts/setup-webgpu.sh as root to install Debian's chromium)`;
  let browser: Browser;
  try {
    // playwright's headless mode is chromium's "new" headless (the full browser), which has WebGPU.
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args });
  } catch (e) {
    return `chromium did not start: ${(e as Error).message.split("\n")[0]}`;
  }
  const errors: string[] = [];
  let page: Page, noAdapter: string;
  try {
    page = await browser.newPage();
    page.on("pageerror", (e) => errors.push(e.message));
    page.on("console", (m) => void (m.type() === "error" && errors.push(m.text())));
    await page.goto(url);
    noAdapter = await page.evaluate(async () => {
      const gpu = (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu; // in the page
      if (!gpu) return "navigator.gpu is undefined";
      return (await gpu.requestAdapter()) ? "" : "requestAdapter() returned null";
    });
  } catch (e) {
    await browser.close();
    throw e;
  }
  return { page, errors, noAdapter, version: browser.version(), close: () => browser.close() };
}

/** Fails a browser test that cannot run, saying why (the README's set-up command installs chromium). */
export function browserUnavailable(reason: string): never {
  throw new Error(reason);
}
