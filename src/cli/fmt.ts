// `dnnc fmt`: formats files in place, or checks them (--check), or prints them (--stdout, `-`).
// main.ts reads the files (so a missing one is a usage error before anything is written); this
// decides what to do with each. A file with syntax errors is never touched: its diagnostics are
// printed and the exit status is 1.
import { writeFileSync } from "node:fs";
import { hasErrors } from "../diagnostics/diagnostic.ts";
import { renderTextAll, type TextOptions } from "../diagnostics/render-text.ts";
import { format } from "../format/format.ts";
import { SourceFile } from "../syntax/source.ts";

export interface FmtOptions {
  check?: boolean;
  stdout?: boolean;
}

export interface FmtIo extends TextOptions {
  out: (s: string) => void;
  err: (s: string) => void;
}

/** `path` "-" is standard input, formatted to standard output. Returns the exit status. */
export function formatFiles(inputs: { path: string; text: string }[], opts: FmtOptions, io: FmtIo): number {
  let status = 0;
  const unformatted: string[] = [];
  for (const { path, text } of inputs) {
    const name = path === "-" ? "<stdin>" : path;
    const result = format(name, text);
    if (hasErrors(result.diagnostics)) {
      const source = new SourceFile(name, text);
      io.err(renderTextAll(result.diagnostics, (p) => (p === name ? source : undefined), io));
      status = Math.max(status, 1);
    } else if (opts.check) {
      if (result.text !== text) unformatted.push(name);
    } else if (opts.stdout || path === "-") io.out(result.text);
    else if (result.text !== text) {
      try {
        writeFileSync(path, result.text);
      } catch (e) {
        io.err(`dnnc: cannot write ${path}: ${e instanceof Error ? e.message : String(e)}\n`);
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
