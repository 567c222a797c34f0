// `npm run results`: trains every Fashion-MNIST sample (samples/*_fashion.dnn), and the samples of
// other tasks listed below (sort_transformer), for real, one after the other, with the exact
// command its header gives (`npx dnnc train …`, or `npx tsx scripts/….ts …` for a task dnnc train
// has no dataset for), and writes docs/results.md: per
// sample the test accuracy on the full Fashion-MNIST test set (an autoencoder's test reconstruction
// MSE), the epochs, the wall time, the
// command, the machine, and the figure the Fashion-MNIST README's benchmark table lists for the
// same kind of network.
//
//   npm run results                       # all of them, in order (hours on a 2-core machine)
//   npm run results -- --only cnn_fashion # one sample; the others' rows are kept as they were
//   npm run results -- --dry-run          # print the commands, run nothing, write nothing
//   npm run results -- --rewrite          # run nothing; rewrite docs/results.md from its stored runs
//   npm run results -- --only transfer_fashion --from Fine-tune  # a sample's commands from that label on, the earlier runs kept
//
// The commands run from out/results/ (git-ignored), where the checkpoints and HTML reports land;
// the sample's path is resolved from the repository root. A sample's header holds its commands as
// `// Train: npx dnnc train …` lines (or `// Pretrain:` then `// Fine-tune:`, run in that order).
// Each run's numbers are also kept in docs/results.md itself, in a comment at its end, so that
// `--only` rewrites one section and keeps the others.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { SAMPLES, type Published, type SampleInfo } from "./results-samples.ts";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const DOC = join(ROOT, "docs/results.md");
const WORK = join(ROOT, "out/results");
const README = "https://github.com/zalandoresearch/fashion-mnist#benchmark";

interface Machine {
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  node: string;
  platform: string;
  date: string; // ISO, when the run ended
  loadAverage: number[]; // 1, 5 and 15 minutes, when the run ended: other work on the machine slows it
}

interface Run {
  label: string; // "Train", "Pretrain", "Fine-tune", "Continue"
  command: string; // as in the sample's header
  status: "ok" | "failed";
  exitCode?: number;
  wallSeconds: number;
  epochs?: number;
  testAccuracy?: number;
  testReconstructionMse?: number; // a model trained on its input alone (no target)
  sequenceAccuracy?: number; // a sequence model's share of test sequences wholly right
  testLoss?: number;
  testExamples?: number;
  bestValAccuracy?: number;
  machine: Machine;
}

interface Stored {
  [sample: string]: Run[];
}

const DATA_START = "<!-- results-data";
let interrupted = false;
const DATA_END = "-->";

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const dryRun = argv.includes("--dry-run");
  const rewrite = argv.includes("--rewrite");
  const fromAt = argv.indexOf("--from");
  const from = fromAt >= 0 ? argv[fromAt + 1] : undefined;
  const onlyAt = argv.indexOf("--only");
  const only = onlyAt >= 0 ? argv[onlyAt + 1]?.replace(/\.dnn$/, "").replace(/^samples\//, "") : undefined;
  const unknown = argv.filter((a, i) => a !== "--dry-run" && a !== "--rewrite" && a !== "--only" && a !== "--from" && i !== onlyAt + 1 && i !== fromAt + 1);
  if ((onlyAt >= 0 && !only) || (fromAt >= 0 && (!from || !only)) || unknown.length) {
    process.stderr.write(`results: usage: npm run results -- [--only NAME [--from LABEL]] [--dry-run | --rewrite] (unknown: ${unknown.join(" ") || "--only needs a name; --from needs --only and a label"})\n`);
    return 2;
  }
  const onDisk = readdirSync(join(ROOT, "samples")).filter((f) => f.endsWith("_fashion.dnn")).map((f) => f.slice(0, -4));
  for (const f of onDisk) if (!SAMPLES.some((s) => s.name === f)) process.stderr.write(`results: samples/${f}.dnn is not listed in scripts/results.ts: skipped\n`);
  const chosen = SAMPLES.filter((s) => !only || s.name === only || s.name === `${only}_fashion`);
  if (chosen.length === 0) {
    process.stderr.write(`results: no sample named ${only} (known: ${SAMPLES.map((s) => s.name).join(", ")})\n`);
    return 2;
  }
  const plans = chosen.map((s) => ({ sample: s, commands: headerCommands(s.name), kept: undefined as Run[] | undefined }));
  if (from) {
    // The later steps of a sample whose earlier ones are kept (e.g. a continuation after a run).
    const at = plans[0]!.commands.findIndex((c) => c.label === from);
    const kept = readStored()[plans[0]!.sample.name] ?? [];
    if (at < 0 || kept.length < at || kept.slice(0, at).some((r) => r.status !== "ok")) {
      process.stderr.write(`results: --from ${from}: ${at < 0 ? `${plans[0]!.sample.name} has no "${from}" command` : "the steps before it have no successful run kept"}\n`);
      return 2;
    }
    plans[0]!.kept = kept.slice(0, at);
    plans[0]!.commands = plans[0]!.commands.slice(at);
  }

  if (rewrite) {
    // After a change to this script's text or tables: the runs kept in the file, rendered anew.
    writeFileSync(DOC, render(readStored()));
    return 0;
  }
  if (dryRun) {
    process.stdout.write(`# from ${WORK} (samples/… resolved from ${ROOT}); each command also gets --json\n`);
    for (const p of plans) for (const c of p.commands) process.stdout.write(`${c.command}\n`);
    return 0;
  }
  return await runAll(plans);
}

/** The `// Train:` (or `// Pretrain:`, `// Fine-tune:`) commands of a sample's header comment. */
export function headerCommands(name: string): { label: string; command: string }[] {
  const file = join(ROOT, "samples", `${name}.dnn`);
  const header: string[] = [];
  for (const line of readFileSync(file, "utf8").split("\n")) {
    if (!line.startsWith("//")) break;
    header.push(line);
  }
  const out: { label: string; command: string }[] = [];
  for (const line of header) {
    const m = /^\/\/ (Train|Pretrain|Fine-tune|Continue):\s+(npx (?:dnnc train|tsx scripts\/[\w-]+\.ts) .*\S)\s*$/.exec(line);
    if (m) out.push({ label: m[1]!, command: m[2]! });
  }
  if (out.length === 0) throw new Error(`samples/${name}.dnn: no "// Train: npx dnnc train …" line in its header comment`);
  for (const c of out) {
    if (/["'`$\\|;&<>]/.test(c.command)) throw new Error(`samples/${name}.dnn: the command "${c.command}" needs a shell; results runs plain words`);
    if (!c.command.includes(` samples/${name}.dnn `)) throw new Error(`samples/${name}.dnn: the command "${c.command}" does not train samples/${name}.dnn`);
  }
  return out;
}

async function runAll(plans: { sample: SampleInfo; commands: { label: string; command: string }[]; kept?: Run[] }[]): Promise<number> {
  mkdirSync(WORK, { recursive: true });
  let failed = 0;
  for (const p of plans) {
    const runs: Run[] = [...(p.kept ?? [])];
    for (const c of p.commands) {
      process.stderr.write(`\n=== ${p.sample.name}: ${c.command}\n`);
      const run = await runOne(c.label, c.command);
      runs.push(run);
      if (run.status !== "ok") {
        failed++;
        break; // a fine-tune without its pretraining would only fail again
      }
    }
    if (interrupted) {
      process.stderr.write(`results: interrupted during ${p.sample.name}; its section of docs/results.md is left as it was\n`);
      return 130;
    }
    // Read again just before writing: another `--only` run may have written its section meanwhile.
    const stored = readStored();
    stored[p.sample.name] = runs;
    writeFileSync(DOC, render(stored)); // after each sample: an interrupted session keeps what it did
    process.stderr.write(`results: ${p.sample.name} written to docs/results.md\n`);
  }
  return failed ? 1 : 0;
}

function runOne(label: string, command: string): Promise<Run> {
  const words = command.split(/\s+/);
  const rooted = (w: string) => (/^(samples|scripts)\/.*\.(dnn|ts)$/.test(w) ? join(ROOT, w) : w);
  // `npx dnnc train …` runs bin/dnnc.js; `npx tsx scripts/X.ts …` (a sample with a training script of its own) runs the script through tsx.
  const argv = words[1] === "tsx" ? ["--import", "tsx", ...words.slice(2).map(rooted)] : [join(ROOT, "bin/dnnc.js"), ...words.slice(2).map(rooted)];
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...argv, "--json"], { cwd: WORK, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderrTail = "";
    child.stdout.on("data", (b: Buffer) => (stdout += b.toString()));
    child.stderr.on("data", (b: Buffer) => {
      process.stderr.write(b);
      stderrTail = (stderrTail + b.toString()).slice(-20_000);
    });
    // Ctrl-C reaches dnnc train directly (same process group): it stops after the batch and writes
    // its checkpoint. Here it only means: record this run as interrupted and start no other.
    const onSigint = () => void (interrupted = true);
    process.on("SIGINT", onSigint);
    child.on("close", (code) => {
      process.off("SIGINT", onSigint);
      const wallSeconds = (performance.now() - started) / 1000;
      const run: Run = { label, command, status: code === 0 ? "ok" : "failed", wallSeconds, machine: machine() };
      if (code !== 0) run.exitCode = code ?? -1;
      const json = stdout.trim().split("\n").pop();
      if (code === 0 && json) {
        try {
          const r = JSON.parse(json) as { epochs: number; testAccuracy?: number; testReconstructionMse?: number; testLoss?: number; testExamples?: number; sequenceAccuracy?: number; history: { valAccuracy?: number }[] };
          run.epochs = r.epochs;
          run.testAccuracy = r.testAccuracy;
          if (r.testReconstructionMse !== undefined) run.testReconstructionMse = r.testReconstructionMse;
          run.testLoss = r.testLoss;
          if (r.testExamples !== undefined) run.testExamples = r.testExamples;
          if (r.sequenceAccuracy !== undefined) run.sequenceAccuracy = r.sequenceAccuracy;
          const vals = r.history.map((h) => h.valAccuracy).filter((v): v is number => v !== undefined);
          if (vals.length) run.bestValAccuracy = Math.max(...vals);
        } catch {
          run.status = "failed";
        }
      }
      const tested = /test: (?:accuracy|reconstruction MSE) [\d.]+, loss [\d.]+ on ([\d,]+) examples/.exec(stderrTail);
      if (tested) run.testExamples = Number(tested[1]!.replace(/,/g, ""));
      resolve(run);
    });
  });
}

function machine(): Machine {
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model.trim() ?? "unknown",
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    date: new Date().toISOString(),
    loadAverage: loadavg().map((x) => Math.round(x * 100) / 100),
  };
}

function readStored(): Stored {
  if (!existsSync(DOC)) return {};
  const text = readFileSync(DOC, "utf8");
  const at = text.indexOf(DATA_START);
  if (at < 0) return {};
  const end = text.indexOf(DATA_END, at);
  try {
    return JSON.parse(text.slice(at + DATA_START.length, end)) as Stored;
  } catch {
    process.stderr.write("results: the data comment at the end of docs/results.md is not JSON: starting afresh\n");
    return {};
  }
}

const acc = (x: number | undefined) => (x === undefined ? "—" : x.toFixed(4));
/** A run's test figure: its accuracy, or an autoencoder's reconstruction MSE. */
const figure = (r: Run) => (r.testReconstructionMse !== undefined ? `MSE ${r.testReconstructionMse.toFixed(5)}` : acc(r.testAccuracy));

function duration(s: number): string {
  const r = Math.round(s);
  const h = Math.floor(r / 3600);
  const m = Math.floor((r % 3600) / 60);
  return h ? `${h} h ${String(m).padStart(2, "0")} min` : m ? `${m} min ${String(r % 60).padStart(2, "0")} s` : `${r} s`;
}

function machineLine(m: Machine): string {
  const load = m.loadAverage ? `, load average ${m.loadAverage.join(" ")} at the end` : "";
  return `${m.cpus} × ${m.cpuModel}, ${m.memoryGiB} GiB, Node ${m.node}, ${m.platform}; finished ${m.date.slice(0, 16).replace("T", " ")} UTC${load}`;
}

function publishedCell(p: Published | undefined): string {
  return p ? `${p.accuracy} (${p.row})` : "—";
}

/** The whole of docs/results.md from the stored runs (samples never run show "not yet run"). */
export function render(stored: Stored): string {
  const lines: string[] = [];
  const w = (s = "") => lines.push(s);
  w("# Results: the samples on Fashion-MNIST");
  w();
  w("Written by `npm run results` ([scripts/results.ts](../scripts/results.ts)), which trains every");
  w("`samples/*_fashion.dnn` (and sort_transformer, a synthetic sequence task trained by");
  w("[scripts/train-sort.ts](../scripts/train-sort.ts)) with the command in its header comment (plus `--json`), one after the");
  w("other, on the backend each command names (since issue 18 the default, `wasm`; earlier runs: `ts`),");
  w("and rewrites this file after each sample; `--only NAME` reruns");
  w("one sample and keeps the other sections, `--dry-run` prints the commands, `--rewrite` renders");
  w("this file again from the numbers it keeps. Accuracies are on the");
  w("full Fashion-MNIST test set (10,000 images) unless a section says otherwise; wall time is the");
  w("whole command: compiling, loading the data, training with validation after each epoch, and the");
  w("final test evaluation. Do not edit by hand: the numbers are also kept in a comment at the end.");
  w("Wall times are of one shared 2-core machine: each section's \"machine\" row gives the load average");
  w("when the run ended — a load of 4 means the run had about half the machine (on 2 December 2026");
  w("cnn_fashion and gru_fashion were trained side by side, and beside an earlier resnet_fashion run),");
  w("so it took about twice as long as it would alone; resnet_fashion's run shared the machine with");
  w("test runs for about 40 of its minutes. The per-epoch times below were measured nearer to alone.");
  w();
  w(`Published figures are from the "Benchmark" section of the Fashion-MNIST README (${README}, at`);
  w("commit b2617bb, March 2022): the table of submitted results, which its maintainers say they have");
  w("not verified. Each row is the closest kind of network the table lists, not the same network.");
  w();
  w("Targets (issue 8): MLP ≥ 0.88, CNN ≥ 0.91, GRU or LSTM ≥ 0.88, ResNet ≥ 0.92; and (issue 20) ViT ≥ 0.88, causal Transformer ≥ 0.99 token accuracy.");
  w();
  w("| sample | test accuracy | published (row) | target | epochs | wall time |");
  w("|---|---|---|---|---|---|");
  for (const s of SAMPLES) {
    const runs = stored[s.name];
    const last = runs?.[runs.length - 1];
    const accCell = !runs ? "not yet run" : last?.status !== "ok" ? "failed" : runs.map(figure).join(" → ");
    const target = s.target ? `${s.target.accuracy}${last?.testAccuracy !== undefined && last.status === "ok" ? (last.testAccuracy >= s.target.accuracy ? " ✓" : " ✗") : ""}` : "—";
    const epochs = runs ? runs.map((r) => r.epochs ?? "—").join(" + ") : "—";
    const wall = runs ? duration(runs.reduce((t, r) => t + r.wallSeconds, 0)) : "—";
    w(`| [${s.name}](../samples/${s.name}.dnn) | ${accCell} | ${publishedCell(s.published)} | ${target} | ${epochs} | ${wall} |`);
  }
  w();
  w("For transfer_fashion the two accuracies are the pretraining's (classes 0–4) and the fine-tuning's");
  w("(classes 5–9), each on the 5,000 test images of its classes. For autoencoder_fashion the figure is");
  w("the mean squared error per pixel between the test images and their reconstructions (lower is better).");
  w();
  w("Time per epoch of each command on the ts backend, measured before the first full runs (2 December");
  w("2026, on a 2-core AMD EPYC shared with other work, load average 1.5–3; one epoch of 6,000 images,");
  w("×9) — the wasm backend, the default since, is faster (`npm run bench -- --only epoch-speed`):");
  w(SAMPLES.map((s) => `${s.name} ${s.perEpoch}`).join("; ") + ".");
  for (const s of SAMPLES) {
    w();
    w(`## ${s.name}`);
    w();
    w(`${s.network}. [samples/${s.name}.dnn](../samples/${s.name}.dnn)`);
    w();
    const runs = stored[s.name];
    const commands = safeCommands(s.name);
    w("| | |");
    w("|---|---|");
    if (s.published) {
      const p = s.published;
      w(`| published | ${p.accuracy}: "${p.row}", preprocessing: ${p.preprocessing.replace(/\.$/, "")}; submitted by ${p.submitter}${p.note ? ` (${p.note})` : ""}${s.comparison ? `; ${s.comparison}` : ""} |`);
    } else w(`| published | —${s.comparison ? `: ${s.comparison}` : ""} |`);
    if (s.target) w(`| target | ${s.target.note} |`);
    commands.forEach((c, i) => {
      const run = runs?.find((r) => r.label === c.label && r.command === c.command) ?? runs?.[i];
      const tag = commands.length > 1 ? `${c.label.toLowerCase()}: ` : "";
      w(`| ${tag}command | \`${c.command}\` |`);
      if (!run) {
        w(`| ${tag}test accuracy | not yet run |`);
        return;
      }
      if (run.command !== c.command) w(`| ${tag}note | measured with an earlier command: \`${run.command}\` |`);
      if (run.status !== "ok") w(`| ${tag}test accuracy | failed (exit ${run.exitCode ?? "?"}) |`);
      else if (run.testReconstructionMse !== undefined) w(`| ${tag}test reconstruction MSE | **${run.testReconstructionMse.toFixed(5)}** (loss ${run.testLoss?.toFixed(4) ?? "—"}) on ${run.testExamples?.toLocaleString("en-US") ?? "?"} test images; the report (\`--report\`, by default \`${s.name}.report.html\`) shows test images beside their reconstructions |`);
      else w(`| ${tag}test accuracy | **${acc(run.testAccuracy)}**${run.testLoss === undefined ? "" : ` (loss ${run.testLoss.toFixed(4)})`} on ${run.testExamples?.toLocaleString("en-US") ?? "?"} ${s.testSet ?? "test images"} |`);
      if (run.sequenceAccuracy !== undefined) w(`| ${tag}sequences wholly right | ${acc(run.sequenceAccuracy)} |`);
      if (run.bestValAccuracy !== undefined) w(`| ${tag}best validation accuracy | ${acc(run.bestValAccuracy)} |`);
      w(`| ${tag}epochs | ${run.epochs ?? "—"} |`);
      w(`| ${tag}wall time | ${duration(run.wallSeconds)} |`);
      w(`| ${tag}machine | ${machineLine(run.machine)} |`);
    });
  }
  w();
  w(`${DATA_START}`);
  w(JSON.stringify(stored, null, 1));
  w(DATA_END);
  return lines.join("\n") + "\n";
}

function safeCommands(name: string): { label: string; command: string }[] {
  try {
    return headerCommands(name);
  } catch (e) {
    return [{ label: "Train", command: `(${e instanceof Error ? e.message : String(e)})` }];
  }
}

// Run only as a script (tests may import render and headerCommands).
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().then(
    (code) => process.exit(code),
    (e) => {
      process.stderr.write(`results: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exit(1);
    },
  );
}
