// PyTorch CPU, the anchor of bench/train-speed.ts (issue 18): the case's network run by
// bench/lib/torch_train.py in Debian's Python (/usr/bin/python3 with python3-torch 1.13, installed
// by scripts/setup-bench.sh — never needed by `npm test`), one child process per model and thread
// count. The batch and dnnc's initial weights cross as raw float32/int32 files; the child answers
// with its logits, losses and timings (the same repetition policy, wall clock and process CPU
// time), and here they are checked and recorded like every other implementation's.
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Timing } from "./timing.ts";
import { lossChecks, logitsCheck, type ModelCase } from "./train-case.ts";
import { TASKS } from "./train-results.ts";

/** Debian's interpreter, by path: a pyenv or venv `python3` earlier on PATH does not see Debian's packages. */
export const PYTHON = "/usr/bin/python3";
const RUNNER = join(dirname(fileURLToPath(import.meta.url)), "torch_train.py");
export const NOT_INSTALLED = "not installed (npm run bench:setup)";

export type TorchImpl = "pytorch-1t" | "pytorch-2t";
export const torchThreads = (impl: TorchImpl) => (impl === "pytorch-1t" ? 1 : 2);

export type TorchProbe = { version: string } | { missing: string };

/** PyTorch's version, or why it cannot be used. */
export function probeTorch(): TorchProbe {
  const r = spawnSync(PYTHON, ["-c", "import torch; print(torch.__version__)"], { encoding: "utf8" });
  if (r.error) return { missing: `${NOT_INSTALLED}: no ${PYTHON}` };
  if (r.status !== 0) return { missing: NOT_INSTALLED };
  return { version: r.stdout.trim() };
}

/**
 * The CPUs a PyTorch run may use: where this process is pinned to one CPU (the single-thread
 * comparisons), one thread runs on that CPU, and two on it and its neighbour — set explicitly, as
 * the child inherits this process's one-CPU affinity. Unpinned: undefined, nothing is changed.
 * A string when the machine has too few CPUs.
 */
export function torchCpus(threads: number, pinnedCpu: string | undefined): number[] | undefined | string {
  if (pinnedCpu === undefined) return undefined;
  const pinned = Number(pinnedCpu), n = cpus().length;
  if (threads > n) return `${threads} threads on a machine with ${n} CPU${n === 1 ? "" : "s"}`;
  return Array.from({ length: threads }, (_, i) => (pinned - i + n) % n).sort((a, b) => a - b);
}

interface TorchReply {
  torch: string;
  threads: number;
  cpus: number[];
  /** The BLAS libraries loaded (nn.Linear's products go through libblas.so.3, whichever it points to). */
  blas: string[];
  logits: number[];
  losses: number[];
  forward: Timing;
  step: Timing;
}

/** What a PyTorch run used, for the report. */
export interface TorchRun {
  torch: string;
  cpus: number[];
  blas: string[];
}

/**
 * Runs PyTorch on the case with `impl`'s thread count on `cpusOrWhy` (torchCpus()), its files in
 * `dir` (a scratch folder), and records its cells: "unavailable" where PyTorch is not installed,
 * "skipped" where the machine lacks the CPUs.
 */
export function runTorch(c: ModelCase, impl: TorchImpl, torch: TorchProbe, cpusOrWhy: number[] | undefined | string, dir: string): TorchRun | undefined {
  const { spec, check, out } = c;
  const notRun = (status: "unavailable" | "skipped" | "cannot", reason: string) => {
    for (const task of TASKS) c.cells[task][impl] = { status, reason };
    return undefined;
  };
  if ("missing" in torch) return notRun("unavailable", torch.missing);
  if (typeof cpusOrWhy === "string") return notRun("skipped", cpusOrWhy);
  const file = (name: string, data: Float32Array | Int32Array) => {
    const path = join(dir, `${spec.key}-${name}`);
    writeFileSync(path, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
    return path;
  };
  const threads = torchThreads(impl);
  const request = {
    layers: spec.layers,
    input: spec.input,
    batch: c.batch,
    lr: c.lr,
    epsilon: c.epsilon,
    threads,
    cpus: cpusOrWhy ?? null,
    policy: c.policy,
    x: file("x.f32", c.x),
    y: file("y.i32", c.y),
    weights: c.weights.map((w, i) => ({ file: file(`w${i}.f32`, w), shape: c.paramShapes[i] })),
  };
  out(`  ${impl}: forward and train step (${PYTHON} ${RUNNER.split("/").slice(-3).join("/")}, ${threads} thread${threads > 1 ? "s" : ""}) …`);
  // OpenBLAS (setup-bench.sh) keeps its own thread pool: as many threads as PyTorch's.
  const env = { ...process.env, OPENBLAS_NUM_THREADS: String(threads), OMP_NUM_THREADS: String(threads) };
  const r = spawnSync(PYTHON, [RUNNER], { input: JSON.stringify(request), encoding: "utf8", maxBuffer: 64 << 20, env });
  let reply: TorchReply | undefined;
  let why = r.error?.message ?? (r.status !== 0 ? `exit ${r.status ?? r.signal}: ${r.stderr.trim().split("\n").slice(-3).join(" | ")}` : undefined);
  if (!why) {
    try {
      reply = JSON.parse(r.stdout) as TorchReply;
    } catch (e) {
      why = `unreadable reply: ${e instanceof Error ? e.message : String(e)}`;
    }
  }
  if (!check(`${spec.key} ${impl}: PyTorch runs`, reply !== undefined, why ?? "ok") || !reply) return notRun("cannot", why ?? "");
  check(`${spec.key} ${impl}: runs ${threads} thread${threads > 1 ? "s" : ""}${cpusOrWhy ? ` on CPU ${cpusOrWhy.join(",")}` : ""}`, reply.threads === threads && (!cpusOrWhy || reply.cpus.join() === cpusOrWhy.join()), `torch.get_num_threads() ${reply.threads}, CPUs ${reply.cpus.join(",")}`);
  logitsCheck(c, impl, reply.logits);
  c.cells.forward[impl] = { status: "ok", timing: reply.forward };
  c.cells.step[impl] = { status: "ok", timing: reply.step, losses: reply.losses };
  lossChecks(c, impl, reply.losses);
  return { torch: reply.torch, cpus: reply.cpus, blas: reply.blas };
}
