// Property tests for the front end's one promise: `parse` never throws, whatever bytes it is
// given, and every diagnostic it returns points inside the text it was given.
// Random inputs per run: 500 binary + 500 grapheme strings, 500 token soups and 1,001 mutated
// real sources (143 per sample/stdlib file) = 2,501, plus the fixed nasty inputs below.
// A failure prints fast-check's seed and shrunk counterexample; replay with fc.assert's { seed, path }.
// DNNC_FUZZ_SCALE=20 npx vitest run test/syntax multiplies every random count (for a long soak).
import fc from "fast-check";
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { keywords } from "../../grammar/tokens.ts";
import { CODES } from "../../src/diagnostics/codes.ts";
import { parse, type ParseResult } from "../../src/syntax/parse.ts";
import { KEYWORDS, PUNCTUATION, SCALE, token, tokenSoup } from "./token-arbitraries.ts";

const ROOT = new URL("../../", import.meta.url);
const FILE = "fuzz.dnn";

// ---------------------------------------------------------------------------------------------
// The invariant every input must satisfy.

/** Why `parse(FILE, text)` broke its contract, or undefined when it kept it. Cheap enough to run thousands of times. */
function contractViolation(text: string): string | undefined {
  let r: ParseResult;
  try {
    r = parse(FILE, text);
  } catch (e) {
    return `parse threw: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`;
  }
  return resultViolation(text, r);
}

function resultViolation(text: string, r: ParseResult): string | undefined {
  if (!r || typeof r !== "object") return "parse returned no result";
  if (!Array.isArray(r.diagnostics)) return "diagnostics is not an array";
  if (!r.ast || !Array.isArray(r.ast.decls)) return "ast.decls is not an array";
  for (const d of r.diagnostics) {
    const where = `${d.code} "${String(d.message).slice(0, 80)}" at ${d.span?.start}..${d.span?.end} (text length ${text.length})`;
    if (!(d.code in CODES)) return `unknown diagnostic code: ${where}`;
    if (d.severity !== CODES[d.code].severity) return `wrong severity ${d.severity}: ${where}`;
    if (typeof d.message !== "string" || d.message === "") return `empty message: ${where}`;
    if (!d.span || d.span.file !== FILE) return `span names another file: ${where}`;
    const { start, end } = d.span;
    if (!Number.isInteger(start) || !Number.isInteger(end)) return `non-integer span: ${where}`;
    if (!(0 <= start && start <= end && end <= text.length)) return `span outside the text: ${where}`;
  }
  return undefined;
}

function holds(text: string): boolean {
  const problem = contractViolation(text);
  if (problem) throw new Error(`${problem}\ninput (JSON, first 300 chars): ${JSON.stringify(text.slice(0, 300))}`);
  return true;
}

// ---------------------------------------------------------------------------------------------
// Real sources and the edits applied to them.

const SOURCES: { name: string; text: string }[] = ["samples", "stdlib"].flatMap((dir) =>
  readdirSync(new URL(`${dir}/`, ROOT))
    .filter((f) => f.endsWith(".dnn"))
    .sort()
    .map((f) => ({ name: `${dir}/${f}`, text: readFileSync(new URL(`${dir}/${f}`, ROOT), "utf8") })),
);

const STRING_RUNS = 500 * SCALE;
const SOUP_RUNS = 500 * SCALE;
const MUTATION_RUNS = 1001 * SCALE;
const RUNS_PER_SOURCE = Math.ceil(MUTATION_RUNS / SOURCES.length);

// Offsets are drawn as naturals and folded into the text's current length, so they shrink well.
type Edit =
  | { op: "delete"; a: number; b: number }
  | { op: "duplicate"; a: number; b: number }
  | { op: "insert-token"; at: number; text: string }
  | { op: "insert-bytes"; at: number; text: string }
  | { op: "swap"; cuts: [number, number, number, number] }
  | { op: "truncate"; at: number };

const pos = fc.nat();
const bytes = fc.uint8Array({ minLength: 1, maxLength: 16 }).map((b) => Buffer.from(b).toString("latin1"));
const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ op: fc.constant("delete" as const), a: pos, b: pos }),
  fc.record({ op: fc.constant("duplicate" as const), a: pos, b: pos }),
  fc.record({ op: fc.constant("insert-token" as const), at: pos, text: token.map((t) => ` ${t} `) }),
  fc.record({ op: fc.constant("insert-bytes" as const), at: pos, text: fc.oneof(bytes, fc.string({ unit: "binary", minLength: 1, maxLength: 8 })) }),
  fc.record({ op: fc.constant("swap" as const), cuts: fc.tuple(pos, pos, pos, pos) }),
  fc.record({ op: fc.constant("truncate" as const), at: pos }),
);

function applyEdit(text: string, e: Edit): string {
  const at = (n: number) => n % (text.length + 1);
  const range = (a: number, b: number) => [Math.min(at(a), at(b)), Math.max(at(a), at(b))] as const;
  switch (e.op) {
    case "delete": {
      const [a, b] = range(e.a, e.b);
      return text.slice(0, a) + text.slice(b);
    }
    case "duplicate": {
      const [a, b] = range(e.a, e.b);
      return text.slice(0, b) + text.slice(a, b) + text.slice(b);
    }
    case "insert-token":
    case "insert-bytes":
      return text.slice(0, at(e.at)) + e.text + text.slice(at(e.at));
    case "swap": {
      const [a, b, c, d] = e.cuts.map(at).sort((x, y) => x - y) as [number, number, number, number];
      return text.slice(0, a) + text.slice(c, d) + text.slice(b, c) + text.slice(a, b) + text.slice(d);
    }
    case "truncate":
      return text.slice(0, at(e.at));
  }
}

const mutate = (text: string, edits: Edit[]) => edits.reduce(applyEdit, text);

// ---------------------------------------------------------------------------------------------

describe("parse never throws and keeps every diagnostic span inside the text", () => {
  it("has a token list to fuzz with (all keywords and punctuation of grammar/tokens.ts)", () => {
    expect(KEYWORDS).toHaveLength(keywords.length);
    expect(KEYWORDS).toContain("model");
    expect(PUNCTUATION).toEqual(expect.arrayContaining(["|>", "->", "...", ".", ",", ":", "=", "+", "-", "*", "/", "@", "^", "(", ")", "[", "]", "{", "}"]));
    expect(PUNCTUATION).toHaveLength(19);
    expect(SOURCES.length).toBeGreaterThanOrEqual(7);
    for (const s of SOURCES) expect(parse(s.name, s.text).diagnostics, s.name).toEqual([]);
  });

  it(`${STRING_RUNS} random binary strings (any UTF-16 code units, lone surrogates included)`, () => {
    fc.assert(fc.property(fc.string({ unit: "binary", maxLength: 2000, size: "large" }), holds), { numRuns: STRING_RUNS });
  }, 30_000 * SCALE);

  it(`${STRING_RUNS} random grapheme strings`, () => {
    fc.assert(fc.property(fc.string({ unit: "grapheme", maxLength: 1000, size: "large" }), holds), { numRuns: STRING_RUNS });
  }, 30_000 * SCALE);

  it(`${SOUP_RUNS} random token soups of keywords, punctuation, names and numbers`, () => {
    fc.assert(fc.property(tokenSoup, holds), { numRuns: SOUP_RUNS });
  }, 30_000 * SCALE);

  describe(`${RUNS_PER_SOURCE * SOURCES.length} mutations of the real sources (${RUNS_PER_SOURCE} per file): delete, duplicate, insert, swap, truncate`, () => {
    it.each(SOURCES)("$name", ({ text }) => {
      fc.assert(
        fc.property(fc.array(edit, { minLength: 1, maxLength: 4 }), (edits) => holds(mutate(text, edits))),
        { numRuns: RUNS_PER_SOURCE },
      );
    }, 30_000 * SCALE);
  });

  it("mutations do what they say (sanity check of the edit helpers)", () => {
    expect(applyEdit("abcdef", { op: "delete", a: 4, b: 1 })).toBe("aef");
    expect(applyEdit("abcdef", { op: "duplicate", a: 1, b: 3 })).toBe("abcbcdef");
    expect(applyEdit("abcdef", { op: "insert-token", at: 2, text: "X" })).toBe("abXcdef");
    expect(applyEdit("abcdef", { op: "swap", cuts: [5, 1, 2, 4] })).toBe("aecdbf");
    expect(applyEdit("abcdef", { op: "swap", cuts: [0, 2, 3, 6] })).toBe("defcab");
    expect(applyEdit("abcdef", { op: "truncate", at: 3 })).toBe("abc");
    expect(applyEdit("abc", { op: "truncate", at: 10 })).toBe("ab"); // 10 folded into 0..3
  });
});

// ---------------------------------------------------------------------------------------------
// Inputs chosen to hurt: each must come back (not throw) within a few seconds.

const MB = 1 << 20;
const ALL_BYTES = Buffer.from(Array.from({ length: 256 }, (_, i) => i)).toString("latin1");
const DEEP = 10_000;

interface Nasty {
  name: string;
  text: () => string;
  /** The codes that must be reported; [] means the input is valid and nothing may be reported. */
  expect: string[];
}

const NASTY: Nasty[] = [
  { name: "the empty string", text: () => "", expect: [] },
  { name: "only whitespace", text: () => " \t\r\n \n\n\t  \r\n", expect: [] },
  { name: "a NUL byte", text: () => "\0", expect: ["DNN0001"] },
  { name: "a NUL byte inside a model", text: () => "model M {\0}", expect: ["DNN0001"] },
  { name: "bytes 0..255 decoded as latin1", text: () => ALL_BYTES, expect: ["DNN0001"] },
  { name: "an unterminated string", text: () => 'model M {\n  let s = "never closed\n}\n', expect: ["DNN0001"] },
  { name: "an unterminated string at end of file", text: () => '"', expect: ["DNN0001"] },
  { name: "the number 1e999999", text: () => "model M {\n  let big = 1e999999\n}\n", expect: ["DNN0003"] },
  { name: "1 MB of '['", text: () => "[".repeat(MB), expect: ["DNN0002"] },
  { name: "1 MB of '('", text: () => "(".repeat(MB), expect: ["DNN0002"] },
  { name: "1 MB of '}'", text: () => "}".repeat(MB), expect: ["DNN0002"] },
  { name: "100k of '|>'", text: () => "|>".repeat(100_000), expect: ["DNN0002"] },
  // Every stray token inside a block costs a full recovery (~50-90 µs each, linear): 20k takes 1-2 s here,
  // 100k took 5-9 s, too close to the limit to assert.
  { name: "20k of '|>' inside an expression", text: () => `model M {\n  y = x ${"|>".repeat(20_000)}\n}\n`, expect: ["DNN0002"] },
  {
    name: `an expression nested ${DEEP} parentheses deep`,
    text: () => `model M {\n  output y: f32[1]\n  y = ${"(".repeat(DEEP)}x${")".repeat(DEEP)}\n}\n`,
    expect: ["DNN0005"],
  },
  { name: `an array literal nested ${DEEP} deep`, text: () => `model M {\n  let a = ${"[".repeat(DEEP)}1${"]".repeat(DEEP)}\n}\n`, expect: ["DNN0005"] },
  // Deep unclosed nesting once exhausted the stack inside chevrotain's error recovery (~88 levels
  // of `[` were enough); the parser now stops at 48 levels with a diagnostic.
  { name: "an array literal opened 128 deep and never closed: fn f() = [[[…", text: () => `fn f() = ${"[".repeat(128)}`, expect: ["DNN0005"] },
  { name: "an index opened 128 deep and never closed: fn f() = x[[[…", text: () => `fn f() = x${"[".repeat(128)}`, expect: ["DNN0005"] },
  { name: "calls opened 128 deep and never closed: fn f() = g(g(g(…", text: () => `fn f() = ${"g(".repeat(128)}`, expect: ["DNN0005"] },
  { name: "a valid array literal nested 40 deep", text: () => `fn f() = ${"[".repeat(40)}1${"]".repeat(40)}`, expect: [] },
  { name: "an array literal nested 49 deep hits the nesting limit", text: () => `fn f() = ${"[".repeat(49)}1${"]".repeat(49)}`, expect: ["DNN0005"] },
  { name: "calls nested 47 deep and never closed", text: () => `fn f() = ${"g(".repeat(47)}`, expect: ["DNN0002"] },
  { name: "a 1 MB identifier on its own", text: () => "a".repeat(MB), expect: ["DNN0002"] },
  { name: "a 1 MB identifier as a model name", text: () => `model ${"m".repeat(MB)} {}\n`, expect: [] },
  { name: "a 1 MB line comment", text: () => `// ${"c".repeat(MB)}\n`, expect: [] },
  { name: "50k lines of `let` (600 kB of valid code)", text: () => "model M {\n" + "  let a = 1\n".repeat(50_000) + "}\n", expect: [] },
  { name: "100k stray tokens (error recovery stays linear)", text: () => "model M {\n" + "= ".repeat(100_000) + "}\n", expect: ["DNN0002"] },
];

describe("fixed nasty inputs return promptly", () => {
  it.each(NASTY)("$name", ({ text: make, expect: codes }) => {
    const text = make();
    const t0 = performance.now();
    let r: ParseResult | undefined;
    let thrown: unknown;
    try {
      r = parse(FILE, text);
    } catch (e) {
      thrown = e;
    }
    const ms = performance.now() - t0;
    expect(thrown, "parse threw").toBeUndefined();
    expect(resultViolation(text, r!)).toBeUndefined();
    // A generous bound: it catches a quadratic or exponential recovery (hours on these inputs),
    // not a busy CI machine (these take 1-5 s on an idle one, up to ~10 s under load).
    expect(ms, `took ${ms.toFixed(0)} ms`).toBeLessThan(20_000);
    const found = new Set(r!.diagnostics.map((d) => d.code));
    if (codes.length === 0) expect([...found]).toEqual([]);
    else for (const c of codes) expect([...found]).toContain(c);
  }, 60_000);
});

// ---------------------------------------------------------------------------------------------
// Error recovery: one mistake, one diagnostic, and the parser carries on to find the next.

describe("recovery", () => {
  const path = "test/fixtures/three_errors.dnn";
  const text = readFileSync(new URL(path, ROOT), "utf8");
  const lineCol = (offset: number) => {
    const before = text.slice(0, offset).split("\n");
    return { line: before.length, col: before[before.length - 1]!.length + 1 };
  };

  it("reports exactly three DNN0002 diagnostics, at the three mistakes, for a file with three independent syntax errors", () => {
    const { diagnostics } = parse(path, text);
    const seen = diagnostics.map((d) => ({ code: d.code, ...lineCol(d.span.start), token: text.slice(d.span.start, d.span.end), message: d.message }));
    expect(seen).toEqual([
      { code: "DNN0002", line: 8, col: 11, token: "f32", message: "expected ':', found 'f32'" }, //   input x f32[B, 4]
      { code: "DNN0002", line: 10, col: 7, token: "=", message: "expected a name, found '='" }, //   let = 3
      { code: "DNN0002", line: 13, col: 1, token: "}", message: "expected ')', found '}'" }, //     y = (h |> Dense(2)  ⏎ }
    ]);
  });

  it("reports nothing once the three mistakes are repaired (so the three really are the only ones)", () => {
    const fixed = text
      .replace("input x f32[B, 4]", "input x: f32[B, 4]")
      .replace("\n  let = 3\n", "\n  let three = 3\n")
      .replace("y = (h |> Dense(2)\n", "y = (h |> Dense(2))\n");
    expect(fixed).not.toBe(text);
    expect(parse(path, fixed).diagnostics).toEqual([]);
  });

  it("keeps the declarations after the errors (the train block is still parsed)", () => {
    const { ast } = parse(path, text);
    expect(ast.decls.map((d) => d.kind)).toEqual(["import", "import", "import", "model", "train"]);
  });
});
