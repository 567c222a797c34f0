// The values an integer input or target may take, derived from how the IR uses it, so the
// generated code can refuse out-of-range data instead of computing silently wrong results (a
// label of 10 with 10 classes one-hot encodes to zeros: loss 0, no gradient; a token id past
// the table gathers a zero row). Two uses select with an index:
//   - gather / scatter_add: the index picks a row of the table, so 0 ≤ v < the table's rows;
//   - a one-hot: cmpeq of an iota along axis k with the value broadcast along k (one_hot, hence
//     sparse_cross_entropy and nll), so 0 ≤ v < the iota's extent along k.
// An argument reaches such a use through ops that keep each of its values whole and every one of
// them (reshape, broadcast, permute, cast). Any other use (a slice, arithmetic, a scan) imposes
// nothing: a slice passes on only some values, and a range over the whole input would refuse
// data the program handles. An input's range is the intersection over its uses in every function.
import type { Dim } from "./shape.ts";
import type { Fn, Node } from "./ir.ts";
import type { OpName } from "./ops.ts";

export interface IndexRange {
  /** The i32 input or target. */
  name: string;
  /** Valid values v satisfy 0 ≤ v < every one of these (one when all are numbers). */
  below: Dim[];
  /** What imposes the range, for the error message: "a row of embedding.embeddings (20 rows)". */
  why: string;
}

/** Ops through which every value of their input reaches their output unchanged. */
const KEEPS_VALUES: ReadonlySet<OpName> = new Set(["reshape", "broadcast", "permute", "cast"]);

/** The range of every i32 input and target of `fns` whose uses impose one, in argument order. */
export function indexRanges(fns: readonly Fn[]): IndexRange[] {
  const found = new Map<string, Map<Dim, string>>();
  for (const fn of fns) {
    const users = usersOf(fn);
    for (const n of fn.nodes) {
      if (n.op !== "arg") continue;
      const a = fn.args[n.index]!;
      if (a.dtype !== "i32" || (a.role !== "input" && a.role !== "target")) continue;
      let bounds = found.get(a.name);
      for (const [below, why] of boundsFrom(fn, users, n.id)) {
        if (!bounds) found.set(a.name, (bounds = new Map()));
        // The first reason per bound: a gather's (which names its table) before its adjoint's.
        if (!bounds.has(below)) bounds.set(below, why);
      }
    }
  }
  return [...found].map(([name, bounds]) => {
    const all = [...bounds];
    const numeric = all.filter(([b]) => typeof b === "number");
    // Of numeric bounds only the smallest matters; symbolic ones are compared at run time.
    const least = numeric.length > 0 ? [numeric.reduce((m, e) => ((e[0] as number) < (m[0] as number) ? e : m))] : [];
    const kept = [...least, ...all.filter(([b]) => typeof b !== "number")];
    return { name, below: kept.map(([b]) => b), why: kept.map(([, w]) => w).join("; ") };
  });
}

function usersOf(fn: Fn): number[][] {
  const users: number[][] = fn.nodes.map(() => []);
  for (const n of fn.nodes) for (const i of new Set(n.inputs)) users[i]!.push(n.id);
  return users;
}

/** The (bound, reason) pairs the uses of node `start`'s values impose. */
function boundsFrom(fn: Fn, users: number[][], start: number): [Dim, string][] {
  const out: [Dim, string][] = [];
  const seen = new Set<number>();
  const visit = (id: number) => {
    if (seen.has(id)) return;
    seen.add(id);
    for (const u of users[id]!) {
      const n = fn.nodes[u]!;
      if (KEEPS_VALUES.has(n.op) && n.inputs[0] === id) visit(u);
      else if ((n.op === "gather" || n.op === "scatter_add") && n.inputs[1] === id && n.inputs[0] !== id) out.push(rowBound(fn, n));
      else if (n.op === "cmpeq") {
        const b = oneHotBound(fn, n, id);
        if (b) out.push(b);
      }
    }
  };
  visit(start);
  return out;
}

/** A gather's index picks a row of its table; a scatter_add's, a row of its result. */
function rowBound(fn: Fn, n: Node): [Dim, string] {
  if (n.op === "scatter_add") return [n.shape[0]!, `a row of a table of ${n.shape[0]} rows`];
  const table = fn.nodes[n.inputs[0]!]!;
  const rows = table.shape[0]!;
  const name = table.op === "arg" ? fn.args[table.index]!.name : undefined;
  return [rows, name ? `a row of ${name} (${rows} rows)` : `a row of a table of ${rows} rows`];
}

/** cmpeq(iota along k, v broadcast along k), either way round: v picks one of the iota's positions. */
function oneHotBound(fn: Fn, n: Node, from: number): [Dim, string] | undefined {
  const other = fn.nodes[n.inputs[0] === from ? n.inputs[1]! : n.inputs[0]!]!;
  const mine = fn.nodes[from]!;
  if (other.op !== "iota" || mine.op !== "broadcast") return undefined;
  const spread = fn.nodes[mine.inputs[0]!]!;
  const depth = other.shape[other.axis]!;
  if (spread.shape[other.axis] !== 1 || depth === 1) return undefined;
  return [depth, `a class of a one-hot over ${depth} classes`];
}
