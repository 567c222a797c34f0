// `import dnnc from "dnnc/esbuild"`: an esbuild plugin that compiles each imported .dnn file
// through the API and hands esbuild the generated module as JavaScript. Diagnostics become
// esbuild's errors and warnings, with their file, line and column; `watchFiles` names every file
// the module was compiled from (its imports and the standard library's), so esbuild's watch
// mode and `context.rebuild()` compile again when one changes.
import type { Location as EsbuildLocation, PartialMessage, PartialNote, Plugin } from "esbuild";
import { dirname } from "node:path";
import { compile, type Diagnostic, type Location, type TargetName } from "../api.ts";
import { writeDeclarations } from "./declarations.ts";

export interface DnncEsbuildOptions {
  /** The target every .dnn file is compiled for. Default "ts". */
  target?: TargetName;
  /** Write `<file>.dnn.d.ts` beside each .dnn file, for editors. Default true. */
  declarations?: boolean;
}

/** esbuild's location: 1-based lines, 0-based columns and lengths in UTF-8 bytes. */
function esbuildLocation(l: Location): EsbuildLocation {
  const before = l.lineText.slice(0, l.column - 1);
  const sameLine = l.endLine === l.line ? l.lineText.slice(l.column - 1, l.endColumn - 1) : l.lineText.slice(l.column - 1);
  return { file: l.file, namespace: "file", line: l.line, column: Buffer.byteLength(before), length: Buffer.byteLength(sameLine), lineText: l.lineText, suggestion: "" };
}

/** A diagnostic as esbuild's message: related places and the hint as notes, the diagnostic itself as `detail`. */
function message(d: Diagnostic): PartialMessage {
  const notes: PartialNote[] = d.related.map((r) => ({ text: r.message, location: esbuildLocation(r.location) }));
  if (d.hint !== undefined) notes.push({ text: `hint: ${d.hint}` });
  return { id: d.code, text: `${d.message} [${d.code}]`, location: esbuildLocation(d.location), notes, detail: d };
}

export function dnnc(options: DnncEsbuildOptions = {}): Plugin {
  return {
    name: "dnnc",
    setup(build) {
      build.onLoad({ filter: /\.dnn$/ }, async (args) => {
        const result = await compile({ path: args.path, emit: "js", ...(options.target ? { target: options.target } : {}) });
        const errors = result.diagnostics.filter((d) => d.severity === "error").map(message);
        const warnings = result.diagnostics.filter((d) => d.severity !== "error").map(message);
        const watchFiles = result.inputs;
        const module = result.files.find((f) => f.kind === "module");
        if (!result.ok || !module) return { errors, warnings, watchFiles };
        if (options.declarations !== false) writeDeclarations(args.path, result.files.find((f) => f.kind === "declarations")!.contents);
        return { contents: module.contents, loader: "js", resolveDir: dirname(args.path), warnings, watchFiles };
      });
    },
  };
}

export default dnnc;
