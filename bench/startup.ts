// How fast does the dnnc command start? Side by side, each in a fresh process, in rounds (each
// round runs every command once, in a rotating order, so all of them see the same machine load):
//
//   node -e 0                           Node's own start-up, the floor
//   tsc --version                       the yardstick (node_modules/typescript/bin/tsc)
//   dnnc --version                      bin/dnnc.js: start-up alone
//   dnnc check samples/mlp_digits.dnn   a small file, stdlib imports included
//
// The command is measured as users get it: the build in dist/ (built first when it is missing
// or older than the sources, as `npm install` would). Wall time and CPU time (user + system of
// the child, Linux only, 10 ms ticks) per run; medians after the warm-up rounds, which are
// discarded (they fill the file cache). Targets (issue 19): `dnnc --version` no slower than
// `tsc --version` (median wall), `dnnc check samples/mlp_digits.dnn` under 400 ms (median wall).
// Not pinned to one CPU unless --pin: a command's start-up runs on several threads (V8 compiles
// and collects garbage beside the main thread), as it does for the user typing it.
// Results go to bench/results/startup.json (committed: the latest numbers measured).
//
//   npx tsx bench/startup.ts [--rounds N] [--warmup N] [--pin] [--strict]
//   npm run bench -- --only startup
//
// --strict exits 1 when a target is missed (`npm run bench` passes it).
import { spawnSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { performance } from "node:perf_hooks";
import { pinToOneCpu } from "./lib/pin.ts";
import { commandLine } from "./lib/args.ts";
import { childCpu, quantile } from "./lib/timing.ts";
// @ts-expect-error plain JavaScript next to the command, without declarations
import { builtIsCurrent } from "../bin/built.mjs";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const TARGETS = { checkMs: 400 };

const { flag, option, fail } = commandLine("startup");

pinToOneCpu(fileURLToPath(import.meta.url), process.argv.slice(2), !flag("--pin"));
const ROUNDS = Math.max(3, option("--rounds", 15));
const WARMUP = option("--warmup", 2);
const loadBefore = loadavg();

if (!builtIsCurrent(new URL("../", import.meta.url))) {
  const b = spawnSync(process.execPath, [join(ROOT, "scripts/build.mjs")], { cwd: ROOT, encoding: "utf8" });
  if (b.status !== 0) fail(`the build failed:\n${b.stderr}`);
}

const COMMANDS = [
  { name: "node -e 0", argv: ["-e", "0"] },
  { name: "tsc --version", argv: [join(ROOT, "node_modules/typescript/bin/tsc"), "--version"] },
  { name: "dnnc --version", argv: [join(ROOT, "bin/dnnc.js"), "--version"] },
  { name: "dnnc check samples/mlp_digits.dnn", argv: [join(ROOT, "bin/dnnc.js"), "check", join(ROOT, "samples/mlp_digits.dnn")] },
] as const;
type Name = (typeof COMMANDS)[number]["name"];

const wall = new Map<Name, number[]>(COMMANDS.map((c) => [c.name, []]));
const cpu = new Map<Name, number[]>(COMMANDS.map((c) => [c.name, []]));
for (let round = 0; round < WARMUP + ROUNDS; round++) {
  for (let k = 0; k < COMMANDS.length; k++) {
    const c = COMMANDS[(round + k) % COMMANDS.length]!;
    const c0 = childCpu();
    const t0 = performance.now();
    const r = spawnSync(process.execPath, c.argv, { cwd: ROOT, encoding: "utf8" });
    const ms = performance.now() - t0;
    const c1 = childCpu();
    if (r.status !== 0) fail(`\`${c.name}\` exited ${r.status}:\n${(r.stderr + r.stdout).slice(0, 2000)}`);
    if (round < WARMUP) continue;
    wall.get(c.name)!.push(ms);
    if (c0 !== undefined && c1 !== undefined) cpu.get(c.name)!.push(c1 - c0);
  }
}

const median = (xs: number[]) => (xs.length ? quantile(xs, 0.5) : null);
const results = COMMANDS.map((c) => ({
  command: c.name,
  wallMedianMs: median(wall.get(c.name)!)!,
  wallP90Ms: quantile(wall.get(c.name)!, 0.9),
  cpuMedianMs: median(cpu.get(c.name)!),
  wallMs: wall.get(c.name)!.map(round),
  cpuMs: cpu.get(c.name)!.map(round),
}));
const at = (name: Name) => results.find((r) => r.command === name)!;
const verdicts = [
  { what: "dnnc --version no slower than tsc --version (median wall)", ms: at("dnnc --version").wallMedianMs, under: at("tsc --version").wallMedianMs },
  { what: "dnnc check samples/mlp_digits.dnn (median wall)", ms: at("dnnc check samples/mlp_digits.dnn").wallMedianMs, under: TARGETS.checkMs },
].map((v) => ({ ...v, met: v.ms <= v.under }));
const loadAfter = loadavg();
const pinned = process.env["DNNC_BENCH_PINNED"];

const load = (l: number[]) => l.map((x) => x.toFixed(2)).join(" ");
const width = Math.max(...COMMANDS.map((c) => c.name.length));
const out = [
  "dnnc start-up",
  `  machine: ${cpus().length} × ${cpus()[0]?.model.trim() ?? "?"}, Node ${process.version}${pinned ? `, pinned to CPU ${pinned}` : ", not pinned"}`,
  `  load average (1, 5, 15 min) before / after: ${load(loadBefore)} / ${load(loadAfter)}`,
  `  ${ROUNDS} rounds after ${WARMUP} warm-up, each command once per round, a fresh process each time`,
  "",
  `  ${"".padEnd(width)}  ${"wall".padStart(9)}  ${"wall p90".padStart(9)}  ${"CPU".padStart(9)}`,
  ...results.map((r) => `  ${r.command.padEnd(width)}  ${ms(r.wallMedianMs).padStart(9)}  ${ms(r.wallP90Ms).padStart(9)}  ${(r.cpuMedianMs === null ? "?" : ms(r.cpuMedianMs)).padStart(9)}`),
  "",
  "targets (issue 19):",
  ...verdicts.map((v) => `  ${v.what}: ${ms(v.ms)}, target ≤ ${ms(v.under)} — ${v.met ? "MET" : "MISSED"}`),
];
console.log(out.join("\n"));

const RESULTS = join(ROOT, "bench", "results");
mkdirSync(RESULTS, { recursive: true });
const json = {
  benchmark: "startup",
  date: new Date().toISOString(),
  machine: { cpus: cpus().length, cpu: cpus()[0]?.model.trim(), node: process.version, platform: `${process.platform}-${process.arch}`, pinnedCpu: pinned ?? null, loadAverageBefore: loadBefore, loadAverageAfter: loadAfter },
  what: "each command in a fresh process, the dnnc build in dist/; wall time, and CPU time of the child (cutime + cstime, 10 ms ticks)",
  rounds: ROUNDS,
  warmup: WARMUP,
  results,
  targets: verdicts,
};
writeFileSync(join(RESULTS, "startup.json"), JSON.stringify(json, (_k, v) => (typeof v === "number" ? round(v) : v), 2) + "\n");
console.log(`\nwrote ${relative(process.cwd(), join(RESULTS, "startup.json"))}`);
if (flag("--strict") && !verdicts.every((v) => v.met)) process.exit(1);

function round(x: number): number {
  return Math.round(x * 10) / 10;
}
function ms(x: number): string {
  return `${x.toFixed(0)} ms`;
}
