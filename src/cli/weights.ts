// `dnnc weights FILE --from-pytorch IN --out OUT` (a PyTorch state_dict into a dnnc checkpoint)
// and `--to-pytorch IN` (the other way): reads the files, runs the API's convertPytorchWeights,
// prints its report (or the report as JSON) on standard output, and writes OUT only when every
// parameter paired. Exit 0 written, 1 the .dnn file has errors or the weights do not pair (the
// report says what did not), 2 a usage error (thrown as a WeightsError for main to say in one line).
import { readFileSync } from "node:fs";
import type { Diagnostic } from "../api.ts";
import { convertPytorchWeights, formatReport, WeightsError } from "../api/weights.ts";
import { OutputError } from "./outputs.ts";
import { describeFsError, writeFileAtomically } from "./write-file.ts";

export interface WeightsOptions {
  fromPytorch?: string;
  toPytorch?: string;
  out: string;
  model?: string;
  map?: string;
  like?: string;
  allowUnused?: boolean;
  json?: boolean;
}

interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
}

function readBytes(flag: string, path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new WeightsError(`cannot read ${flag} ${path}: ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (e as Error).message}`);
  }
}

function readMap(path: string): Record<string, string> {
  const text = new TextDecoder().decode(readBytes("--map", path));
  try {
    return JSON.parse(text) as Record<string, string>;
  } catch (e) {
    throw new WeightsError(`--map ${path} is not JSON: ${(e as Error).message}`);
  }
}

export function runWeights(file: string, text: string, opts: WeightsOptions, io: Io, report: (d: Diagnostic[]) => void): number {
  if ((opts.fromPytorch === undefined) === (opts.toPytorch === undefined)) throw new WeightsError("give one of --from-pytorch <state_dict.safetensors> and --to-pytorch <checkpoint.safetensors>");
  if (opts.like !== undefined && opts.toPytorch === undefined) throw new WeightsError("--like goes with --to-pytorch (the state_dict whose names and order to write)");
  if (opts.allowUnused && opts.fromPytorch === undefined) throw new WeightsError("--allow-unused goes with --from-pytorch");
  const from = opts.fromPytorch !== undefined;
  const input = from ? opts.fromPytorch! : opts.toPytorch!;
  const result = convertPytorchWeights({
    path: file,
    text,
    direction: from ? "from-pytorch" : "to-pytorch",
    weights: readBytes(from ? "--from-pytorch" : "--to-pytorch", input),
    weightsPath: input,
    ...(opts.model === undefined ? {} : { model: opts.model }),
    ...(opts.map === undefined ? {} : { map: readMap(opts.map) }),
    ...(opts.like === undefined ? {} : { like: readBytes("--like", opts.like), likePath: opts.like }),
    ...(opts.allowUnused ? { allowUnused: true } : {}),
  });
  report(result.diagnostics);
  if (!result.report) return 1;
  io.out(opts.json ? `${JSON.stringify(result.report, null, 2)}\n` : formatReport(result.report));
  if (!result.ok) {
    io.err(`dnnc: nothing written: ${result.report.unmatchedLayers.length ? "not every layer of the model was paired" : result.report.problems.length ? "the map has problems" : "some PyTorch tensors are read by no parameter (--allow-unused loads anyway)"}\n`);
    return 1;
  }
  try {
    writeFileAtomically(opts.out, result.bytes!);
  } catch (e) {
    throw new OutputError(`cannot write ${opts.out}: ${describeFsError(e)}`, 1);
  }
  io.err(`wrote ${opts.out} (model ${result.model}, ${from ? "dnnc checkpoint" : "PyTorch state_dict"}, ${(result.bytes!.length / 1024).toFixed(1)} kB)\n`);
  return 0;
}
