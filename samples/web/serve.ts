// Compiles samples/mlp_digits.dnn for WebGPU (--target wgsl) and for WebAssembly (--target wasm,
// the page's fallback where WebGPU is unavailable) and serves the page that trains it:
//   npx tsx samples/web/serve.ts [port]      (then open the URL it prints in a browser)
// The browser test (test/browser/digits.test.ts) serves the page through serveDigits too.
import { fileURLToPath, pathToFileURL } from "node:url";
import { compile } from "../../src/compiler.ts";
import { generate } from "../../src/backend/targets.ts";
import { serve, type Served } from "./server.ts";

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export async function serveDigits(port = 0): Promise<Served> {
  const { models, diagnostics } = compile(here("../mlp_digits.dnn"));
  if (models.length === 0) throw new Error(`samples/mlp_digits.dnn did not compile:\n${diagnostics.map((d) => d.message).join("\n")}`);
  const [wgsl, wasm] = await Promise.all([generate("wgsl", models, "mlp_digits.dnn"), generate("wasm", models, "mlp_digits.dnn")]);
  return serve({
    port,
    // main.ts imports ../../src/data/random.ts, which the browser resolves to /src/data/random.ts.
    mounts: { "/": here("."), "/data/": here("../data/digits"), "/src/data/": here("../../src/data") },
    // main.ts's MODULES names these paths.
    files: { "/generated/mlp_digits.wgsl.ts": wgsl.module, "/generated/mlp_digits.wasm.ts": wasm.module },
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const served = await serveDigits(Number(process.argv[2] ?? 8080));
  console.log(`serving the digits sample at ${served.url} (Ctrl-C to stop)`);
}
