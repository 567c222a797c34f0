// The import graph of src/: every `import … from`, `import type … from`, `export … from`,
// side-effect `import "…"` and dynamic `import("…")` of a relative path, file to file.
// Read with a regular expression over the text, not a parser: enough for import declarations.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";

export interface Edge {
  from: string; // path relative to the repository root, e.g. "src/check/elaborate.ts"
  to: string;
  line: number;
  typeOnly: boolean;
}

const IMPORT = /(?:^|\s|;)(?:import|export)\s+(type\s+)?(?:[^"';]*?\sfrom\s+)?["'](\.{1,2}\/[^"']+)["']|import\(\s*["'](\.{1,2}\/[^"']+)["']\s*\)/g;

export function sourceFiles(root: string, dir = "src"): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) => {
    const path = `${dir}/${e.name}`;
    if (e.isDirectory()) return sourceFiles(root, path);
    return e.name.endsWith(".ts") ? [path] : [];
  });
}

/** Every relative import of every file under src/, in file order. Comment lines are skipped;
 * an import may span lines (`import {` … `} from "./x.ts"`). */
export function importEdges(root: string): Edge[] {
  return sourceFiles(root).flatMap((from) => {
    const text = readFileSync(join(root, from), "utf8").replace(/^\s*(\/\/|\/?\*).*$/gm, (c) => " ".repeat(c.length));
    return [...text.matchAll(IMPORT)].map((m) => ({
      from,
      to: relative(root, normalize(join(root, dirname(from), m[2] ?? m[3]!))).split("\\").join("/"),
      line: text.slice(0, m.index + m[0].length - m[0].trimStart().length).split("\n").length,
      typeOnly: Boolean(m[1]),
    }));
  });
}

/** Strongly connected components of more than one node (Tarjan), each sorted, largest first. */
export function cycles(edges: readonly { from: string; to: string }[]): string[][] {
  const next = new Map<string, string[]>();
  for (const e of edges) {
    if (!next.has(e.from)) next.set(e.from, []);
    if (!next.has(e.to)) next.set(e.to, []);
    next.get(e.from)!.push(e.to);
  }
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v)!) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1) out.push(scc.sort());
    }
  };
  for (const v of next.keys()) if (!index.has(v)) visit(v);
  return out.sort((a, b) => b.length - a.length);
}
