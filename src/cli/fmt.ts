// `dnnc fmt`: formats files in place, or checks them (--check), or prints them (--stdout, `-`).
// main.ts reads the files (so a missing one is a usage error before anything is written); this
// decides what to do with each. A file with syntax errors is never touched: its diagnostics are
// printed and the exit status is 1. A file that is not UTF-8 is refused before anything is
// written (exit 2): decoding would replace its bad bytes with U+FFFD, and writing would lose them.
// A file is rewritten through a temporary file and a rename, so it is never left half written.
import { stUtf8 } from "../runtime/safetensors.ts";
import { format, formatDiagnostics, type FormatDiagnosticsOptions } from "../api.ts";
import { describeFsError, writeFileAtomically } from "./write-file.ts";

export interface FmtOptions {
  check?: boolean;
  stdout?: boolean;
}

export interface FmtIo extends FormatDiagnosticsOptions {
  out: (s: string) => void;
  err: (s: string) => void;
}

/** `path` "-" is standard input, formatted to standard output. Returns the exit status. */
export function formatFiles(files: { path: string; bytes: Uint8Array }[], opts: FmtOptions, io: FmtIo): number {
  const inputs = files.map(({ path, bytes }) => ({ path, text: decodeUtf8(bytes) }));
  const undecodable = inputs.filter((f): f is { path: string; text: number } => typeof f.text === "number");
  for (const { path, text: at } of undecodable) io.err(`dnnc: ${path === "-" ? "<stdin>" : path} is not valid UTF-8 (byte ${at} is not part of a UTF-8 character): nothing formatted\n`);
  if (undecodable.length > 0) return 2;
  let status = 0;
  const unformatted: string[] = [];
  for (const { path, text } of inputs as { path: string; text: string }[]) {
    const name = path === "-" ? "<stdin>" : path;
    const result = format({ path: name, text });
    if (!result.ok) {
      io.err(formatDiagnostics(result.diagnostics, io));
      status = Math.max(status, 1);
    } else if (opts.check) {
      if (result.changed) unformatted.push(name);
    } else if (opts.stdout || path === "-") io.out(result.text);
    else if (result.changed) {
      try {
        writeFileAtomically(path, result.text);
      } catch (e) {
        io.err(`dnnc: cannot write ${path}: ${describeFsError(e)}\n`);
        status = 2;
      }
    }
  }
  if (unformatted.length > 0) {
    io.out(unformatted.map((f) => `${f}\n`).join(""));
    io.err(`${unformatted.length} file${unformatted.length === 1 ? " is" : "s are"} not formatted (dnnc fmt rewrites them)\n`);
    status = Math.max(status, 1);
  }
  return status;
}

/** The text, or the offset of the first byte that is not part of a UTF-8 character. A byte order mark is kept as U+FEFF. */
function decodeUtf8(bytes: Uint8Array): string | number {
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    const at = stUtf8(bytes, 0, bytes.length); // the same strict rules, and where they fail
    return typeof at === "number" ? at : 0;
  }
}
