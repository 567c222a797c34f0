// The fast path of parsing (src/syntax/fast-parse.ts, decision 0021) against the reference parser
// (chevrotain + the CST → AST builder): parse() must equal parseReference() on every input —
// declarations, diagnostics and comments, down to spans and property order (compared as
// canonical JSON text, see differential.ts) — and the fast path must actually be used: it reads
// every diagnostic-free text of the corpus, and gives up wherever the reference reports a parser
// or builder diagnostic (DNN0002, DNN0005, DNN0420).
// Inputs: the corpus (every .dnn file under samples/, stdlib/, test/; every ```dnn block of
// docs/; bench/check-speed.ts's generated workload and a small one), pinned edge cases, and
// random ones: 4,000 token-level mutations of the corpus, 1,000 line-break mutations and 1,000 token
// soups (times DNNC_FUZZ_SCALE). A failure names the first differing path, e.g.
// `decls[2].items[0].value.span.end`; fast-check prints its seed and the shrunk input.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compareParsers, corpus, docBlocks, canonical, firstDifference, PARSER_CODES, type Outcome } from "./differential.ts";
import { applyTokenEdits, lineEdit, tokenEdit, tokenize, untokenize } from "./token-mutations.ts";
import { SCALE, tokenSoup } from "./token-arbitraries.ts";

const FILE = "fast.dnn";
const { files, docs, generated } = corpus();

/** What went wrong with `o` (parse() differs, or the fast path accepted an error, or read something else), or undefined. */
function disagreement(o: Outcome): string | undefined {
  if (o.parseDiff) return `parse() differs from parseReference(): ${o.parseDiff}`;
  if (o.parserError && o.fast !== undefined)
    return `the fast path read a text the reference reports ${o.reference.diagnostics.filter((d) => PARSER_CODES.has(d.code)).map((d) => `${d.code} "${d.message}"`).join(", ")} for; it must give up`;
  if (o.fastDiff) return `fastDecls() differs from the reference's declarations: ${o.fastDiff}`;
  return undefined;
}

function expectAgreement(name: string, text: string): Outcome {
  const o = compareParsers(name, text);
  expect(disagreement(o), name).toBeUndefined();
  return o;
}

const codesOf = (o: Outcome) => [...new Set(o.reference.diagnostics.map((d) => d.code))].sort();

describe("the corpus", () => {
  it("is found (.dnn files, doc blocks, generated workloads)", () => {
    expect(files.length).toBeGreaterThanOrEqual(40);
    expect(files.map((f) => f.name)).toEqual(expect.arrayContaining(["samples/mlp_digits.dnn", "test/fixtures/three_errors.dnn"]));
    expect(files.some((f) => f.name.startsWith("stdlib/"))).toBe(true);
    expect(docs.length).toBeGreaterThanOrEqual(100);
    expect(docs.some((d) => d.name.startsWith("docs/language.md")) && docs.some((d) => d.name.startsWith("docs/diagnostics.md"))).toBe(true);
    expect(generated[0]!.text.split("\n").length).toBeGreaterThan(1900);
    expect(docBlocks("x\n```dnn\nfn f() = 1\n```\n```ts\nno\n```\n```dnn\nfn g() = 2\n```\n")).toEqual(["fn f() = 1\n", "fn g() = 2\n"]);
  });

  // Every text: parse() = parseReference(); a diagnostic-free one is read by the fast path
  // itself (it did not give up), one with a parser or builder diagnostic is not.
  it.each([...files, ...docs, ...generated])("$name", ({ name, text }) => {
    const o = expectAgreement(name, text);
    if (o.reference.diagnostics.length === 0) expect(o.fast, `the fast path gave up on ${name}, which the reference reads without a diagnostic`).toBeDefined();
  });

  it("has diagnostic-free texts, texts with syntax errors and texts with builder mistakes (so both sides of the fast path are exercised)", () => {
    const outcomes = [...files, ...docs].map((c) => compareParsers(c.name, c.text));
    expect(outcomes.filter((o) => o.reference.diagnostics.length === 0).length).toBeGreaterThan(100);
    expect(outcomes.filter((o) => o.parserError).length).toBeGreaterThan(3);
  });
});

// ---------------------------------------------------------------------------------------------
// Edge cases, pinned. `codes`: the diagnostic codes the reference reports (sorted, once each);
// [] means the fast path must read the text itself, a parser code that it must give up.

interface Edge {
  name: string;
  text: string;
  codes: string[];
  /** Why the fast path may give up on this diagnostic-free text (it must read the others). */
  mayGiveUp?: string;
}

const N = 10_000;
const EDGES: Edge[] = [
  // Soft keywords are names wherever a name may stand: the fast path must not treat them as keywords there.
  {
    name: "`input = 3` in a model (an assignment to a name `input`)", text: "model M {\n  input = 3\n}\n", codes: [],
    mayGiveUp: "a soft keyword not followed by a name could start either item; fast-parse.ts leaves that to the reference by design",
  },
  { name: "`let target = 1` in a train block", text: "train M {\n  let target = 1\n  loss = target\n}\n", codes: [] },
  { name: "a parameter named `loss`", text: "fn f(loss: f32[B], state) = loss + state\n", codes: [] },
  { name: "soft keywords as call arguments, members and named arguments", text: "fn f(x) = g(input: x.output, param)[update] |> forward\n", codes: [] },
  // A `(` on a new line starts a new expression: `f\n(x)` is a let and then the block's value.
  { name: "`f\\n(x)` is two expressions", text: "fn g(f, x) {\n  let a = f\n  (x)\n}\n", codes: [] },
  { name: "`f(x)` is a call", text: "fn g(f, x) {\n  f(x)\n}\n", codes: [] },
  { name: "`f (x)` with a space is still a call", text: "fn g(f, x) = f (x)\n", codes: [] },
  { name: "`f\\r\\n(x)`: a CRLF line break separates too", text: "fn g(f, x) {\r\n  let a = f\r\n  (x)\r\n}\r\n", codes: [] },
  { name: "`f // c\\n(x)`: a comment then a line break separates", text: "fn g(f, x) {\n  let a = f // the function\n  (x)\n}\n", codes: [] },
  { name: "`a\\n[0]` is two expressions", text: "fn g(a) {\n  let b = a\n  [0]\n}\n", codes: [] },
  // A member suffix may continue on the next line (method-chain style).
  { name: "`a.b\\n.c`", text: "fn g(a) = a.b\n  .c\n", codes: [] },
  // `^` binds tighter than unary minus and is right-associative; each exponent has its own signs.
  { name: "`x ^ -y ^ z` is x ^ (-(y ^ z))", text: "fn g(x, y, z) = x ^ -y ^ z\n", codes: [] },
  { name: "`-x ^ 2 ^ 3` and `- - x`", text: "fn g(x) = -x ^ 2 ^ 3 + - - x\n", codes: [] },
  // A parenthesized operand's span is the parentheses' inside; the binary's starts at `a`.
  { name: "`(a) + b` spans", text: "fn g(a, b) = (a) + b * (a - b) @ a / b\n", codes: [] },
  // Parentheses: an operand's span is the inside, but a sign's, a slice's, an argument's, a
  // dim's and a statement's span run to the closing parenthesis (the reference's CST node ends there).
  { name: "spans around parentheses: signs, exponents, pipes", text: "fn g(a, f) = -(a) + (a) ^ (a) * -(a)[0] ^ -(a) |> (f) |> (f)(a)\n", codes: [] },
  { name: "spans around parentheses: slices, arguments, dims, arrays", text: "fn g(a: f32[(B), 2 * (n)], f) = a[(1):(2), (1), :(1):(2), (1)::(2)] + f((a), n: (a)) + [(1), []]\n", codes: [] },
  { name: "spans around parentheses: statements", text: "fn g(x) {\n  let a: f32[(B)] = (x)\n  a = (a)\n  (a)\n}\ntrain M {\n  loss = (x)\n  clip_norm = -(1)\n}\n", codes: [] },
  { name: "every soft keyword as a parameter and a member name", text: "fn f(input, output, param, state, forward, update, target, loss, clip_norm, trainable) = input.output + param[state] + forward(update: target) |> loss.clip_norm + trainable\n", codes: [] },
  { name: "`fn` as a type name", text: "fn g(g: fn = relu, h: fn) = g\n", codes: [] },
  { name: "an `if` as an operand, called, with `else` on the next line", text: "fn g(a, f, h) = 1 + if a {f} else {h}(1) * if a {1}\n else if a {2}\n else {3}\n", codes: [] },
  { name: "member chains across lines, after calls and indexing", text: "fn g(x, f) = f(x)\n  .y + x . output + f(x).input[0]\n  .z\n", codes: [] },
  { name: "layer items in any order (items sorted by position, forwards apart)", text: "layer L {\n  let a = 1\n  forward(x) = x\n  param w: f32[1]\n  state s: f32[1] = (0)\n  forward(y) = y\n  forward(z) = z\n}\n", codes: [] },
  { name: "`if a {1} else if b {2} else {3}`", text: "fn g(a, b) = if a {1} else if b {2} else {3}\n", codes: [] },
  { name: "an if with lets in its blocks", text: "fn g(a) = if a { let b = 1\n b } else { let c = 2\n c = 3\n c }\n", codes: [] },
  { name: "slices `a[:, 1:, ::2, ...]` and the rest", text: "fn g(a, i) = a[:, 1:, ::2, ...] + a[i, 1:2, :3, 1:2:3, ::-1, :4:, 1::2, :]\n", codes: [] },
  { name: "empty `f()` and `[]`", text: "fn g(f) = f() + []\n", codes: [] },
  { name: "`f32[]` types, `-> ` a return type", text: "fn g(x: f32[], n: int = 3, a: f32[B, ..., 2 * n]) -> f32[] = x\n", codes: [] },
  { name: "literals: ints, floats, strings with escapes, booleans", text: 'fn g() = [1, 1., .5, 1e3, 2.5E-7, "a\\"b\\n", true, false, 007]\n', codes: [] },
  { name: "`import std.layers.*` (the checker, not the parser, refuses it)", text: "import std.layers.*\n", codes: [] },
  { name: "imports with keywords in the path", text: "import std.layer.{Dense, Conv2D}\nimport model.fn.{x}\n", codes: [] },
  // Builder mistakes the grammar accepts on purpose: the fast path must leave them to the reference.
  { name: "`import std.layers.Dense` (no braces: DNN0002)", text: "import std.layers.Dense\n", codes: ["DNN0002"] },
  { name: "`output y: f32[1] = x` (DNN0420)", text: "model M {\n  input x: f32[1]\n  output y: f32[1] = x\n}\n", codes: ["DNN0420"] },
  { name: "`f(a = 1)` (named argument with `=`: DNN0002)", text: "fn g(f) = f(a = 1)\n", codes: ["DNN0002"] },
  { name: "a syntax error", text: "model M {\n  input x f32[1]\n}\n", codes: ["DNN0002"] },
  // The builder keeps the first `loss` only (the checker reports the second): no parse diagnostic.
  { name: "a train block with two `loss =` lines", text: "train M.p {\n  target t: f32[B]\n  loss = mse(t)\n  loss = mae(t)\n  optimizer = adam(lr: 0.1)\n  clip_norm = 1.0\n  trainable = params(\"a*\")\n}\n", codes: [] },
  { name: "a layer with two `forward`s (extraForwards)", text: "layer L(n: int) {\n  param w: f32[n] = zeros\n  forward(x) = x * w\n  let k = 2\n  forward(x) -> f32[n] { x }\n}\n", codes: [] },
  { name: "an optimizer and an init", text: "optimizer o(lr: float = 0.1) {\n  state m = 0.0\n  update(p, g, t) {\n    let a = lr * g\n    m = a\n    p = p - m\n  }\n}\ninit i(shape) = zeros(shape)\n", codes: [] },
  { name: "doc comments attached to declarations", text: "// one\n// two\nfn f() = 1\n\n// not attached\n\nlayer L {\n  forward(x) = x\n}\n", codes: [] },
  { name: "a byte order mark, then code", text: "\ufefffn f() = 1\n", codes: [] },
  { name: "a lexer error only: the declarations are still read", text: "fn f() = 1 #\n", codes: ["DNN0001"] },
  { name: "a number too large for f32 (DNN0003, a lexer-level diagnostic)", text: "fn f() = 1e999\n", codes: ["DNN0003"] },
  { name: "the empty text", text: "", codes: [] },
  // Nesting: 48 levels of brackets are read; a 49th is cut before parsing (DNN0005).
  { name: "48 nested parentheses", text: `fn f(x) = ${"(".repeat(48)}x${")".repeat(48)}\n`, codes: [] },
  { name: "49 nested parentheses (DNN0005)", text: `fn f(x) = ${"(".repeat(49)}x${")".repeat(49)}\n`, codes: ["DNN0005"] },
  { name: `${N} nested parentheses (DNN0005)`, text: `fn f(x) = ${"(".repeat(N)}x${")".repeat(N)}\n`, codes: ["DNN0005"] },
  { name: "101 calls in a chain `f(x)(x)…` (the builder's depth limit: DNN0005)", text: `fn g(f, x) = f${"(x)".repeat(101)}\n`, codes: ["DNN0005"] },
  { name: "100 calls in a chain `f(x)(x)…`", text: `fn g(f, x) = f${"(x)".repeat(100)}\n`, codes: [] },
  // Operator chains may be as long as the file: the fast path must loop, not recurse.
  { name: `${N} minus signs: \`- - - … x\``, text: `fn f(x) = ${"- ".repeat(N)}x\n`, codes: [] },
  { name: `${N} exponents: \`a ^ a ^ … a\``, text: `fn f(a) = ${"a ^ ".repeat(N)}a\n`, codes: [] },
  { name: `${N} exponents with signs: \`a ^ -a ^ -…\``, text: `fn f(a) = ${"a ^ -".repeat(N)}a\n`, codes: [] },
  { name: `${N} additions and products`, text: `fn f(a) = ${"a + a * ".repeat(N)}a\n`, codes: [] },
  { name: `${N} pipe stages`, text: `fn f(a, g) = a${" |> g".repeat(N)}\n`, codes: [] },
  { name: `${N} lets in a block`, text: `fn f(a) {\n${"  let b = a\n".repeat(N)}  a\n}\n`, codes: [] },
];

describe("edge cases", () => {
  it.each(EDGES)("$name", ({ name, text, codes, mayGiveUp }) => {
    const o = expectAgreement(name, text);
    expect(codesOf(o)).toEqual(codes);
    if (codes.some((c) => PARSER_CODES.has(c))) expect(o.fast, "the fast path must give up").toBeUndefined();
    else if (!mayGiveUp) expect(o.fast, "the fast path must read it (it gave up)").toBeDefined();
  }, 30_000);

  it("the comparison sees what toEqual would not: property order and a key holding undefined", () => {
    expect(canonical({ a: 1, b: 2 })).not.toBe(canonical({ b: 2, a: 1 }));
    expect(canonical({ a: 1, b: undefined })).not.toBe(canonical({ a: 1 }));
    expect(firstDifference({ a: [1, { s: 2 }] }, { a: [1, { s: 3 }] }, "x")).toMatch(/^x\.a\[1\]\.s: fast 2\n {3}reference 3$/);
    expect(firstDifference({ a: 1, b: 2 }, { b: 2, a: 1 })).toMatch(/keys \(in order\) differ/);
    // Deeper than JSON.stringify can go.
    let deep: unknown = 0;
    for (let i = 0; i < 100_000; i++) deep = { e: deep };
    expect(canonical(deep).length).toBe(100_000 * 6 + 1);
    expect(firstDifference(deep, deep)).toBeUndefined();
  });
});

// ---------------------------------------------------------------------------------------------
// Random inputs. The property: agreement (as above). Texts the reference reads without any
// diagnostic but the fast path gave up on are counted and shown (the fast path stays correct
// by giving up; each such text is one it could read, a missed speed-up, not a wrong result).

const MUTATION_RUNS = 4000 * SCALE;
const LINE_RUNS = 1000 * SCALE;
const SOUP_RUNS = 1000 * SCALE;
// The 2,000-line workload is too slow to mutate thousands of times; its small sibling stands in.
const SOURCES = [...files, ...docs, generated[1]!].filter((c) => c.text.length < 20_000);

interface Tally {
  runs: number;
  clean: number;
  fastRead: number;
  gaveUpOnClean: string[];
}

function agreesRecording(tally: Tally, text: string): boolean {
  const o = compareParsers(FILE, text, false);
  const problem = disagreement(o);
  if (problem) throw new Error(`${problem}\ninput (JSON): ${JSON.stringify(text.length > 2000 ? text.slice(0, 2000) + "…" : text)}`);
  tally.runs++;
  if (o.fast) tally.fastRead++;
  if (o.reference.diagnostics.length === 0) {
    tally.clean++;
    if (!o.fast) tally.gaveUpOnClean.push(text);
  }
  return true;
}

function report(what: string, t: Tally): void {
  const shortest = [...t.gaveUpOnClean].sort((a, b) => a.length - b.length).slice(0, 3);
  console.log(`${what}: ${t.runs} inputs, ${t.clean} diagnostic-free, fast path read ${t.fastRead}; gave up on ${t.gaveUpOnClean.length} diagnostic-free ones${shortest.length ? `, the shortest:\n${shortest.map((s) => "  " + JSON.stringify(s.length > 400 ? s.slice(0, 400) + "…" : s)).join("\n")}` : ""}`);
}

const newTally = (): Tally => ({ runs: 0, clean: 0, fastRead: 0, gaveUpOnClean: [] });
const source = fc.nat({ max: SOURCES.length - 1 });

describe("random inputs: parse() equals parseReference()", () => {
  it(`${MUTATION_RUNS} token-level mutations of the corpus (delete, duplicate, swap, insert, replace a token; a line break or a space between two)`, () => {
    const t = newTally();
    fc.assert(fc.property(source, fc.array(tokenEdit, { minLength: 1, maxLength: 3 }), (s, edits) => agreesRecording(t, applyTokenEdits(SOURCES[s]!.text, edits))), { numRuns: MUTATION_RUNS });
    report("token mutations", t);
    expect(t.runs).toBeGreaterThanOrEqual(MUTATION_RUNS);
    expect(t.fastRead, "the fast path read some of the mutated texts (else nothing was compared with it)").toBeGreaterThan(0);
  }, 120_000 * SCALE);

  it(`${LINE_RUNS} line-break mutations (a call or index continues only on its own line, a member on the next)`, () => {
    const t = newTally();
    fc.assert(fc.property(source, fc.array(lineEdit, { minLength: 1, maxLength: 6 }), (s, edits) => agreesRecording(t, applyTokenEdits(SOURCES[s]!.text, edits))), { numRuns: LINE_RUNS });
    report("line-break mutations", t);
    expect(t.clean, "some line-break mutations keep the text valid").toBeGreaterThan(0);
    expect(t.fastRead, "the fast path read some of them").toBeGreaterThan(0);
  }, 60_000 * SCALE);

  it(`${SOUP_RUNS} token soups`, () => {
    const t = newTally();
    fc.assert(fc.property(tokenSoup, (text) => agreesRecording(t, text)), { numRuns: SOUP_RUNS });
    report("token soups", t);
  }, 60_000 * SCALE);

  it("token edits do what they say (sanity check of the edit helpers)", () => {
    const text = "fn f(x) = a.b(x) // c\n  + 1\n";
    expect(untokenize(tokenize(text))).toBe(text);
    expect(applyTokenEdits(text, [{ op: "delete", i: 7 }])).toBe("fn f(x) = a b(x) // c\n  + 1\n"); // `a` `b` kept apart
    expect(applyTokenEdits(text, [{ op: "duplicate", i: 2 }])).toBe("fn f( (x) = a.b(x) // c\n  + 1\n");
    expect(applyTokenEdits(text, [{ op: "swap", i: 8 }])).toBe("fn f(x) = a.(b x) // c\n  + 1\n");
    expect(applyTokenEdits(text, [{ op: "insert", i: 1, image: "-", gap: "" }])).toBe("fn- f(x) = a.b(x) // c\n  + 1\n");
    expect(applyTokenEdits(text, [{ op: "line-break", i: 9 }])).toBe("fn f(x) = a.b\n(x) // c\n  + 1\n");
    expect(applyTokenEdits(text, [{ op: "same-line", i: 12 }])).toBe("fn f(x) = a.b(x) + 1\n"); // the comment goes with the line break
    expect(applyTokenEdits("x-y", [{ op: "insert", i: 1, image: "z", gap: "" }])).toBe("x z-y");
    expect(applyTokenEdits("x-y", [{ op: "replace", i: 1, image: "z" }])).toBe("x z y");
    expect(applyTokenEdits("a/b", [{ op: "insert", i: 2, image: "/", gap: "" }])).toBe("a/ /b"); // not a `//` comment
    expect(applyTokenEdits("a b", [{ op: "delete", i: 1 }, { op: "delete", i: 0 }])).toBe(" ");
  });
});
