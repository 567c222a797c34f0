// The runtime a generated module carries, linked the way esbuild includes its runtime: the
// runtime is real, type-checked source (src/runtime/, split into files by feature), and a module
// gets each top-level declaration of a file's `dnnc:helpers` region (imports before it left out,
// `export`s dropped) only when its code — the generated part or runtime already included —
// names it. So a module declares nothing it does not use, which a consumer's noUnusedLocals
// would refuse. Identifiers decide, not types of use; comments do not count (a name in one, say
// an IR line of a kernel's comment, would link a declaration nothing calls, which noUnusedLocals
// refuses): block comments and whole-line `//` comments are left out of the search.
import { runtimeSource } from "./runtime-sources.ts";

/** One top-level declaration of the runtime (with the comments above it) and the names it declares. */
export interface RuntimeChunk {
  code: string;
  declares: readonly string[];
}

/** One file of the runtime: its region's text, the top-level names it declares, and its declarations one by one. */
export interface RuntimePart {
  file: string;
  code: string;
  declares: readonly string[];
  chunks: readonly RuntimeChunk[];
}

const BEGIN = "// dnnc:helpers-begin";
const END = "// dnnc:helpers-end";
const DECLARATION = /^(?:export )?(?:abstract )?(?:async )?(?:function\*?|const|let|var|class|interface|type) ([A-Za-z_$][\w$]*)/gm;
const IDENTIFIER = /[A-Za-z_$][\w$]*/g;

/** The part of file `file` (a path under src/, "runtime/cpu/memory.ts"). */
export function runtimePart(file: string): RuntimePart {
  const text = runtimeSource(file);
  const begin = text.indexOf(BEGIN);
  const end = text.indexOf(END);
  if (begin < 0 || end < begin) throw new Error(`dnnc: ${file} has no ${BEGIN} … ${END} region`);
  const code = text.slice(begin + BEGIN.length, end).replace(/^export /gm, "").trim();
  return { file, code, declares: declared(code), chunks: chunksOf(code) };
}

const declared = (code: string): string[] => [...code.matchAll(DECLARATION)].map((m) => m[1]!);

/** `code` cut before each top-level declaration, the comment lines right above it kept with it.
 * Lines inside a template literal (a worker's source, cpu/threads.ts and wasm/kernels.ts) are
 * never cut at, and what they declare is the worker's, not the runtime's: a chunk declares the
 * name of the declaration it starts at, and only that. */
function chunksOf(code: string): RuntimeChunk[] {
  const lines = code.split("\n");
  const starts: { line: number; name: string }[] = [];
  let inTemplate = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const name = inTemplate ? undefined : new RegExp(DECLARATION.source).exec(line)?.[1];
    if (!/^\s*(?:\/\/|\/\*|\*)/.test(line) && (line.match(/(?<!\\)`/g)?.length ?? 0) % 2 === 1) inTemplate = !inTemplate;
    if (name === undefined) continue;
    let s = i;
    while (s > 0 && /^(?:\/\/|\/\*\*|\s\*)/.test(lines[s - 1]!)) s--;
    starts.push({ line: starts.length === 0 ? 0 : s, name });
  }
  if (starts.length === 0) return [{ code, declares: [] }];
  return starts.map((start, k) => ({ code: lines.slice(start.line, starts[k + 1]?.line ?? lines.length).join("\n").trim(), declares: [start.name] }));
}

/**
 * The declarations of `parts` that `code` uses, directly or through each other, in the order of
 * `parts` and of each file (an order in which top-level values only use earlier ones).
 */
export function linkRuntime(parts: readonly RuntimePart[], code: string): string {
  const named = new Set(withoutComments(code).match(IDENTIFIER));
  const used = new Set<RuntimeChunk>();
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of parts)
      for (const c of p.chunks)
        if (!used.has(c) && c.declares.some((d) => named.has(d))) {
          used.add(c);
          for (const id of withoutComments(c.code).match(IDENTIFIER) ?? []) named.add(id);
          grew = true;
        }
  }
  return parts
    .map((p) => p.chunks.filter((c) => used.has(c)).map((c) => c.code).join("\n\n"))
    .filter((text) => text !== "")
    .join("\n\n");
}

/** `code` without its block comments and whole-line `//` comments (a `//` after code may be in a string: kept). */
const withoutComments = (code: string): string => code.replace(/\/\*[\s\S]*?\*\//g, "").replace(/^\s*\/\/.*$/gm, "");
