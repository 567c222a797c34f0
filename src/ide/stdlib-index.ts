// What the standard library offers, by module, for completion of names not yet imported.
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { fsHost, STDLIB_DIR } from "../check/modules.ts";
import { parse } from "../syntax/parse.ts";
import type * as A from "../syntax/ast.ts";
import type { Decl } from "../check/module.ts";

export interface StdlibEntry {
  module: string; // `layers` for stdlib/layers.dnn, imported as std.layers
  decl: Decl;
  source: string; // the module's text, for signatures
}

let index: StdlibEntry[] | undefined;

export function stdlibIndex(): StdlibEntry[] {
  if (index) return index;
  index = [];
  let files: string[] = [];
  try {
    files = readdirSync(STDLIB_DIR).filter((f) => f.endsWith(".dnn")).sort();
  } catch {
    return index;
  }
  for (const f of files) {
    const path = join(STDLIB_DIR, f);
    let text: string;
    try {
      text = fsHost.read(path) ?? "";
    } catch {
      continue; // not a regular file or unreadable (read-source.ts): nothing to offer from it
    }
    for (const d of parse(path, text).ast.decls)
      if (d.kind === "layer" || d.kind === "fn" || d.kind === "init" || d.kind === "optimizer") index.push({ module: f.slice(0, -4), decl: d as Exclude<A.Decl, A.ImportDecl | A.ModelDecl | A.TrainDecl>, source: text });
  }
  return index;
}
