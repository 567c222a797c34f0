// A WebAssembly module as text, in the WebAssembly text format's flat (stack) form: one
// instruction per line, nested blocks indented, locals by name. Tests pin the kernels' text
// (test/golden/wasm/), and `dnnc compile --target wasm --emit kernels` can show it.
import { MAX_PAGES, type Func, type Instr, type WasmModule } from "./encode.ts";

export function printModule(m: WasmModule): string {
  return [`(module`, `  (import "env" "memory" (memory ${m.memoryPages} ${MAX_PAGES}))`, ...m.funcs.flatMap((f) => printFunc(f).map((l) => `  ${l}`)), ")", ""].join("\n");
}

export function printFunc(f: Func): string[] {
  const names = f.localNames ?? [];
  const id = (i: number) => `$${names[i] ?? i}`;
  const params = f.type.params.map((t, i) => `(param ${id(i)} ${t})`).join(" ");
  const results = f.type.results.map((t) => ` (result ${t})`).join("");
  const head = `(func $${f.name}${f.exported ? ` (export "${f.name}")` : ""} ${params}${results}`;
  const locals = f.locals.map((t, i) => `  (local ${id(f.type.params.length + i)} ${t})`);
  let depth = 1;
  const body = f.body.map((ins) => {
    const [op] = ins;
    if (op === "end" || op === "else") depth--;
    const line = `${"  ".repeat(depth)}${printInstr(ins, id)}`;
    if (op === "block" || op === "loop" || op === "if" || op === "else") depth++;
    return line;
  });
  return [head, ...locals, ...body, ")"];
}

function printInstr([op, ...imms]: Instr, id: (i: number) => string): string {
  if (op.startsWith("local.")) return `${op} ${id(imms[0] as number)}`;
  if (imms.length === 0) return op;
  if (op.endsWith("load") || op.endsWith("store") || op.endsWith("_splat") || op.endsWith("_zero")) {
    const [offset, align] = imms as number[];
    return `${op}${offset ? ` offset=${offset}` : ""}${align !== undefined ? ` align=${2 ** align}` : ""}`;
  }
  if (op === "block" || op === "loop" || op === "if") return imms[0] ? `${op} (result ${imms[0]})` : op;
  if (op === "call" && typeof imms[0] === "string") return `call $${imms[0]}`;
  return `${op} ${imms.join(" ")}`;
}
