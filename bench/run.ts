// Runs every benchmark: each bench/<name>.ts (not this file; helpers live in bench/lib/), in
// name order, each in a fresh Node process through tsx. Arguments after the command go to every
// benchmark; `--only NAME` runs one. Results are written to bench/results/<name>.json by each
// benchmark. The compiler-speed benchmarks run with --strict: a missed target fails the run.
// Exits non-zero if any benchmark does.
//
//   npm run bench                      # all of them
//   npm run bench -- --only check-speed --profile
//   npm run bench:gpu                  # --only gpu-speed (skips itself, exit 0, where there is no WebGPU adapter)
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const BENCH = dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2);
const onlyAt = argv.indexOf("--only");
const only = onlyAt >= 0 ? argv[onlyAt + 1] : undefined;
const passed = onlyAt >= 0 ? [...argv.slice(0, onlyAt), ...argv.slice(onlyAt + 2)] : argv;

const benches = readdirSync(BENCH)
  .filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts") && f !== "run.ts" && !f.startsWith(".") && !f.startsWith("_"))
  .map((f) => f.slice(0, -3))
  .filter((name) => !only || name === only)
  .sort();
if (benches.length === 0) {
  process.stderr.write(only ? `bench: no benchmark named ${only} (bench/${only}.ts)\n` : "bench: no benchmarks in bench/\n");
  process.exit(2);
}

const STRICT = new Set(["check-speed", "compile-speed", "startup"]);
const failed: string[] = [];
for (const name of benches) {
  process.stdout.write(`\n=== ${name} ===\n`);
  const strict = STRICT.has(name) && !passed.includes("--strict") ? ["--strict"] : [];
  const r = spawnSync(process.execPath, ["--import", "tsx", join(BENCH, `${name}.ts`), ...passed, ...strict], { stdio: "inherit" });
  if (r.status !== 0) failed.push(`${name} (exit ${r.status ?? r.signal})`);
}
if (failed.length) {
  process.stderr.write(`\nbench: failed: ${failed.join(", ")}\n`);
  process.exit(1);
}
