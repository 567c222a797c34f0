// Builds the showcase page into dist/ the way a user of the package would: the page's modules
// import the model from samples/mlp_digits.dnn through the esbuild plugin (`dnnc/esbuild`; this
// repository imports it from src/), and the model's diagram comes from the API's graph()
// (`dnnc graph`), drawn once here and embedded in index.html. Two bundles of the same .dnn file:
//   gpu-model.js  the WebGPU module (target "wgsl"), with main.js, the page;
//   cpu-model.js  the CPU module (target "wasm"), which the page loads only where WebGPU is missing.
// The wgsl build writes samples/mlp_digits.dnn.d.ts (the plugin's declarations, which type the
// import for tsc); the wasm build leaves it, so the file does not flip between targets.
import * as esbuild from "esbuild";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { formatDiagnostics, graph } from "../../src/api.ts";
import { dnnc } from "../../src/plugins/esbuild.ts";

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/** Where index.html takes the diagram. */
const DIAGRAM_SLOT = "<!-- dnnc graph -->";

export interface BuiltPage {
  /** The folder holding index.html and the bundles. */
  dir: string;
  /** Each bundle's size in bytes, by file name. */
  bytes: Record<string, number>;
}

/** Bundles the page into `outDir` (default samples/web/dist/); an error in the .dnn file throws esbuild's failure, with its location. */
export async function buildPage(outDir = here("dist")): Promise<BuiltPage> {
  mkdirSync(outDir, { recursive: true });
  const common: esbuild.BuildOptions = {
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    outdir: outDir,
    // The page imports the model modules by these names at run time, so that a browser loads only the one it uses.
    external: ["./gpu-model.js", "./cpu-model.js"],
    logLevel: "silent",
    metafile: true,
  };
  const [page, cpu] = await Promise.all([
    esbuild.build({ ...common, entryPoints: [here("main.ts"), here("gpu-model.ts")], plugins: [dnnc({ target: "wgsl" })] }),
    esbuild.build({ ...common, entryPoints: [here("cpu-model.ts")], plugins: [dnnc({ target: "wasm", declarations: false })] }),
  ]);
  const diagram = graph({ path: here("../mlp_digits.dnn"), format: "svg" });
  if (!diagram.ok) throw new Error(`dnnc graph samples/mlp_digits.dnn failed:\n${formatDiagnostics(diagram.diagnostics)}`);
  const html = readFileSync(here("index.html"), "utf8");
  if (!html.includes(DIAGRAM_SLOT)) throw new Error(`samples/web/index.html has no ${DIAGRAM_SLOT} for the diagram`);
  writeFileSync(`${outDir}/index.html`, html.replace(DIAGRAM_SLOT, diagram.text!));
  const bytes: Record<string, number> = {};
  for (const built of [page, cpu]) for (const [file, { bytes: n }] of Object.entries(built.metafile!.outputs)) bytes[file.split("/").at(-1)!] = n;
  return { dir: outDir, bytes };
}
