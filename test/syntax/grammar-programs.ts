// Random .dnn texts generated from the grammar itself, for grammar-programs.test.ts: a walk of
// chevrotain's GAST (the rules of grammar/declarations.ts and grammar/parser.ts as data), so a
// rule or alternative added to the grammar is generated without anyone writing a generator for
// it. Each walk records which rules and which alternatives it produced (coverage).
import {
  Alternation, Alternative, NonTerminal, Option, Repetition, RepetitionMandatory, RepetitionMandatoryWithSeparator,
  RepetitionWithSeparator, Rule, Terminal, type IProduction, type TokenType,
} from "chevrotain";
import { DnnParser } from "../../grammar/parser.ts";
import { keywords } from "../../grammar/tokens.ts";
import { mulberry32 } from "../../src/runtime/random-order.ts";

export const RULES: Record<string, Rule> = new DnnParser().getGAstProductions();

/** A stable name for every Alternation of every rule (rule name, its `idx`, its place in the walk). */
const ALTERNATION_NAMES = new Map<Alternation, string>();
for (const [name, rule] of Object.entries(RULES)) {
  let n = 0;
  const visit = (p: IProduction): void => {
    if (p instanceof Alternation) ALTERNATION_NAMES.set(p, `${name} alternation #${n++} (OR${p.idx || ""})`);
    if (p instanceof NonTerminal || p instanceof Terminal) return;
    for (const c of (p as { definition?: IProduction[] }).definition ?? []) visit(c);
  };
  for (const c of rule.definition) visit(c);
}

/** Everything that must be produced at least once: `rule X` and `X alternation #i (ORk) option j`. */
export function coverageTargets(): string[] {
  const out = Object.keys(RULES).map((r) => `rule ${r}`);
  for (const [alt, name] of ALTERNATION_NAMES) alt.definition.forEach((_, j) => out.push(`${name} option ${j}`));
  return out;
}

// The fewest tokens each production can produce, a fixpoint over the rules: past the depth
// bound the walk takes the shortest alternative, so every walk ends.
const minRule = new Map<string, number>(Object.keys(RULES).map((r) => [r, Infinity]));
function minLen(p: IProduction): number {
  if (p instanceof Terminal) return 1;
  if (p instanceof NonTerminal) return minRule.get(p.nonTerminalName)!;
  if (p instanceof Alternation) return Math.min(...p.definition.map(minLen));
  if (p instanceof Option || p instanceof Repetition || p instanceof RepetitionWithSeparator) return 0;
  return ((p as { definition?: IProduction[] }).definition ?? []).reduce((s, c) => s + minLen(c), 0);
}
for (let changed = true; changed; ) {
  changed = false;
  for (const [name, rule] of Object.entries(RULES)) {
    const m = rule.definition.reduce((s, c) => s + minLen(c), 0);
    if (m < minRule.get(name)!) (minRule.set(name, m), (changed = true));
  }
}

const SPELLINGS = new Map<string, string>(); // token name → its one spelling, from its pattern
function fixedSpelling(t: TokenType): string | undefined {
  if (SPELLINGS.has(t.name)) return SPELLINGS.get(t.name);
  const re = t.PATTERN instanceof RegExp ? t.PATTERN : undefined;
  const s = re?.source.replace(/\\(.)/g, "$1");
  const fixed = re && s !== undefined && new RegExp(`^(?:${re.source})$`).test(s) ? s : undefined;
  if (fixed !== undefined) SPELLINGS.set(t.name, fixed);
  return fixed;
}
const KEYWORD_SPELLINGS = new Set(keywords.map((k) => fixedSpelling(k)!));
const SOFT_KEYWORDS = keywords.filter((k) => k.CATEGORIES?.some((c) => c.name === "Identifier")).map((k) => fixedSpelling(k)!);
const NAMES = ["x", "y", "B", "n", "f32", "i32", "std", "layers", "Dense", "relu", "mean", "lr", "_", "modelx", "inputs", "x1"];

function pick<T>(rnd: () => number, xs: readonly T[]): T {
  return xs[Math.floor(rnd() * xs.length)]!;
}

function spell(t: TokenType, rnd: () => number): string {
  switch (t.name) {
    case "Identifier": {
      const r = rnd();
      if (r < 0.1) return pick(rnd, SOFT_KEYWORDS);
      if (r < 0.7) return pick(rnd, NAMES);
      const letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_";
      let s = pick(rnd, [...letters]);
      for (let i = Math.floor(rnd() * 6); i > 0; i--) s += pick(rnd, [...letters, ..."0123456789"]);
      return KEYWORD_SPELLINGS.has(s) ? `${s}_` : s;
    }
    case "IntLiteral":
      return pick(rnd, ["0", "1", "2", "10", "128", "007", String(Math.floor(rnd() * 100000))]);
    case "FloatLiteral":
      return pick(rnd, ["0.5", "1.", ".25", "1e3", "2.5E-7", "3.0e+2", "1e999", `${Math.floor(rnd() * 100)}.${Math.floor(rnd() * 100)}`]);
    case "StringLiteral":
      return pick(rnd, ['""', '"std/layers"', '"a b"', '"esc \\" q"', '"x\\\\y"']);
  }
  const s = fixedSpelling(t);
  if (s === undefined) throw new Error(`no spelling for token ${t.name}: give grammar-programs.ts a generator for it`);
  return s;
}

export interface Program {
  text: string;
  /** The coverage targets (see coverageTargets) this text produced. */
  covered: Set<string>;
}

/** Depth of rule nesting past which the walk takes shortest alternatives and no optional parts. */
const MAX_DEPTH = 7;

/** A text from `startRule`, its tokens joined by single spaces and now and then a line break
 * (which changes the parse where a call or index must stay on its line: both parsers must agree). */
export function generateProgram(startRule: string, seed: number): Program {
  const rnd = mulberry32(seed); // fast-check supplies the seed: a failure replays from it
  const tokens: string[] = [];
  const covered = new Set<string>();
  const reps = (deep: boolean, atLeast: number) => (deep ? atLeast : atLeast + Math.floor(rnd() * rnd() * 4));
  const walk = (p: IProduction, depth: number): void => {
    const deep = depth > MAX_DEPTH || tokens.length > 400;
    if (p instanceof Terminal) tokens.push(spell(p.terminalType, rnd));
    else if (p instanceof NonTerminal) walkRule(p.nonTerminalName, depth + 1);
    else if (p instanceof Alternation) {
      let j: number;
      if (deep) {
        const lens = p.definition.map(minLen);
        const best = Math.min(...lens);
        j = pick(rnd, lens.flatMap((l, i) => (l === best ? [i] : [])));
      } else j = Math.floor(rnd() * p.definition.length);
      covered.add(`${ALTERNATION_NAMES.get(p)} option ${j}`);
      for (const c of (p.definition[j] as Alternative).definition) walk(c, depth);
    } else if (p instanceof Option) {
      if (!deep && rnd() < 0.5) for (const c of p.definition) walk(c, depth);
    } else if (p instanceof Repetition || p instanceof RepetitionMandatory) {
      for (let i = reps(deep, p instanceof RepetitionMandatory ? 1 : 0); i > 0; i--) for (const c of p.definition) walk(c, depth);
    } else if (p instanceof RepetitionWithSeparator || p instanceof RepetitionMandatoryWithSeparator) {
      const n = reps(deep, p instanceof RepetitionMandatoryWithSeparator ? 1 : 0);
      for (let i = 0; i < n; i++) {
        if (i > 0) tokens.push(spell(p.separator, rnd));
        for (const c of p.definition) walk(c, depth);
      }
    } else for (const c of (p as { definition?: IProduction[] }).definition ?? []) walk(c, depth); // Alternative
  };
  const walkRule = (name: string, depth: number): void => {
    covered.add(`rule ${name}`);
    for (const c of RULES[name]!.definition) walk(c, depth);
  };
  walkRule(startRule, 0);
  const text = tokens.map((t, i) => (i === 0 ? t : (rnd() < 0.06 ? "\n" : " ") + t)).join("") + "\n";
  return { text, covered };
}
