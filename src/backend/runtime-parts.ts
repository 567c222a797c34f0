// The runtime a generated module carries, linked the way esbuild includes its runtime: the
// runtime is real, type-checked source (src/runtime/, split into files by feature), and a module
// gets a file's `dnnc:helpers` region (imports before it left out, `export`s dropped) only when
// its code — the generated part or a runtime part already included — names something the file
// declares. Identifiers decide, not types of use: a name the generator uses only in a comment
// still pulls its part in, which costs size, never correctness.
import { readFileSync } from "node:fs";

/** One file of the runtime: its region's text and the top-level names it declares. */
export interface RuntimePart {
  file: string;
  code: string;
  declares: readonly string[];
}

const BEGIN = "// dnnc:helpers-begin";
const END = "// dnnc:helpers-end";
const DECLARATION = /^(?:export )?(?:abstract )?(?:async )?(?:function\*?|const|let|var|class|interface|type) ([A-Za-z_$][\w$]*)/gm;
const IDENTIFIER = /[A-Za-z_$][\w$]*/g;

/** The part of file `file` (a path under src/, "runtime/cpu/memory.ts"). */
export function runtimePart(file: string): RuntimePart {
  const text = readFileSync(new URL(`../${file}`, import.meta.url), "utf8");
  const begin = text.indexOf(BEGIN);
  const end = text.indexOf(END);
  if (begin < 0 || end < begin) throw new Error(`dnnc: ${file} has no ${BEGIN} … ${END} region`);
  const code = text.slice(begin + BEGIN.length, end).replace(/^export /gm, "").trim();
  return { file, code, declares: [...code.matchAll(DECLARATION)].map((m) => m[1]!) };
}

/**
 * The parts of `parts` that `code` uses, directly or through each other, in the order of
 * `parts` (an order in which each part's top-level values only use earlier parts).
 */
export function linkRuntime(parts: readonly RuntimePart[], code: string): string {
  const named = new Set(code.match(IDENTIFIER));
  const used = new Set<RuntimePart>();
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of parts)
      if (!used.has(p) && p.declares.some((d) => named.has(d))) {
        used.add(p);
        for (const id of p.code.match(IDENTIFIER) ?? []) named.add(id);
        grew = true;
      }
  }
  return parts.filter((p) => used.has(p)).map((p) => p.code).join("\n\n");
}
