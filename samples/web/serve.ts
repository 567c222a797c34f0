// Builds the showcase page (build.ts: the page's bundles, through the esbuild plugin, and the
// model's diagram, through graph()) and serves it with the digits:
//   npx tsx samples/web/serve.ts [port]      (then open the URL it prints in a browser)
//   npx tsx samples/web/serve.ts --generate  (only build dist/, which also writes the
//                                             samples/mlp_digits.dnn.d.ts tsc -p samples/web reads)
// The browser tests (test/browser/digits.test.ts, showcase.test.ts) serve the page through serveDigits too.
import { fileURLToPath, pathToFileURL } from "node:url";
import { buildPage } from "./build.ts";
import { serve, type Served } from "./server.ts";

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export async function serveDigits(port = 0): Promise<Served> {
  const { dir } = await buildPage();
  return serve({ port, mounts: { "/": dir, "/data/": here("../data/digits") } });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  if (process.argv[2] === "--generate") {
    const { dir, bytes } = await buildPage();
    console.log(`built ${dir}: ${Object.entries(bytes).map(([file, n]) => `${file} ${(n / 1024).toFixed(0)} KiB`).join(", ")}`);
  } else {
    const served = await serveDigits(Number(process.argv[2] ?? 8080));
    console.log(`serving the digits showcase at ${served.url} (Ctrl-C to stop)`);
  }
}
