// The interchange commands of `dnnc`: `export` (a model as ONNX), `import` (an ONNX model as .dnn
// source and weights) and `weights` (PyTorch state_dicts ↔ dnnc checkpoints). main.ts registers
// them with what every command shares (reporting, reading files, the exit status).
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { Option, type Command } from "commander";
import type { Diagnostic } from "../api.ts";
import type { ExportFormat } from "../api/export.ts";
import { unexportableModelName } from "../check/model-names.ts";
import { renderTextAll } from "../diagnostics/render-text.ts";
import { OutputError } from "./outputs.ts";
import type { WeightsOptions } from "./weights.ts";
import { describeFsError, writeFileAtomically } from "./write-file.ts";

export interface CliContext {
  io: { out: (s: string) => void; err: (s: string) => void; color: boolean };
  report(diagnostics: Diagnostic[], json: boolean): void;
  setStatus(status: number): void;
  /** A usage error (exit 2, one line). */
  usage(message: string): Error;
  readSource(file: string): string;
  readInputFile(path: string): Uint8Array;
  readWeights(path: string): Uint8Array;
  displayPath(path: string): string;
}

export function registerInterchange(program: Command, cli: CliContext): void {
  program
    .command("export")
    .description("write a model's inference forward and weights in another format: onnx (for onnxruntime and every ONNX runtime)")
    .argument("<file>", ".dnn file holding the model")
    .addOption(new Option("--format <format>", "the format to write").choices(["onnx"] satisfies ExportFormat[]).makeOptionMandatory())
    .option("--model <name>", "the model to export, when the file has several")
    .option("--weights <checkpoint>", "safetensors file with the parameters (a model's save(), a `dnnc train` checkpoint); default: the initializers' values")
    .option("--seed <n>", "without --weights: the seed the initializers run from, as create({ seed })", "0")
    .requiredOption("-o, --out <file>", "the file to write (FILE.onnx)")
    .option("--json", "print diagnostics as JSON")
    .action(async (file: string, opts: { format: ExportFormat; model?: string; weights?: string; seed: string; out: string; json?: boolean }) => {
      const seed = Number(opts.seed);
      if (!Number.isInteger(seed)) throw cli.usage(`--seed must be an integer, received '${opts.seed}'`);
      const weights = opts.weights === undefined ? undefined : cli.readWeights(opts.weights);
      const { exportModel } = await import("../api/export.ts");
      // An unknown or unnamed model and weights that do not fit are diagnostics (DNN0105, DNN076x), reported as a file's errors are.
      const result = exportModel({ path: file, text: cli.readSource(file), format: opts.format, seed, ...(opts.model === undefined ? {} : { model: opts.model }), ...(weights ? { weights, weightsPath: opts.weights! } : {}) });
      cli.report(result.diagnostics, !!opts.json);
      cli.setStatus(result.ok ? 0 : 1);
      if (!result.ok) return;
      try {
        writeFileAtomically(opts.out, result.bytes!);
      } catch (e) {
        throw new OutputError(`cannot write ${opts.out}: ${describeFsError(e)}`, 1);
      }
      cli.io.err(`wrote ${opts.out} (model ${result.model}, ${opts.format}, ${(result.bytes!.length / 1024).toFixed(1)} kB)\n`);
    });

  program
    .command("import")
    .description("translate an ONNX model (torch.onnx.export's) into a .dnn file using stdlib layers, and its weights into a safetensors file in dnnc's layout")
    .argument("<file>", "the ONNX model (FILE.onnx)")
    .requiredOption("-o, --out <dir>", "the directory to write DIR/NAME.dnn and DIR/NAME.safetensors into (created if missing)")
    .option("--name <model>", "the model's name in the .dnn file (default: from the file's name, cnn_bn.onnx → CnnBn)")
    .option("--no-train", "write no train block (one is written for a model with a single [B, K] output)")
    .option("--json", "print diagnostics as JSON")
    .action(async (file: string, opts: { out: string; name?: string; train: boolean; json?: boolean }) => {
      if (opts.name !== undefined && !/^[A-Za-z_]\w*$/.test(opts.name)) throw cli.usage(`--name must be an identifier (letters, digits and _), received '${opts.name}'`);
      const unexportable = opts.name === undefined ? undefined : unexportableModelName(opts.name);
      if (unexportable) throw cli.usage(`--name ${opts.name}: ${unexportable}`);
      const bytes = cli.readInputFile(file);
      const { importOnnx } = await import("../api/import.ts");
      const result = importOnnx({ bytes, path: file, ...(opts.name === undefined ? {} : { name: opts.name }), train: opts.train });
      // The problems are in a binary file: no source line to show, only the file.
      if (opts.json || result.ok) cli.report(result.diagnostics, !!opts.json);
      else cli.io.err(renderTextAll(result.diagnostics.map((d) => ({ code: d.code, severity: d.severity, message: d.message, span: { file: d.location.file, start: 0, end: 0 }, related: [] })), () => undefined, { color: cli.io.color, displayPath: cli.displayPath }));
      cli.setStatus(result.ok ? 0 : 1);
      if (!result.ok) return;
      const dnnPath = join(opts.out, result.dnn!.name);
      const weightsPath = join(opts.out, result.weights!.name);
      try {
        mkdirSync(opts.out, { recursive: true });
        writeFileAtomically(dnnPath, result.dnn!.text);
        writeFileAtomically(weightsPath, result.weights!.bytes);
      } catch (e) {
        throw new OutputError(`cannot write into ${opts.out}: ${describeFsError(e)}`, 1);
      }
      const layers = result.layers.map((l) => (l.count === 1 ? l.layer : `${l.layer} ×${l.count}`)).join(", ");
      cli.io.err(`wrote ${dnnPath} (model ${result.model}) and ${weightsPath} (${(result.weights!.bytes.length / 1024).toFixed(1)} kB)\n`);
      cli.io.err(`recognised: ${layers || "no stdlib layers (plain primitives)"}\n`);
    });

  program
    .command("weights")
    .description("convert weights between a PyTorch state_dict (safetensors) and a model's dnnc checkpoint, pairing layers by a map or in order, and report what paired")
    .argument("<file>", ".dnn file holding the model")
    .option("--from-pytorch <state_dict>", "read a PyTorch state_dict saved as safetensors; write the model's parameters as a dnnc checkpoint")
    .option("--to-pytorch <checkpoint>", "read a dnnc checkpoint (a model's save(), `dnnc train`'s); write it as a PyTorch state_dict")
    .requiredOption("-o, --out <file>", "the safetensors file to write")
    .option("--model <name>", "the model, when the file has several")
    .option("--map <json>", 'a JSON file of pairings {"dnnc layer or parameter": "PyTorch module or tensor"}; the rest pair in order')
    .option("--like <state_dict>", "with --to-pytorch: write the names, order and num_batches_tracked of this state_dict (the one the weights came from)")
    .option("--allow-unused", "with --from-pytorch: load even when some PyTorch tensors pair with no parameter")
    .option("--json", "print the report as JSON (WeightsReport in docs/interchange.md)")
    .action(async (file: string, opts: WeightsOptions) => {
      const { runWeights } = await import("./weights.ts");
      const { WeightsError } = await import("../api/weights.ts");
      try {
        cli.setStatus(runWeights(file, cli.readSource(file), opts, cli.io, (d) => cli.report(d, false))); // --json is the report's; diagnostics stay text
      } catch (e) {
        throw e instanceof WeightsError ? cli.usage(e.message) : e;
      }
    });
}
