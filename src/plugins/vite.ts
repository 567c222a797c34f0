// `import dnnc from "dnnc/vite"`: a Vite plugin that compiles each imported .dnn file through the
// API, in `vite build` and in the dev server. The generated module reaches Vite as JavaScript
// (`emit: "js"`: Vite transforms TypeScript by file name, and this one's ends in .dnn). Errors fail the build, or show in the dev server's overlay, with their file,
// line and column; every file the module was compiled from (its imports, the standard
// library's) is a watched dependency, so editing any of them updates the page (HMR).
import type { Plugin } from "vite";
import { compile, formatDiagnostics, type Diagnostic, type TargetName } from "../api.ts";
import { writeDeclarations } from "./declarations.ts";

export interface DnncViteOptions {
  /** The target every .dnn file is compiled for. Default "ts". */
  target?: TargetName;
  /** Write `<file>.dnn.d.ts` beside each .dnn file, for editors. Default true. */
  declarations?: boolean;
}

const where = (d: Diagnostic) => `${d.location.file}:${d.location.line}:${d.location.column}`;

export function dnnc(options: DnncViteOptions = {}): Plugin {
  // The .dnn files each file was last compiled into, failed compilations included: Vite links a
  // watched file to the module that watched it only when its load succeeded.
  const dependents = new Map<string, Set<string>>();
  return {
    name: "dnnc",
    enforce: "pre",
    async load(id) {
      const path = id.split("?")[0]!;
      if (!path.endsWith(".dnn")) return null;
      const result = await compile({ path, emit: "js", ...(options.target ? { target: options.target } : {}) });
      for (const file of result.inputs)
        if (file !== path) {
          this.addWatchFile(file);
          dependents.set(file, (dependents.get(file) ?? new Set()).add(path));
        }
      for (const d of result.diagnostics) if (d.severity !== "error") this.warn({ message: `${where(d)}: ${d.message} [${d.code}]`, id: d.location.file, loc: { file: d.location.file, line: d.location.line, column: d.location.column - 1 } });
      const errors = result.diagnostics.filter((d) => d.severity === "error");
      const first = errors[0];
      if (first) {
        const more = errors.length > 1 ? ` (and ${errors.length - 1} more error${errors.length > 2 ? "s" : ""})` : "";
        this.error({
          message: `${where(first)}: ${first.message} [${first.code}]${more}`,
          id: first.location.file,
          loc: { file: first.location.file, line: first.location.line, column: first.location.column - 1 },
          frame: formatDiagnostics(errors),
          plugin: "dnnc",
        });
      }
      const module = result.files.find((f) => f.kind === "module")!;
      if (options.declarations !== false) writeDeclarations(path, result.files.find((f) => f.kind === "declarations")!.contents);
      return { code: module.contents, map: null };
    },
    hotUpdate({ file, modules }) {
      const compiled = [...(dependents.get(file) ?? [])].flatMap((path) => [...(this.environment.moduleGraph.getModulesByFile(path) ?? [])]);
      if (compiled.length === 0) return;
      return [...new Set([...modules, ...compiled])];
    },
  };
}

export default dnnc;
