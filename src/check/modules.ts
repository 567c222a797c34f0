// Loading modules: a file plus everything it imports. `std.X` names stdlib/X.dnn; any other
// dotted path is a .dnn file relative to the importing file (a.b → a/b.dnn).
import { readdirSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type * as A from "../syntax/ast.ts";
import { lex, parse, type ParseResult } from "../syntax/parse.ts";
import type { SourceFile, Span } from "../syntax/source.ts";
import { diagnostic, appendAll, type Diagnostic } from "../diagnostics/diagnostic.ts";
import { didYouMean } from "./suggest.ts";
import { bindModule } from "./binder.ts";
import type { Module } from "./module.ts";
import { readSourceFile, SourceReadError } from "./read-source.ts";
import { storedStdlibParse } from "./stored-stdlib.ts";

export type { Module };

export const STDLIB_DIR = resolve(dirname(fileURLToPath(import.meta.url)), "../../stdlib");

export interface Program {
  modules: Map<string, Module>;
  diagnostics: Diagnostic[];
  sources: Map<string, SourceFile>;
}

export interface Host {
  /** The text at `path`; undefined when there is no such file. May throw SourceReadError when
   * the file exists but cannot be used (reported at the `import`, DNN0107 / DNN0108). */
  read(path: string): string | undefined;
}

export const fsHost: Host = { read: readSourceFile };

export function moduleFile(path: string[], from: string): string {
  if (path[0] === "std" && path.length > 1) return join(STDLIB_DIR, ...path.slice(1)) + ".dnn";
  return join(dirname(from), ...path) + ".dnn";
}

/** Parse `path` and, transitively, what it imports. Editors pass the entry's text, and its
 * parse when they have re-parsed only what an edit touched (src/ide/reparse.ts). */
export function loadProgram(path: string, text: string, host: Host = fsHost, program?: Program, parsed?: ParseResult): { program: Program; entry: Module } {
  const prog = program ?? { modules: new Map(), diagnostics: [], sources: new Map() };
  const entry = load(path, text, host, prog, parsed);
  return { program: prog, entry };
}

// Parsed stdlib files, reused while their text is unchanged: every check imports them, and
// parsing them again was ~20% of checking a large file (bench/check-speed.ts). ASTs are
// never mutated after parsing, so sharing them is safe.
const stdlibParses = new Map<string, ParseResult>();

function parseCached(path: string, text: string): ParseResult {
  if (!path.startsWith(STDLIB_DIR)) return parse(path, text);
  const hit = stdlibParses.get(path);
  if (hit && hit.source.text === text) return hit;
  const parsed = storedStdlibParse(path, relative(STDLIB_DIR, path), text) ?? parse(path, text);
  stdlibParses.set(path, parsed);
  return parsed;
}

function load(path: string, text: string, host: Host, prog: Program, parsed = parseCached(path, text)): Module {
  const mod: Module = { path, ast: parsed.ast, source: parsed.source, scope: new Map(), poisoned: new Set(), models: new Map(), trains: [], references: [] };
  prog.modules.set(path, mod);
  prog.sources.set(path, parsed.source);
  appendAll(prog.diagnostics, parsed.diagnostics);

  const seen = new Map<string, A.Ident>();
  for (const d of parsed.ast.decls) {
    if (d.kind === "import" || d.kind === "train") {
      if (d.kind === "train") {
        // One default program per model, and each named program once.
        const prev = mod.trains.find((t) => t.model.name === d.model.name && d.model.name && t.program?.name === d.program?.name);
        if (prev && d.program)
          prog.diagnostics.push(diagnostic("DNN0407", d.program.span, `\`${d.model.name}\` already has a train program \`${d.program.name}\``, { related: [{ span: prev.program!.span, message: "first defined here" }], hint: "merge the two blocks, or give this one another name" }));
        else if (prev) prog.diagnostics.push(diagnostic("DNN0407", d.model.span, `\`${d.model.name}\` already has a train block`, { related: [{ span: prev.model.span, message: "first train block here" }], hint: `merge the two blocks, or name the second program (\`train ${d.model.name}.finetune { … }\`)` }));
        else mod.trains.push(d);
      }
      continue;
    }
    const name = d.name;
    if (!name.name) continue;
    const prev = seen.get(name.name);
    if (prev) {
      prog.diagnostics.push(diagnostic("DNN0104", name.span, `\`${name.name}\` is defined twice`, { related: [{ span: prev.span, message: "first defined here" }] }));
      continue;
    }
    seen.set(name.name, name);
    if (d.kind === "model") mod.models.set(name.name, d);
    mod.scope.set(name.name, { decl: d, module: mod }); // a model is also a layer (§8.2)
  }

  for (const d of parsed.ast.decls) if (d.kind === "import") importInto(mod, d, host, prog);
  const bound = bindModule(mod, { stdlibHome: stdlibHomes(host), syntaxErrors: parsed.diagnostics.some((d) => d.severity === "error") });
  appendAll(prog.diagnostics, bound.diagnostics);
  appendAll(mod.references, bound.references);
  if (path.startsWith(STDLIB_DIR)) stdlibLoads.set(path, { module: mod, diagnostics: prog.diagnostics.filter((d) => d.span.file === path) });
  return mod;
}

function importInto(mod: Module, imp: A.ImportDecl, host: Host, prog: Program): void {
  if (imp.path.length === 0) return;
  if (imp.wildcard && imp.path.length === 1 && imp.path[0]!.name === "std") return wildcardStdlib(mod, imp, imp.wildcard, host, prog);
  const file = moduleFile(imp.path.map((p) => p.name), mod.path);
  let target = prog.modules.get(file) ?? reuseStdlib(file, host, prog);
  if (!target) {
    const pathSpan = mod.source.span(imp.path[0]!.span.start, imp.path[imp.path.length - 1]!.span.end);
    const dotted = imp.path.map((p) => p.name).join(".");
    const shown = imp.path[0]!.name === "std" ? `stdlib/${imp.path.slice(1).map((p) => p.name).join("/")}.dnn` : relative(dirname(mod.path), file) || file;
    let text: string | undefined;
    try {
      text = host.read(file);
    } catch (e) {
      if (!(e instanceof SourceReadError)) throw e;
      const code = e.kind === "unreadable" ? "DNN0107" : "DNN0108";
      prog.diagnostics.push(diagnostic(code, pathSpan, `cannot read module \`${dotted}\` (${shown}): ${e.message}`, e.kind === "unreadable" ? {} : { hint: "an import names a .dnn source file" }));
      for (const n of imp.names) mod.poisoned.add(n.name);
      return;
    }
    if (text === undefined) {
      const hint = imp.path[0]!.name === "std" ? didYouMean(imp.path[1]?.name ?? "", stdlibModules(host)) : undefined;
      prog.diagnostics.push(diagnostic("DNN0102", pathSpan, `no module \`${dotted}\` (looked for ${shown})`, hint ? { hint: `did you mean \`std.${hint}\`?` } : {}));
      for (const n of imp.names) mod.poisoned.add(n.name);
      return;
    }
    target = load(file, text, host, prog);
  }
  if (imp.wildcard) wildcardImport(mod, imp, imp.wildcard, target, prog);
  for (const n of imp.names) {
    const found = target.scope.get(n.name);
    if (!found) {
      const alt = didYouMean(n.name, [...target.scope.keys()]);
      prog.diagnostics.push(
        diagnostic("DNN0103", n.span, `\`${n.name}\` is not defined in \`${imp.path.map((p) => p.name).join(".")}\``, alt ? { hint: `did you mean \`${alt}\`?`, suggestion: alt } : {}),
      );
      mod.poisoned.add(n.name);
      continue;
    }
    const clash = mod.scope.get(n.name);
    if (clash && clash.module === mod) {
      prog.diagnostics.push(diagnostic("DNN0104", n.span, `import of \`${n.name}\` clashes with a definition in this file`, { related: [{ span: clash.decl.name.span, message: "defined here" }] }));
      continue;
    }
    mod.scope.set(n.name, found);
    mod.references.push({ name: n.name, span: n.span, target: found.decl.name.span });
  }
}

/** `import std.layers.*` is refused (an import lists what it brings in, so a reader can tell
 * where a name comes from), with the import to write instead: the names of the module this
 * file uses. Those names are still imported, so their uses report nothing more. */
function wildcardImport(mod: Module, imp: A.ImportDecl, at: Span, target: Module, prog: Program): void {
  const dotted = imp.path.map((p) => p.name).join(".");
  const used = new Set<string>();
  for (const t of lex(mod.source.text).tokens) {
    const name = t.image;
    if (t.tokenType.name !== "Identifier" || used.has(name) || mod.scope.has(name)) continue;
    const found = target.scope.get(name);
    if (found && found.module === target) used.add(name), mod.scope.set(name, found), mod.references.push({ name, span: at, target: found.decl.name.span });
  }
  const list = used.size > 0 ? [...used].join(", ") : [...target.scope.keys()].filter((k) => target.scope.get(k)!.module === target).slice(0, 3).join(", ") + ", …";
  prog.diagnostics.push(diagnostic("DNN0109", mod.source.span(imp.span.start, at.end), `wildcard imports are not supported: an import names what it brings in`, {
    hint: used.size > 0 ? `write \`import ${dotted}.{${list}}\`` : `list the names you use: \`import ${dotted}.{${list}}\``,
  }));
}

/** `import std.*`: refused like any wildcard, with the imports to write, one per stdlib module
 * the file uses names of; those are imported, so their uses report nothing more. */
function wildcardStdlib(mod: Module, imp: A.ImportDecl, at: Span, host: Host, prog: Program): void {
  const stdlibHome = stdlibHomes(host);
  const byModule = new Map<string, A.Ident[]>();
  const seen = new Set<string>();
  for (const t of lex(mod.source.text).tokens) {
    if (t.tokenType.name !== "Identifier" || seen.has(t.image) || mod.scope.has(t.image)) continue;
    seen.add(t.image);
    const home = stdlibHome(t.image);
    if (home) byModule.set(home, [...(byModule.get(home) ?? []), { name: t.image, span: at }]);
  }
  const imports = [...byModule].map(([m, names]) => `import std.${m}.{${names.map((n) => n.name).join(", ")}}`);
  prog.diagnostics.push(diagnostic("DNN0109", mod.source.span(imp.span.start, at.end), `wildcard imports are not supported: an import names what it brings in`, {
    hint: imports.length > 0 ? `write ${imports.map((i) => `\`${i}\``).join(" and ")}` : "import a module's names in braces, e.g. `import std.layers.{Dense}`",
  }));
  for (const [m, names] of byModule) importInto(mod, { kind: "import", path: [imp.path[0]!, { name: m, span: imp.path[0]!.span }], names, span: imp.span }, host, prog);
}

// Loaded stdlib modules, reused by later programs while their text is unchanged: an editor
// checks after every keystroke, and binding the stdlib again each time was a third of that.
// A stdlib module imports only stdlib modules, and a loaded module is never changed.
const stdlibLoads = new Map<string, { module: Module; diagnostics: Diagnostic[] }>();

function reuseStdlib(file: string, host: Host, prog: Program): Module | undefined {
  if (!file.startsWith(STDLIB_DIR)) return undefined;
  const hit = stdlibLoads.get(file);
  if (!hit || readOrUndefined(host, file) !== hit.module.source.text) return undefined;
  // Register it and what it imports, as loading them would have.
  const add = (m: Module) => {
    if (prog.modules.has(m.path)) return;
    const cached = stdlibLoads.get(m.path);
    prog.modules.set(m.path, m);
    prog.sources.set(m.path, m.source);
    prog.diagnostics.push(...(cached?.diagnostics ?? []));
    for (const { module } of m.scope.values()) add(module);
  };
  add(hit.module);
  return hit.module;
}

/** The stdlib module that defines `name` (`layers` for `Dense`), for the hint of an unknown name.
 * Built when the first unknown name is met (the stdlib is read and parsed only then) and kept
 * for the rest of one check: a file with many unknown names reads the folder once. */
function stdlibHomes(host: Host): (name: string) => string | undefined {
  let homes: Map<string, string> | undefined;
  return (name) => {
    if (!homes) {
      homes = new Map();
      for (const m of stdlibModules(host)) {
        const path = join(STDLIB_DIR, m + ".dnn");
        const text = readOrUndefined(host, path);
        if (text === undefined) continue;
        for (const d of parseCached(path, text).ast.decls) if (d.kind !== "import" && d.kind !== "train" && !homes.has(d.name.name)) homes.set(d.name.name, m);
      }
    }
    return homes.get(name);
  };
}

function stdlibModules(host: Host): string[] {
  // Every stdlib/*.dnn file is a module; reading the folder keeps suggestions in step with it.
  try {
    return readdirSync(STDLIB_DIR).filter((f) => f.endsWith(".dnn")).map((f) => f.slice(0, -4)).filter((m) => readOrUndefined(host, join(STDLIB_DIR, m + ".dnn")) !== undefined);
  } catch {
    return [];
  }
}

/** A file's text, or undefined when it is missing or cannot be used (reported where it is imported). */
function readOrUndefined(host: Host, path: string): string | undefined {
  try {
    return host.read(path);
  } catch (e) {
    if (e instanceof SourceReadError) return undefined;
    throw e;
  }
}
