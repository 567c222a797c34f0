// Elementwise comparison of dnnc's float64 results with tfjs's float32 ones, for the loss and
// optimizer oracle tests, and the errors it saw (printed with DNNC_ORACLE_REPORT=1).
import { afterAll, expect } from "vitest";

/**
 * The largest absolute error, the largest relative error over the entries big enough to have one,
 * and the largest fraction of the allowed error used, |a − e| / (rtol·|e| + atol).
 */
export interface Errors {
  abs: number;
  rel: number;
  used: number;
}

/**
 * Checks |actual − expected| ≤ rtol·|expected| + atol for every entry, both finite and of equal
 * length. Returns the largest |a − e|, and the largest |a − e| / |e| over entries with |e| > relFloor
 * (an entry near zero has an absolute error, not a relative one).
 */
export function expectNear(what: string, actual: readonly number[], expected: readonly number[], rtol: number, atol: number, relFloor = atol): Errors {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  const seen: Errors = { abs: 0, rel: 0, used: 0 };
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    if (!Number.isFinite(e)) expect.fail(`${what}[${i}]: tfjs gave ${e}`);
    if (!Number.isFinite(a)) expect.fail(`${what}[${i}] = ${a}, tfjs ${e}`);
    const diff = Math.abs(a - e);
    if (!(diff <= rtol * Math.abs(e) + atol)) expect.fail(`${what}[${i}] = ${a}, tfjs ${e} (|diff| = ${diff}, rtol ${rtol}, atol ${atol})`);
    seen.abs = Math.max(seen.abs, diff);
    seen.used = Math.max(seen.used, diff / (rtol * Math.abs(e) + atol));
    if (Math.abs(e) > relFloor) seen.rel = Math.max(seen.rel, diff / Math.abs(e));
  }
  return seen;
}

/** Largest of two Errors, field by field. */
export const worst = (a: Errors, b: Errors): Errors => ({ abs: Math.max(a.abs, b.abs), rel: Math.max(a.rel, b.rel), used: Math.max(a.used, b.used) });

/** No error seen yet. */
export const NONE: Errors = { abs: 0, rel: 0, used: 0 };

/** A table of the errors each case saw, printed after the file's tests when DNNC_ORACLE_REPORT is set. */
export function errorReport(title: string): (name: string, columns: Record<string, Errors>) => void {
  const rows: string[] = [];
  afterAll(() => {
    if (process.env["DNNC_ORACLE_REPORT"]) console.log(`${title}\n${rows.join("\n")}`);
  });
  const fmt = (x: number) => x.toExponential(1);
  return (name, columns) => {
    rows.push(`${name}: ${Object.entries(columns).map(([k, e]) => `${k} rel ${fmt(e.rel)} abs ${fmt(e.abs)} (${(100 * e.used).toFixed(0)}% of tolerance)`).join("; ")}`);
  };
}
