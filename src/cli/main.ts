// The dnnc command. Exit status: 0 success, 1 the input has errors, 2 usage error (bad flag,
// missing file), 3 internal compiler error. A user's mistake never prints a stack trace.
import { Command, CommanderError, Option } from "commander";
import { mkdirSync, readFileSync } from "node:fs";
import { basename, isAbsolute, join, relative } from "node:path";
// From the API's own modules, not its index (../api.ts): the index re-exports the graph, ONNX and
// weights APIs (dagre, protobuf readers: a third of the JavaScript `check` loaded at every start).
import { check, compile, runFrontEnd, type CompiledModelInfo, type CompileOptions, type CompileResult } from "../api/compile.ts";
import { diagnosticsAsJson, formatDiagnostics, type Diagnostic } from "../api/diagnostics.ts";
import type { FunctionStats } from "../api/stats.ts";
import { JavaScriptOutputError } from "../backend/javascript.ts";
import type { CompiledModel } from "../compiler.ts";
import { compileTargetChoices, isPackageTargetName, isTargetName, PACKAGE_TARGET_NAMES, targetChoices, TARGET_NAMES } from "../backend/targets.ts";
import { printFn } from "../ir/print.ts";
import { PASS_NAMES, stages, type PassName } from "../passes/pipeline.ts";
import type { Fn } from "../ir/ir.ts";
import { fuse } from "../schedule/fuse.ts";
import { printSchedule } from "../schedule/print.ts";
import type { FmtOptions } from "./fmt.ts";
import { checkOutDir, guardStandardStreams, OutputError, writeOutputs } from "./outputs.ts";
import { registerInterchange } from "./interchange.ts";
import type { TrainOptions } from "./train.ts";
import { TrainError } from "../fit/load-model.ts";
import { readSourceFile, SourceReadError } from "../check/read-source.ts";
import { DatasetMissingError } from "../data/dataset.ts";

import { VERSION } from "../version.ts";

export { VERSION };
// The formatter, training and each target (backend/targets.ts: the WGSL backend is a third of the
// modules the command would load, each transpiled and loaded through tsx at every start) are
// imported by the commands using them, so `check` and `compile --target ts` start without them.

class UsageError extends Error {}

interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
  color: boolean;
}

export async function main(argv: string[], io: Io = defaultIo()): Promise<number> {
  let status = 0;
  const program = new Command()
    .name("dnnc")
    .description("Compiler for .dnn neural-network definitions")
    .version(VERSION)
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err, outputError: () => {} })
    .showSuggestionAfterError(true);

  program
    .command("check")
    .description("report syntax, name, type and shape errors")
    .argument("<files...>", ".dnn files to check")
    .option("--json", "print diagnostics as a JSON array (0-based LSP positions)")
    .option("--shapes", "print every binding and layer with its inferred type, and parameter counts")
    .action((files: string[], opts: { json?: boolean; shapes?: boolean }) => {
      const results = files.map((f) => check({ path: f, text: readSource(f) }));
      report(results.flatMap((r) => r.diagnostics), !!opts.json, io);
      if (opts.shapes && !opts.json) for (const r of results) for (const m of r.models) io.out(m.summary + "\n");
      status = results.every((r) => r.ok) ? 0 : 1;
    });

  program
    .command("compile")
    .description("compile a .dnn file to a standalone module")
    .argument("<file>", ".dnn file to compile")
    .addOption(new Option("-t, --target <target>", `what to generate: ${compileTargetChoices()}`).default(TARGET_NAMES[0]))
    .option("-o, --out <dir>", "directory to write the generated module into")
    .addOption(
      new Option("--emit <what>", "ts: write DIR/FILE.ts; js: write an ES module DIR/FILE.js and its declarations DIR/FILE.d.ts (for JavaScript projects and Node without a TypeScript loader); or print an intermediate form instead of writing code: the IR, its fused kernels and buffers, or (with --target wasm) the WebAssembly kernels as text")
        .choices(["ts", "js", "ir", "kernels", "wat"])
        .default("ts"),
    )
    .addOption(new Option("--after <pass>", "with --emit ir: print only the IR after this simplification pass (default: after each)").choices([...PASS_NAMES]))
    .option("--batch <n>", "the size every symbolic dimension takes in the printed costs (FLOPs, bytes, peak memory)", "64")
    .option("--json", "print diagnostics as JSON")
    .option("-w, --watch", "keep running: compile again whenever the file or a module it imports changes")
    .action(async (file: string, opts: { target: string; out?: string; emit: string; after?: string; batch: string; json?: boolean; watch?: boolean }) => {
      if (isPackageTargetName(opts.target) && opts.emit === "js") throw new UsageError(`--emit js writes a JavaScript module; --target ${opts.target} writes a Python package: leave --emit out`);
      if (!isTargetName(opts.target) && !isPackageTargetName(opts.target))
        throw new UsageError(`unknown target '${opts.target}' (expected one of: ${[...TARGET_NAMES, ...PACKAGE_TARGET_NAMES].join(", ")})`);
      const emit = opts.emit === "ts" || opts.emit === "js" ? opts.emit : undefined; // what is written; else what is printed
      if (emit && !opts.out) throw new UsageError("missing --out <dir> (where to write the generated module)");
      if (opts.after && opts.emit !== "ir") throw new UsageError("--after goes with --emit ir");
      if (opts.emit === "wat" && opts.target !== "wasm") throw new UsageError("--emit wat prints the wasm target's WebAssembly kernels: give --target wasm");
      const batch = Number(opts.batch);
      if (!Number.isInteger(batch) || batch < 1) throw new UsageError(`--batch must be a positive integer, received '${opts.batch}'`);
      const target = opts.target; // narrowed to a TargetName by the check above, for the closure below
      if (emit) checkOutDir(opts.out!); // before the work, not after it
      /** One build; the files its result depends on. */
      const build = async (): Promise<string[]> => {
        if (!emit) {
          const { compilation, diagnostics, inputs } = runFrontEnd({ path: file, text: readSource(file) }, (opts.emit === "ir" ? (opts.after ?? "none") : "dce") as PassName);
          report(diagnostics, !!opts.json, io);
          status = hasErrors(diagnostics) ? 1 : 0;
          if (status === 0) await printIntermediate(opts.emit, compilation.models, opts.after, basename(file), io);
          return inputs;
        }
        const result = await compileOrRefuse({ path: file, text: readSource(file), target, outDir: opts.out!, batch, emit });
        report(result.diagnostics, !!opts.json, io);
        status = result.ok ? 0 : 1;
        if (result.ok) printWritten(opts.out!, result, io);
        return result.inputs;
      };
      const inputs = await build(); // a first build that cannot start (no such file) ends the command, watching or not
      if (opts.watch) {
        const { watchInputs } = await import("./watch.ts");
        // Later builds report what stops them (a file removed mid-save, an output in the way) and go on watching.
        await watchInputs(inputs, () => build().catch((e: unknown) => (reportError(e, io), [file])), io.err);
      }
    });

  registerInterchange(program, {
    io,
    report: (ds, json) => report(ds, json, io),
    setStatus: (n) => void (status = n),
    usage: (message) => new UsageError(message),
    readSource,
    readInputFile,
    readWeights,
    displayPath,
  });

  program
    .command("fmt")
    .description("format .dnn files in place (indentation and spacing; line breaks are kept)")
    .argument("<files...>", ".dnn files to format; - formats standard input to standard output")
    .option("--check", "write nothing: list the files that are not formatted, exit 1 if there are any")
    .option("--stdout", "print the formatted text instead of rewriting the files")
    .action(async (files: string[], opts: FmtOptions) => {
      if (opts.check && opts.stdout) throw new UsageError("--check and --stdout do not go together");
      const inputs = files.map((path) => ({ path, bytes: path === "-" ? readFileSync(0) : readSourceBytes(path) }));
      const { formatFiles } = await import("./fmt.ts");
      status = formatFiles(inputs, opts, { ...io, displayPath });
    });

  program
    .command("train")
    .description("train a model on a dataset: progress, validation, checkpoints, a final test evaluation and an HTML report")
    .argument("<file>", ".dnn file with a model and its train block")
    .option("--data <name|dir|csv>", `digits, fashion-mnist, mnist, a directory of IDX files, or a CSV file (the label is the column its header names \`label\`, else the last)`, "digits")
    .option("--label <column>", "with a CSV --data: the label column, by header name or 0-based index (negative from the end)")
    .option("--test-data <csv>", "with a CSV --data: the test set")
    .option("--model <name>", "the model to train, when several have train blocks")
    .option("--program <name>", "a named training program of the model (`train M.name { … }`) instead of its unnamed train block")
    .option("--epochs <n>", "passes over the training data (with --resume: the whole run's, those done included)", "10")
    .option("--batch <n>", "examples per step", "32")
    .option("--lr <rate>", "the optimizer's learning rate (default: the train block's)")
    .option("--seed <n>", "initial weights, shuffling, the validation split and augmentation", "0")
    .option("--validation-split <fraction>", "held out of the training data for validation after each epoch", "0.1")
    .addOption(new Option("--backend <backend>", `the target that runs training: ${targetChoices()}; default wasm (the fastest on a CPU)`).choices(TARGET_NAMES))
    .option("--threads <n>", "ts and wasm backends: matrix products on this many threads")
    .option("--checkpoint <path>", "safetensors file written after every epoch and on Ctrl-C (default: FILE.safetensors)")
    .option("--resume <checkpoint>", "go on with a stopped run: its parameters, optimizer state, step count, and the epoch and learning-rate schedule it reached")
    .option("--init-from <checkpoint>", "start from a checkpoint's parameters alone (fine-tuning); others keep their initial values")
    .option("--init-from-only <patterns>", "with --init-from: only these parameters or layers' parameters, comma-separated, * for any characters (e.g. conv2d,conv2d_1)")
    .option("--classes <list>", "train and test on these classes only, relabelled from 0 (e.g. 0-4, or 5,6,7,8,9)")
    .option("--early-stopping <patience>", "stop after this many epochs without a better validation loss, restoring the best weights")
    .option("--reduce-lr <patience>", "multiply the learning rate by --reduce-lr-factor after this many epochs without a better validation loss")
    .option("--reduce-lr-factor <f>", "see --reduce-lr", "0.5")
    .addOption(new Option("--lr-schedule <schedule>", "constant, or cosine: from the learning rate at the first epoch down to --min-lr after the last, set once an epoch").choices(["constant", "cosine"]).default("constant"))
    .option("--min-lr <rate>", "the learning rate never drops below this", "1e-6")
    .option("--augment <spec>", "image augmentation of training batches: flip, shift=PIXELS, rotate=DEGREES, comma-separated")
    .option("--normalize", "standardise inputs with the training set's mean and standard deviation")
    .option("--limit <n>", "use only the first n training examples (a quick run)")
    .option("--report <path>", "the HTML report (default: FILE.report.html)")
    .option("--json", "print the result (test accuracy, history) as JSON on standard output")
    .action(async (file: string, opts: TrainOptions) => {
      const { compilation, diagnostics } = runFrontEnd({ path: file, text: readSource(file) }, "dce");
      report(diagnostics, false, io);
      if (hasErrors(diagnostics)) return void (status = 1);
      const { train } = await import("./train.ts");
      status = await train(file, compilation, opts, { out: io.out, err: io.err, tty: !!process.stderr.isTTY, get columns() { return process.stderr.columns; } }, argv.slice(argv.indexOf("train") + 1));
    });

  program
    .command("graph")
    .description("draw the model as a diagram: layers, branches and merges, the type on every edge, parameter counts")
    .argument("<file>", ".dnn file with the model")
    .requiredOption("-o, --out <file>", "the SVG or HTML file to write")
    .option("--model <name>", "the model to draw, when the file has several")
    .addOption(new Option("--format <format>", "svg (self-contained) or html (the SVG and a foldable list of layers); default from --out's extension").choices(["svg", "html"]))
    .option("--kernels", "outline the kernels the compiler fuses the function into, each over the layers it computes, with its cost")
    .option("--function <name>", "with --kernels: the function whose kernels to draw (forward, the default; train_step; train_step_<program>)")
    .action(async (file: string, opts: import("./graph.ts").GraphOptions) => {
      if (opts.function !== undefined && !opts.kernels) throw new UsageError("--function names the function whose kernels --kernels draws: give --kernels too");
      const { graphCommand } = await import("./graph.ts");
      status = graphCommand(file, readSource(file), opts, { err: io.err, report: (ds) => report(ds, false, io), outputError: (m) => new OutputError(m, 1) });
    });

  program
    .command("lsp")
    .description("run the language server (Language Server Protocol over standard input and output)")
    .option("--stdio", "talk over standard input and output (the default and only transport; editors pass it)")
    .action(async () => {
      const { startServer } = await import("../lsp/server.ts");
      startServer();
      status = await new Promise<number>(() => {}); // serves until the client says exit
    });

  try {
    await program.parseAsync(argv, { from: "user" });
    return status;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.exitCode === 0) return 0; // --help, --version
      if (e.code === "commander.help") return 2; // no command: the usage was printed to stderr
      io.err(`dnnc: ${e.message.replace(/^error: /, "")}\n`);
      return 2;
    }
    return reportError(e, io);
  }
}

/** Says what stopped a command, as one line for a user's mistake and with a plea for a bug report otherwise; the exit status. */
function reportError(e: unknown, io: Io): number {
  if (e instanceof OutputError) {
    io.err(`dnnc: ${e.message}\n`);
    return e.status;
  }
  if (e instanceof UsageError || e instanceof TrainError || e instanceof DatasetMissingError) {
    io.err(`dnnc: ${e.message}\n`);
    return 2;
  }
  const err = e instanceof Error ? e : new Error(String(e));
  io.err(`dnnc: internal compiler error: ${err.message}\nThis is a bug in dnnc, not in your model. Set DNNC_DEBUG=1 for a stack trace.\n`);
  if (process.env["DNNC_DEBUG"]) io.err(`${err.stack}\n`);
  return 3;
}

/** An input file's bytes (not .dnn source); one that cannot be read is a usage error. */
function readInputFile(path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UsageError(`cannot read ${path}: ${code === "ENOENT" ? "no such file" : code === "EISDIR" ? "a directory, not a file" : (e as Error).message}`);
  }
}

/** A --weights file's bytes; one that cannot be read is a usage error. */
function readWeights(path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new UsageError(`cannot read --weights ${path}: ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (e as Error).message}`);
  }
}

/** A FILE argument's text; a file that is missing or cannot be used is a usage error (exit 2). */
function readSource(file: string): string {
  try {
    const text = readSourceFile(file);
    if (text === undefined) throw new UsageError(`cannot read ${file}: no such file`);
    return text;
  } catch (e) {
    if (e instanceof SourceReadError) throw new UsageError(`cannot read ${file}: ${e.message}`);
    throw e;
  }
}

/**
 * A FILE argument's bytes, for `fmt`, which must see bytes that are not UTF-8 to refuse them (the
 * text has them replaced by U+FFFD). readSource first: a file it refuses is refused here too.
 */
function readSourceBytes(file: string): Buffer {
  readSource(file);
  return readFileSync(file);
}

function report(diagnostics: Diagnostic[], json: boolean, io: Io): void {
  if (json) io.out(JSON.stringify(diagnosticsAsJson(diagnostics), null, 2) + "\n");
  else if (diagnostics.length) io.err(formatDiagnostics(diagnostics, { color: io.color, displayPath }));
}

const hasErrors = (ds: readonly Diagnostic[]): boolean => ds.some((d) => d.severity === "error");

/** `compile --emit ir|kernels|wat`: an intermediate form of every model, for people reading the compiler's work. */
async function printIntermediate(emit: string, models: CompiledModel[], after: string | undefined, sourceName: string, io: Io): Promise<void> {
  if (emit === "ir") {
    for (const m of models)
      for (const fn of functionsOf(m)) for (const s of after ? [{ after, fn }] : stages(fn)) io.out(`${irHeading(m.name, s.after, s.fn)}\n${printFn(s.fn)}\n`);
  } else if (emit === "kernels") {
    for (const m of models) for (const fn of functionsOf(m)) io.out(`// model ${m.name}\n${printSchedule(fuse(fn))}\n`);
  } else {
    const [{ wasmKernelsText }, { targetModels }] = await Promise.all([import("../backend/wasm/target.ts"), import("../backend/target.ts")]);
    io.out(wasmKernelsText({ models: targetModels(models), sourceName }));
  }
}

/** Writes what `compile` generated into `outDir` and says what was written and what each model costs. */
/** `compile`, a missing tool for --emit js (TypeScript, esbuild) a usage error: one line, exit 2. */
async function compileOrRefuse(options: CompileOptions): Promise<CompileResult> {
  try {
    return await compile(options);
  } catch (e) {
    throw e instanceof JavaScriptOutputError ? new UsageError(e.message) : e;
  }
}

function printWritten(outDir: string, result: Awaited<ReturnType<typeof compile>>, io: Io): void {
  const models = result.models.map((m) => m.name).join(", ") || "no models";
  // The module's other form goes: an import of ./<name>.js could otherwise find a stale one.
  const base = basename(result.files[0]!.path).replace(/\.(d\.ts|ts|js)$/, "");
  // A package target's files (Python) have no other form.
  const replaces = result.files[0]!.path.endsWith(".py") ? [] : result.files[0]!.path.endsWith(".js") ? [`${base}.ts`] : [`${base}.js`, `${base}.d.ts`];
  const written = writeOutputs(outDir, result, replaces);
  const what = `${written.modules.join(" and ")} (${models})`;
  const sidecar = result.sidecar;
  if (sidecar) {
    const count = result.files.filter((f) => f.kind === "sidecar").length;
    io.err(`wrote ${what} and ${count} ${sidecar.what} in ${sidecar.dir}/\n`);
    if (written.kept.length > 0)
      io.err(`warning: ${sidecar.dir}/ also holds ${written.kept.length === 1 ? "a file" : `${written.kept.length} files`} dnnc did not write, left as they are: ${written.kept.slice(0, 8).join(", ")}${written.kept.length > 8 ? ", …" : ""}\n`);
  } else io.err(`wrote ${what}\n`);
  if (written.removed.length > 0) io.err(`removed ${written.removed.join(" and ")}, which an earlier compile generated in the other form\n`);
  for (const m of result.models) io.err(costSummary(m));
}

/** stdlib and other files below the working directory are shown relative to it. */
function displayPath(path: string): string {
  if (!isAbsolute(path)) return path;
  const rel = relative(process.cwd(), path);
  return rel.startsWith("..") || isAbsolute(rel) ? path : rel;
}

function defaultIo(): Io {
  guardStandardStreams(); // `| head` ends the output quietly, `> /dev/full` in one line
  return {
    out: (s) => void process.stdout.write(s),
    err: (s) => void process.stderr.write(s),
    color: !!process.stderr.isTTY && !process.env["NO_COLOR"],
  };
}

function irHeading(model: string, after: string, fn: Fn): string {
  const nodes = fn.nodes.filter((n) => n.op !== "arg").length;
  return `// model ${model}, ${fn.name}, ${after === "none" ? "as elaborated" : `after ${after}`}: ${nodes} node${nodes === 1 ? "" : "s"}`;
}

const functionsOf = (m: CompiledModel): Fn[] => [m.init, m.forward, ...(m.evaluate ? [m.evaluate] : []), ...(m.train ? [m.train.fn] : []), ...(m.programs ?? []).flatMap((p) => [...(p.evaluate ? [p.evaluate] : []), p.train.fn])];

/** What the model's functions cost once fused, every symbolic size at the batch given. */
function costSummary(m: CompiledModelInfo): string {
  const sizes = Object.entries(m.stats.sizes);
  const at = sizes.length > 0 ? ` at ${sizes.map(([x, n]) => `${x} = ${n}`).join(", ")}` : "";
  const line = (what: string, s: FunctionStats) =>
    `  ${what}${at}: ${s.primitives} primitives in ${s.kernels} kernels, ${mega(s.flops)}FLOP, ${mega(s.bytesMoved)}B moved, peak ${mega(s.workspaceBytes + s.argumentBytes)}B (${mega(s.workspaceBytes)}B workspace + ${mega(s.argumentBytes)}B arguments)\n`;
  return `${m.name}: ${m.stats.parameters.toLocaleString("en-US")} parameters\n${line("forward", m.stats.forward)}${m.stats.trainStep ? line("training step", m.stats.trainStep) : ""}`;
}

const mega = (v: number): string => (v >= 1e9 ? `${(v / 1e9).toFixed(2)} G` : v >= 1e6 ? `${(v / 1e6).toFixed(1)} M` : v >= 1e3 ? `${(v / 1e3).toFixed(1)} k` : `${v} `);
