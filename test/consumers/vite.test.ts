// A Vite project as `npm create vite` writes from its vanilla-ts template (the template's
// tsconfig.json, its `tsc && vite build`), whose src/main.ts imports the generated `.ts` module:
// type-checked by TypeScript's API, built by Vite's, and the built page run in headless chromium,
// where it trains DigitsMLP and shows the losses, which must be finite and falling.
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { pageWithoutWebgpu, serve, type Served, type WebgpuPage } from "../helpers/browser.ts";
import { expectLearning, packageJson, project, requireFromRoot, ROOT, trainingProgram } from "./project.ts";

/** tsconfig.json of create-vite's vanilla-ts template (create-vite 7, TypeScript 5.x), unchanged. */
const VANILLA_TS_TSCONFIG = {
  compilerOptions: {
    target: "ES2022",
    useDefineForClassFields: true,
    module: "ESNext",
    lib: ["ES2022", "DOM", "DOM.Iterable"],
    types: ["vite/client"],
    skipLibCheck: true,

    /* Bundler mode */
    moduleResolution: "bundler",
    allowImportingTsExtensions: true,
    verbatimModuleSyntax: true,
    moduleDetection: "force",
    noEmit: true,

    /* Linting */
    strict: true,
    noUnusedLocals: true,
    noUnusedParameters: true,
    erasableSyntaxOnly: true,
    noFallthroughCasesInSwitch: true,
    noUncheckedSideEffectImports: true,
  },
  include: ["src"],
};

const INDEX_HTML = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="UTF-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1.0" />
    <title>digits</title>
  </head>
  <body>
    <div id="app"></div>
    <script type="module" src="/src/main.ts"></script>
  </body>
</html>
`;

const p = project("vite");
let served: Served | undefined;
let browser: WebgpuPage | string | undefined;
afterAll(async () => {
  if (typeof browser === "object") await browser.close();
  await served?.close();
  p.remove();
});

/**
 * `tsc` of the project through TypeScript's API, as `npm run build` runs it. The project's
 * node_modules (where `npm install` would put vite, for `types: ["vite/client"]`) is read from
 * the repository's: the compiler host maps the path, nothing is linked on disk.
 */
function typecheck(dir: string): string {
  const ts = requireFromRoot("typescript") as typeof import("typescript");
  const parsed = ts.getParsedCommandLineOfConfigFile(join(dir, "tsconfig.json"), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => void console.error(d.messageText) })!;
  const host = ts.createCompilerHost(parsed.options);
  const modules = join(dir, "node_modules");
  const mapped = (path: string) => (path === modules || path.startsWith(modules + "/") ? join(ROOT, "node_modules", path.slice(modules.length)) : path);
  const { fileExists, readFile, directoryExists, getDirectories, getSourceFile } = host;
  Object.assign(host, {
    fileExists: (f: string) => fileExists.call(host, mapped(f)),
    readFile: (f: string) => readFile.call(host, mapped(f)),
    directoryExists: (d: string) => directoryExists!.call(host, mapped(d)),
    getDirectories: (d: string) => getDirectories!.call(host, mapped(d)),
    getSourceFile: (f: string, ...rest: [never]) => getSourceFile.call(host, mapped(f), ...rest),
    realpath: (f: string) => f,
  });
  const program = ts.createProgram({ rootNames: parsed.fileNames, options: parsed.options, host, configFileParsingDiagnostics: parsed.errors });
  const diagnostics = ts.getPreEmitDiagnostics(program);
  return ts.formatDiagnostics(diagnostics, { getCanonicalFileName: (f) => f, getCurrentDirectory: () => dir, getNewLine: () => "\n" });
}

describe("a Vite vanilla-ts project importing the generated module", () => {
  it("passes tsc, builds with vite, and the built page trains in chromium: the loss finite and falling", async () => {
    p.write({
      "package.json": packageJson("digits-vite", { scripts: { dev: "vite", build: "tsc && vite build", preview: "vite preview" } }),
      "tsconfig.json": JSON.stringify(VANILLA_TS_TSCONFIG, null, 2) + "\n",
      "index.html": INDEX_HTML,
      "src/main.ts": trainingProgram("./mlp_digits.ts", (losses) => `document.querySelector<HTMLDivElement>("#app")!.textContent = JSON.stringify(${losses})`),
    });
    p.compile("mlp_digits.dnn", "ts", "ts", "src");
    expect(typecheck(p.dir)).toBe("");

    const { build } = (await import("vite")) as typeof import("vite");
    await build({ root: p.dir, configFile: false, logLevel: "silent" });

    served = await serve({ mounts: { "/": join(p.dir, "dist") } });
    browser = await pageWithoutWebgpu(served.url);
    if (typeof browser === "string") throw new Error(browser);
    const { page, errors } = browser;
    await page.waitForFunction(() => (globalThis as unknown as { document: { querySelector(s: string): { textContent: string } | null } }).document.querySelector("#app")?.textContent !== "", undefined, { timeout: 30_000 });
    expect(errors).toEqual([]);
    const losses = expectLearning((await page.locator("#app").textContent())!);
    console.log(`Vite vanilla-ts, built page in chromium ${browser.page.context().browser()?.version()}: loss ${losses[0]!.toFixed(3)} → ${losses.at(-1)!.toFixed(3)}`);
  }, 60_000);
});
