// How one version of a document became the next, as the single region that differs (the
// common prefix and suffix are kept). An editor sends small edits, so everything before the
// region keeps its offsets and everything after shifts by one delta: the analysis keeps its
// results for unchanged parts and moves their spans instead of recomputing them.
import type { Span } from "../syntax/source.ts";

export interface TextChange {
  start: number; // first differing offset, in both versions
  oldEnd: number; // end of the replaced region in the old text
  newEnd: number; // end of the replacement in the new text
}

export function diffTexts(before: string, after: string): TextChange | undefined {
  if (before === after) return undefined;
  const limit = Math.min(before.length, after.length);
  // Whole blocks first (native string comparison), then characters.
  const BLOCK = 256;
  let start = 0;
  while (start + BLOCK <= limit && before.slice(start, start + BLOCK) === after.slice(start, start + BLOCK)) start += BLOCK;
  while (start < limit && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let tail = 0;
  const room = limit - start;
  while (tail + BLOCK <= room && before.slice(before.length - tail - BLOCK, before.length - tail) === after.slice(after.length - tail - BLOCK, after.length - tail)) tail += BLOCK;
  while (tail < room && before.charCodeAt(before.length - 1 - tail) === after.charCodeAt(after.length - 1 - tail)) tail++;
  return { start, oldEnd: before.length - tail, newEnd: after.length - tail };
}

/** A span of the changed file moved to the new text (spans of other files are unchanged);
 * undefined when it overlaps the replaced region. */
export function mapSpan(c: TextChange, file: string, s: Span): Span | undefined {
  if (s.file !== file) return s;
  if (s.end <= c.start) return s;
  if (s.start >= c.oldEnd) return { file, start: s.start + c.newEnd - c.oldEnd, end: s.end + c.newEnd - c.oldEnd };
  return undefined;
}

/** A deep copy of `value` with every span of `file` moved by `delta` characters. Copied with
 * an explicit stack, not recursion: an expression may be a chain 100,000 nodes deep
 * (src/syntax/operators.ts). */
export function shiftSpans<T>(value: T, file: string, delta: number): T {
  if (delta === 0) return value;
  const todo: (Record<string, unknown> | unknown[])[] = [];
  const copy = (v: unknown): unknown => {
    if (v === null || typeof v !== "object") return v;
    if (Array.isArray(v)) {
      const a = v.slice();
      todo.push(a);
      return a;
    }
    const o = v as Record<string, unknown>;
    // A span: the only objects with a numeric `start` (a slice's `start` is an expression).
    if (typeof o["start"] === "number" && o["file"] === file) return { file, start: (o["start"] as number) + delta, end: (o["end"] as number) + delta };
    const out = Object.assign({}, o);
    todo.push(out);
    return out;
  };
  const root = copy(value);
  while (todo.length > 0) {
    const c = todo.pop()!;
    if (Array.isArray(c)) for (let i = 0; i < c.length; i++) c[i] = copy(c[i]);
    else for (const k in c) c[k] = copy(c[k]);
  }
  return root as T;
}
