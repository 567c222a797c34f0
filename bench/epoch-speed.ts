// How long does one epoch of real training take on each CPU backend? `dnnc train` itself, run as
// a user runs it, on Fashion-MNIST (Debian's package, scripts/setup-datasets.sh) with the sample's
// own network, batch 64, one process per backend, one after the other in the same run — so the
// ratio between backends is what this measures; a shared machine's absolute times are noise.
// Issue 18's target: one epoch of cnn_fashion ≥ 5× faster on the wasm backend than on ts.
//
//   npm run bench -- --only epoch-speed                  # cnn_fashion, a whole epoch (minutes)
//   npx tsx bench/epoch-speed.ts [--sample NAME] [--limit N] [--backends ts,wasm] [--strict]
//
// --limit N trains on the first N examples only (a fraction of an epoch, for a quick look).
// Results go to bench/results/epoch-speed.json (a full epoch only).
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { FASHION_MNIST_DIR } from "../src/data/builtin.ts";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const option = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const sample = option("--sample") ?? "cnn_fashion";
const limit = option("--limit");
const backends = (option("--backends") ?? "ts,wasm").split(",");
const out = (line = "") => process.stdout.write(line + "\n");

const scratch = mkdtempSync(join(tmpdir(), "dnnc-epoch-"));
const runs: { backend: string; seconds: number; examplesPerSecond: number; loss: number }[] = [];
out(`one epoch of samples/${sample}.dnn on Fashion-MNIST${limit ? ` (first ${limit} examples)` : ""}, batch 64, per backend; ${cpus()[0]?.model ?? "?"}, load ${loadavg().map((l) => l.toFixed(2)).join(" ")}`);
for (const backend of backends) {
  const r = spawnSync(process.execPath, [
    join(ROOT, "bin/dnnc.js"), "train", join(ROOT, "samples", `${sample}.dnn`), "--data", "fashion-mnist", "--epochs", "1", "--batch", "64",
    "--validation-split", "0", "--backend", backend, "--json", "--checkpoint", join(scratch, `${backend}.safetensors`), "--report", join(scratch, `${backend}.html`),
    ...(limit ? ["--limit", limit] : []),
  ], { encoding: "utf8", maxBuffer: 64 << 20 });
  if (r.status !== 0) {
    out(`${backend}: dnnc train failed (${r.status ?? r.signal}): ${(r.stderr.includes("fashion") ? r.stderr : r.stderr.slice(-400)).trim()}`);
    if (r.stderr.includes(FASHION_MNIST_DIR) || /fashion-mnist/i.test(r.stderr)) out("(Fashion-MNIST: scripts/setup-datasets.sh installs it)");
    process.exit(1);
  }
  const h = JSON.parse(r.stdout).history[0];
  runs.push({ backend, seconds: h.seconds, examplesPerSecond: h.examplesPerSecond, loss: h.loss });
  out(`  ${backend.padEnd(5)} ${h.seconds.toFixed(1).padStart(7)} s  ${Math.round(h.examplesPerSecond).toLocaleString("en-US").padStart(7)} examples/s  loss ${h.loss.toFixed(4)}`);
}
rmSync(scratch, { recursive: true, force: true });

const ts = runs.find((r) => r.backend === "ts");
const wasm = runs.find((r) => r.backend === "wasm");
let missed = false;
if (ts && wasm) {
  const ratio = ts.seconds / wasm.seconds;
  missed = ratio < 5;
  out(`${missed ? "FAIL" : "PASS"}  one epoch ≥ 5× faster on wasm than on ts: ts / wasm = ${ratio.toFixed(2)}`);
}
if (!limit) writeFileSync(join(ROOT, "bench/results/epoch-speed.json"), JSON.stringify({ sample, date: new Date().toISOString(), cpu: cpus()[0]?.model, runs }, null, 2) + "\n");
if (missed && args.includes("--strict")) process.exit(1);
