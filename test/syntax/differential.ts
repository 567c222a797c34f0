// Helpers for fast-parse.test.ts: comparing the fast path's results with the reference parser's
// down to property order, and the corpus of real .dnn texts they are compared on.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { parse, parseReference, lex, type ParseResult } from "../../src/syntax/parse.ts";
import { fastDecls } from "../../src/syntax/fast-parse.ts";
import { SourceFile } from "../../src/syntax/source.ts";
import type { Decl } from "../../src/syntax/ast.ts";
import { generate } from "../../bench/lib/gen-models.ts";

const ROOT = new URL("../../", import.meta.url);

// ---------------------------------------------------------------------------------------------
// Canonical text of a value: JSON, but written with an explicit stack (a 10,000-long `- - - x`
// nests deeper than JSON.stringify's recursion can go) and stricter: a key holding `undefined`
// is written, not dropped, so `{ returns: undefined }` differs from `{}` (`in` and spreading see
// the difference). Key order is insertion order, as JSON.stringify's.

type Work = { value: unknown } | string;

export function canonical(root: unknown): string {
  const out: string[] = [];
  const stack: Work[] = [{ value: root }];
  while (stack.length) {
    const w = stack.pop()!;
    if (typeof w === "string") {
      out.push(w);
      continue;
    }
    const v = w.value;
    if (v === undefined) out.push("undefined");
    else if (typeof v === "number") out.push(Object.is(v, -0) ? "-0" : Number.isNaN(v) ? "NaN" : String(v));
    else if (v === null || typeof v !== "object") out.push(JSON.stringify(v));
    else if (Array.isArray(v)) {
      out.push("[");
      stack.push("]");
      for (let i = v.length - 1; i >= 0; i--) {
        stack.push({ value: v[i] });
        if (i > 0) stack.push(",");
      }
    } else {
      const keys = Object.keys(v);
      out.push("{");
      stack.push("}");
      for (let i = keys.length - 1; i >= 0; i--) {
        stack.push({ value: (v as Record<string, unknown>)[keys[i]!] });
        stack.push(`${i > 0 ? "," : ""}${JSON.stringify(keys[i])}:`);
      }
    }
  }
  return out.join("");
}

/** Where `a` and `b` first differ, in document order: a path like `decls[2].items[0].value.span.end`
 * and what each side holds there (cut to a few hundred characters); undefined when they are equal. */
export function firstDifference(a: unknown, b: unknown, rootName = ""): string | undefined {
  const stack: [unknown, unknown, string][] = [[a, b, rootName]];
  const show = (v: unknown) => {
    const s = canonical(v);
    return s.length > 300 ? s.slice(0, 300) + "…" : s;
  };
  while (stack.length) {
    const [x, y, path] = stack.pop()!;
    const kind = (v: unknown) => (v === null ? "null" : Array.isArray(v) ? "array" : typeof v);
    if (kind(x) !== kind(y) || (typeof x !== "object" && !Object.is(x, y)) || (x === null) !== (y === null))
      return `${path || "(root)"}: fast ${show(x)}\n   reference ${show(y)}`;
    if (x === null || typeof x !== "object") continue;
    if (Array.isArray(x)) {
      const ys = y as unknown[];
      if (x.length !== ys.length) return `${path}: fast has ${x.length} elements, reference ${ys.length}\n   fast ${show(x)}\n   reference ${show(ys)}`;
      for (let i = x.length - 1; i >= 0; i--) stack.push([x[i], ys[i], `${path}[${i}]`]);
      continue;
    }
    const kx = Object.keys(x), ky = Object.keys(y as object);
    if (kx.join(",") !== ky.join(",")) return `${path || "(root)"}: keys (in order) differ: fast {${kx.join(", ")}}, reference {${ky.join(", ")}}`;
    for (let i = kx.length - 1; i >= 0; i--) stack.push([(x as Record<string, unknown>)[kx[i]!], (y as Record<string, unknown>)[kx[i]!], `${path}.${kx[i]}`]);
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// What is compared: the parts of a ParseResult that depend on parsing. `source` is built from
// the text alone; comments are compared by what tools read of them.

export function comparable(r: ParseResult): { decls: Decl[]; diagnostics: unknown[]; comments: unknown[] } {
  return {
    decls: r.ast.decls,
    diagnostics: r.diagnostics,
    comments: r.comments.map((c) => ({ image: c.image, startOffset: c.startOffset, endOffset: c.endOffset, type: c.tokenType.name })),
  };
}

/** Codes only the parser and the AST builder report: where the reference reports one, the fast path must give up. */
export const PARSER_CODES = new Set(["DNN0002", "DNN0005", "DNN0420"]);

export interface Outcome {
  /** Why parse() differs from parseReference(), or undefined when they are equal. */
  parseDiff?: string;
  /** What fastDecls returned, called directly on the text's tokens; undefined: it gave up. */
  fast: Decl[] | undefined;
  /** Why fastDecls' declarations differ from the reference's, when it did not give up. */
  fastDiff?: string;
  reference: ParseResult;
  /** The reference reported a parser or builder diagnostic (the fast path must give up). */
  parserError: boolean;
  /** Brackets nest past parse.ts's limit: parse() cut the tokens and never asked the fast path. */
  bracketCut: boolean;
}

/** `text` parsed three ways: parse(), parseReference(), and fastDecls() on its own — except,
 * with `directOnCut` false, where brackets nest past the limit (parse() cuts the tokens there
 * and does not call fastDecls; the pinned cases call it, a property need not find that again). */
export function compareParsers(path: string, text: string, directOnCut = true): Outcome {
  const reference = parseReference(path, text);
  const actual = parse(path, text);
  const refC = comparable(reference), actC = comparable(actual);
  const parseDiff = canonical(actC) === canonical(refC) ? undefined : (firstDifference(actC, refC) ?? "canonical texts differ");
  const bracketCut = reference.diagnostics.some((d) => d.code === "DNN0005" && /brackets nested more than/.test(d.message));
  const parserError = reference.diagnostics.some((d) => PARSER_CODES.has(d.code));
  if (bracketCut && !directOnCut) return { parseDiff, fast: undefined, reference, parserError, bracketCut };
  const fast = fastDecls(new SourceFile(path, text), lex(text).tokens);
  let fastDiff: string | undefined;
  if (fast !== undefined) {
    // parse() attaches doc comments to the declarations after parsing (the last key written);
    // fastDecls alone has not, so the reference's are compared without them.
    const refDecls = reference.ast.decls.map((d) => {
      if (!("doc" in d)) return d;
      const { doc: _doc, ...rest } = d;
      return rest;
    });
    if (canonical(fast) !== canonical(refDecls)) fastDiff = firstDifference(fast, refDecls, "decls") ?? "canonical texts differ";
  }
  return { parseDiff, fast, fastDiff, reference, parserError, bracketCut };
}

// ---------------------------------------------------------------------------------------------
// The corpus: every .dnn file of the repository's samples, standard library and tests, every
// ```dnn block of the docs, and the generated check-speed workload.

function dnnFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(new URL(dir, ROOT)).sort()) {
    const rel = `${dir}${name}`;
    if (name === "node_modules") continue;
    if (statSync(new URL(rel, ROOT)).isDirectory()) out.push(...dnnFiles(`${rel}/`));
    else if (name.endsWith(".dnn")) out.push(rel);
  }
  return out;
}

function mdFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(new URL(dir, ROOT)).sort()) {
    const rel = `${dir}${name}`;
    if (statSync(new URL(rel, ROOT)).isDirectory()) out.push(...mdFiles(`${rel}/`));
    else if (name.endsWith(".md")) out.push(rel);
  }
  return out;
}

export interface CorpusText {
  name: string;
  text: string;
}

export function docBlocks(md: string): string[] {
  return [...md.matchAll(/^```dnn[ \t]*\r?\n([\s\S]*?)^```/gm)].map((m) => m[1]!);
}

export function corpus(): { files: CorpusText[]; docs: CorpusText[]; generated: CorpusText[] } {
  const read = (rel: string) => readFileSync(new URL(rel, ROOT), "utf8");
  const files = ["samples/", "stdlib/", "test/"].flatMap(dnnFiles).map((name) => ({ name, text: read(name) }));
  const docs = mdFiles("docs/").flatMap((md) => docBlocks(read(md)).map((text, i) => ({ name: `${md} block ${i + 1}`, text })));
  // bench/check-speed.ts's workload (200 layer applications in 2,000 lines), and a small one.
  const generated = [
    { name: "check-speed workload (2,000 lines)", text: generate({ layers: 200, lines: 2000 }).text },
    { name: "small generated workload (120 lines)", text: generate({ layers: 12, lines: 120, seed: 7 }).text },
  ];
  return { files, docs, generated };
}
