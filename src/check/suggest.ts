// "Did you mean …?": the closest candidate by edit distance, if it is close enough to help.
export function didYouMean(name: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDist = Math.max(1, Math.floor(name.length / 3)) + 1;
  for (const c of new Set(candidates)) {
    if (c === name) continue;
    const d = editDistance(name.toLowerCase(), c.toLowerCase());
    if (d < bestDist) [best, bestDist] = [c, d];
  }
  return best;
}

/** The parameter an unknown argument name most likely meant: a close spelling among `all`, else
 * one of `open` (those still without a value, most wanted first) that the name shortens or
 * extends (`kernel` for `kernel_size`, `units_out` for `units`). */
export function likelyArgument(name: string, all: readonly string[], open: readonly string[]): string | undefined {
  const close = didYouMean(name, all);
  if (close) return close;
  if (name.length < 3) return undefined;
  const lower = name.toLowerCase();
  return open.find((p) => {
    const q = p.toLowerCase();
    return q.length >= 3 && (q.startsWith(lower) || lower.startsWith(q));
  });
}

/** Optimal string alignment distance: Levenshtein plus adjacent transpositions (rleu → relu is 1). */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  return d[a.length]![b.length]!;
}
