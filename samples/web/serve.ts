// Compiles samples/mlp_digits.dnn for WebGPU (--target wgsl) and for the CPU (--target wasm, the
// page's fallback where WebGPU is unavailable), writes both modules to generated/ (where the
// page, and tsc checking it against their types, find them) and serves the page that trains it:
//   npx tsx samples/web/serve.ts [port]      (then open the URL it prints in a browser)
//   npx tsx samples/web/serve.ts --generate  (only write generated/, for tsc -p samples/web)
// The browser test (test/browser/digits.test.ts) serves the page through serveDigits too.
import { mkdirSync, writeFileSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";
import { compile } from "../../src/compiler.ts";
import { generate } from "../../src/backend/targets.ts";
import { serve, type Served } from "./server.ts";

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/** Writes generated/mlp_digits.wgsl.ts and generated/mlp_digits.wasm.ts, the modules main.ts imports. */
export async function generateModules(): Promise<void> {
  const { models, diagnostics } = compile(here("../mlp_digits.dnn"));
  if (models.length === 0) throw new Error(`samples/mlp_digits.dnn did not compile:\n${diagnostics.map((d) => d.message).join("\n")}`);
  const [wgsl, wasm] = await Promise.all([generate("wgsl", models, "mlp_digits.dnn"), generate("wasm", models, "mlp_digits.dnn")]);
  mkdirSync(here("generated"), { recursive: true });
  writeFileSync(here("generated/mlp_digits.wgsl.ts"), wgsl.module);
  writeFileSync(here("generated/mlp_digits.wasm.ts"), wasm.module);
}

export async function serveDigits(port = 0): Promise<Served> {
  await generateModules();
  return serve({ port, mounts: { "/": here("."), "/data/": here("../data/digits") } });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  if (process.argv[2] === "--generate") {
    await generateModules();
    console.log(`wrote ${here("generated/")}mlp_digits.wgsl.ts and mlp_digits.wasm.ts`);
  } else {
    const served = await serveDigits(Number(process.argv[2] ?? 8080));
    console.log(`serving the digits sample at ${served.url} (Ctrl-C to stop)`);
  }
}
