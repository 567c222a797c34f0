// Compiles samples/mlp_digits.dnn to WGSL and serves the page that trains it in the browser:
//   npx tsx samples/web/serve.ts [port]      (then open the URL it prints in a WebGPU browser)
// The browser test (test/browser/digits.test.ts) serves the page through serveDigits too.
import { fileURLToPath, pathToFileURL } from "node:url";
import { compile } from "../../src/compiler.ts";
import { generate } from "../../src/backend/targets.ts";
import { serve, type Served } from "./server.ts";

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export async function serveDigits(port = 0): Promise<Served> {
  const { models, diagnostics } = compile(here("../mlp_digits.dnn"));
  if (models.length === 0) throw new Error(`samples/mlp_digits.dnn did not compile:\n${diagnostics.map((d) => d.message).join("\n")}`);
  const { module } = await generate("wgsl", models, "mlp_digits.dnn");
  return serve({
    port,
    // main.ts imports ../../src/data/random.ts, which the browser resolves to /src/data/random.ts.
    mounts: { "/": here("."), "/data/": here("../data/digits"), "/src/data/": here("../../src/data") },
    files: { "/generated/mlp_digits.ts": module },
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const served = await serveDigits(Number(process.argv[2] ?? 8080));
  console.log(`serving the digits sample at ${served.url} (Ctrl-C to stop)`);
}
