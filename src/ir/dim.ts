// Symbolic dimension arithmetic. A symbolic dimension is stored as the canonical text of a
// polynomial with integer coefficients over named sizes ("B", "T - 1", "169*B"), so dims compare
// with === everywhere, print as they read, and are valid TypeScript/WGSL expressions once
// their symbols are bound. Only exact results are representable: division must divide evenly.
import type { Dim } from "./shape.ts";

/** monomial ("" for the constant term, "B*T" for a product, factors sorted) → coefficient */
type Poly = Map<string, number>;

const cache = new Map<string, Poly>();

function parse(d: Dim): Poly {
  if (typeof d === "number") return new Map(d === 0 ? [] : [["", d]]);
  const hit = cache.get(d);
  if (hit) return hit;
  const p: Poly = new Map();
  // The canonical form is `term (± term)*`, each term `[k*]sym(*sym)*` or `k`.
  for (const m of d.replace(/ - /g, " + -").split(" + ")) {
    const factors = m.split("*");
    let k = 1;
    const syms: string[] = [];
    for (const f of factors) {
      if (/^-?\d+$/.test(f)) k *= Number(f);
      else if (f.startsWith("-")) (k = -k), syms.push(f.slice(1));
      else syms.push(f);
    }
    const key = syms.sort().join("*");
    p.set(key, (p.get(key) ?? 0) + k);
  }
  cache.set(d, p);
  return p;
}

function print(p: Poly): Dim {
  const terms = [...p].filter(([, k]) => k !== 0);
  if (terms.every(([m]) => m === "")) return terms[0]?.[1] ?? 0;
  // Highest degree first, then alphabetical; the constant last: "B*T + 2*T - 1".
  terms.sort(([a], [b]) => (a === "" ? 1 : b === "" ? -1 : b.split("*").length - a.split("*").length || (a < b ? -1 : 1)));
  let out = "";
  for (const [m, k] of terms) {
    const mag = Math.abs(k);
    const body = m === "" ? String(mag) : mag === 1 ? m : `${mag}*${m}`;
    out += out === "" ? (k < 0 ? `-${body}` : body) : k < 0 ? ` - ${body}` : ` + ${body}`;
  }
  return out;
}

export function addDim(a: Dim, b: Dim, sign = 1): Dim {
  if (typeof a === "number" && typeof b === "number") return a + sign * b;
  const p = new Map(parse(a));
  for (const [m, k] of parse(b)) p.set(m, (p.get(m) ?? 0) + sign * k);
  return print(p);
}

export const subDim = (a: Dim, b: Dim): Dim => addDim(a, b, -1);

// Products met before, by operand: a check sizes the same few symbolic shapes (B·64, B·T·128)
// for every reshape and parameter, and multiplying polynomials builds and sorts text each time.
const products = new Map<Dim, Map<Dim, Dim>>();

export function mulDim(a: Dim, b: Dim): Dim {
  if (typeof a === "number" && typeof b === "number") return a * b;
  let row = products.get(a);
  if (!row) {
    if (products.size >= 4096) products.clear(); // a long-running editor session stays bounded
    products.set(a, (row = new Map()));
  }
  let product = row.get(b);
  if (product === undefined) row.set(b, (product = multiply(a, b)));
  return product;
}

function multiply(a: Dim, b: Dim): Dim {
  const p: Poly = new Map();
  for (const [ma, ka] of parse(a))
    for (const [mb, kb] of parse(b)) {
      const m = [...(ma ? ma.split("*") : []), ...(mb ? mb.split("*") : [])].sort().join("*");
      p.set(m, (p.get(m) ?? 0) + ka * kb);
    }
  return print(p);
}

/** a / b when it is exact (a polynomial divided by an integer, or by a factor it contains); else undefined. */
export function divDim(a: Dim, b: Dim): Dim | undefined {
  if (typeof b === "number") {
    if (b === 0) return undefined;
    const p: Poly = new Map();
    for (const [m, k] of parse(a)) {
      if (k % b !== 0) return undefined;
      p.set(m, k / b);
    }
    return print(p);
  }
  if (a === b) return 1;
  // Divide by a single monomial (k·syms): every term of `a` must contain it.
  const pb = [...parse(b)];
  if (pb.length !== 1) return undefined;
  const [mb, kb] = pb[0]!;
  const p: Poly = new Map();
  for (const [m, k] of parse(a)) {
    const rest = m.split("*");
    for (const f of mb.split("*")) {
      const i = rest.indexOf(f);
      if (i < 0) return undefined;
      rest.splice(i, 1);
    }
    if (k % kb !== 0) return undefined;
    p.set(rest.join("*"), k / kb);
  }
  return print(p);
}

/** The product of a shape's dimensions, canonical (so two shapes of equal size compare ===). */
export const productDim = (dims: readonly Dim[]): Dim => dims.reduce<Dim>((acc, d) => mulDim(acc, d), 1);

/** The symbols a dimension mentions. */
export const symbolsOf = (d: Dim): string[] => [...new Set([...parse(d).keys()].flatMap((m) => (m ? m.split("*") : [])))];

/** The value of a dimension given values for its symbols; undefined if one is missing. */
export function evalDim(d: Dim, values: Readonly<Record<string, number>>): number | undefined {
  if (typeof d === "number") return d;
  let total = 0;
  for (const [m, k] of parse(d)) {
    let v = k;
    for (const s of m ? m.split("*") : []) {
      const x = values[s];
      if (x === undefined) return undefined;
      v *= x;
    }
    total += v;
  }
  return total;
}

/** The value of `sym` that makes `d` equal `value`, when `d` is linear in `sym` and the division is exact. */
export function solveFor(d: Dim, sym: string, value: Dim): Dim | undefined {
  let a = 0;
  const rest: Poly = new Map();
  for (const [m, k] of parse(d)) {
    const factors = m ? m.split("*") : [];
    const n = factors.filter((f) => f === sym).length;
    if (n > 1 || (n === 1 && factors.length > 1)) return undefined;
    if (n === 1) a += k;
    else rest.set(m, k);
  }
  return a === 0 ? undefined : divDim(subDim(value, print(rest)), a);
}

/**
 * Whether a ≤ b for every value of the symbols, which are sizes of at least 1 (generated code
 * checks that): b − a must not decrease in any symbol and must hold with every symbol at 1.
 */
export function fitsWithin(a: Dim, b: Dim): boolean {
  if (typeof a === "number" && typeof b === "number") return a <= b;
  const d = [...parse(subDim(b, a))];
  return d.every(([m, k]) => m === "" || k >= 0) && d.reduce((sum, [, k]) => sum + k, 0) >= 0;
}

/** A dimension as its terms: each an integer coefficient times a product of symbols (none for the constant), for code that computes a size at run time (the ONNX export). */
export const dimTerms = (d: Dim): { coefficient: number; symbols: string[] }[] =>
  [...parse(d)].filter(([, k]) => k !== 0).map(([m, k]) => ({ coefficient: k, symbols: m ? m.split("*") : [] }));
