// Random programs generated from the grammar itself (grammar-programs.ts walks chevrotain's GAST
// of grammar/declarations.ts and grammar/parser.ts), read by both parsers of decision 0021.
// Why: fast-parse.test.ts compares the fast path with the reference on the corpus and on token
// mutations of it, so a construct no corpus file uses is never compared — and the risk 0021
// names is a grammar change made in grammar/*.ts but not in src/syntax/fast-*.ts. Here every
// rule and every alternative is generated (asserted), so such a change shows up as a
// disagreement or as a valid text the fast path gives up on.
// Properties: (1) parse() = parseReference() (declarations, diagnostics, comments) and the fast
// path never reads a text the reference reports a parser diagnostic for; (2) the fast path reads
// every text the reference reads without a diagnostic, and most texts are diagnostic-free (so
// the generator writes real programs); (3) coverage of every rule and alternative.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Alternation, Alternative, NonTerminal, tokenMatcher } from "chevrotain";
import { Identifier, Input, Output, Param, State, Target } from "../../grammar/tokens.ts";
import { lex } from "../../src/syntax/parse.ts";
import { compareParsers, PARSER_CODES } from "./differential.ts";
import { coverageTargets, generateProgram, RULES } from "./grammar-programs.ts";
import { SCALE } from "./token-arbitraries.ts";

const DECLARATIONS = (RULES["declaration"]!.definition[0] as Alternation).definition as Alternative[];
const DECL_RULES = DECLARATIONS.map((a) => (a.definition[0] as NonTerminal).nonTerminalName);
const RUNS_FROM_FILE = 900 * SCALE;
const RUNS_PER_DECL = Math.ceil((600 * SCALE) / DECL_RULES.length);

interface Tally {
  runs: number;
  valid: number;
  fastReads: number;
  /** Texts the reference reads with no diagnostic that the fast path gave up on. */
  givenUp: string[];
  /** Diagnostic-free texts the fast path gave up on by design (an item-starting soft keyword not
   * followed by a name); each was then read again with those keywords renamed. */
  byDesign: number;
  covered: Set<string>;
}
const tally: Tally = { runs: 0, valid: 0, fastReads: 0, givenUp: [], byDesign: 0, covered: new Set() };

function check(start: string, seed: number): void {
  const { text, covered } = generateProgram(start, seed);
  for (const c of covered) tally.covered.add(c);
  const o = compareParsers("gen.dnn", text);
  tally.runs++;
  expect(o.parseDiff, `parse() differs from parseReference() on:\n${text}`).toBeUndefined();
  if (o.parserError)
    expect(o.fast, `the fast path read a text the reference reports ${o.reference.diagnostics.filter((d) => PARSER_CODES.has(d.code)).map((d) => d.code).join(", ")} for:\n${text}`).toBeUndefined();
  expect(o.fastDiff, `fastDecls() differs from the reference on:\n${text}`).toBeUndefined();
  if (o.fast !== undefined) tally.fastReads++;
  if (o.reference.diagnostics.length === 0) {
    tally.valid++;
    if (o.fast === undefined) {
      // `input = 1` in a model may assign a variable named `input`: fast-parse.ts leaves a soft
      // keyword that starts an item and is not followed by a name to the reference, by design.
      // Those keywords renamed, the fast path must read the rest of the text.
      const renamed = renameAmbiguousSoftKeywords(text);
      if (renamed === text) tally.givenUp.push(text);
      else {
        tally.byDesign++;
        const again = compareParsers("gen.dnn", renamed);
        expect(again.parseDiff, `parse() differs from parseReference() on:\n${renamed}`).toBeUndefined();
        if (again.reference.diagnostics.length === 0 && again.fast === undefined) tally.givenUp.push(renamed);
      }
    }
  }
}

const ITEM_KEYWORDS = [Input, Output, Param, State, Target];
/** `text` with every item-starting soft keyword (input, output, param, state, target) that is not followed by a name spelled `x_`. */
function renameAmbiguousSoftKeywords(text: string): string {
  const tokens = lex(text).tokens;
  let out = text;
  for (let i = tokens.length - 1; i >= 0; i--) {
    const t = tokens[i]!, next = tokens[i + 1];
    if (!ITEM_KEYWORDS.includes(t.tokenType) || (next && tokenMatcher(next, Identifier))) continue;
    out = out.slice(0, t.startOffset) + "x_" + out.slice(t.endOffset! + 1);
  }
  return out;
}

describe("programs generated from the grammar", () => {
  it("starts from the file rule and from each declaration rule", () => {
    expect(DECL_RULES).toEqual(expect.arrayContaining(["importDecl", "modelDecl", "fnDecl", "trainDecl"]));
    expect(generateProgram("file", 1).text).toBe(generateProgram("file", 1).text); // seeded: replayable
  });

  it(`file: both parsers agree (${RUNS_FROM_FILE} programs)`, () => {
    fc.assert(fc.property(fc.integer(), (seed) => check("file", seed)), { numRuns: RUNS_FROM_FILE });
  }, 120_000);

  it.each(DECL_RULES)(`%s alone: both parsers agree (${RUNS_PER_DECL} programs)`, (rule) => {
    fc.assert(fc.property(fc.integer(), (seed) => check(rule, seed)), { numRuns: RUNS_PER_DECL });
  }, 60_000);

  // After the runs above (vitest runs a file's tests in order).
  it("the fast path read every diagnostic-free text, and most texts were diagnostic-free", () => {
    const shortest = [...new Set(tally.givenUp)].sort((a, b) => a.length - b.length).slice(0, 5);
    console.log(`grammar programs: ${tally.runs} runs, ${tally.valid} diagnostic-free (${((100 * tally.valid) / tally.runs).toFixed(1)} %), fast path read ${tally.fastReads}, gave up on ${tally.byDesign} diagnostic-free by design (ambiguous soft keyword) and ${tally.givenUp.length} otherwise`);
    expect(shortest, "diagnostic-free texts the fast path gave up on (shortest first): missing features of src/syntax/fast-*.ts").toEqual([]);
    expect(tally.runs).toBeGreaterThanOrEqual(RUNS_FROM_FILE + RUNS_PER_DECL * DECL_RULES.length);
    expect(tally.valid / tally.runs).toBeGreaterThanOrEqual(0.4);
  });

  it("every rule and every alternative of every alternation was generated", () => {
    const missing = coverageTargets().filter((t) => !tally.covered.has(t));
    expect(missing, "never generated").toEqual([]);
  });
});
