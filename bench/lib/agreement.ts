// Correctness checks of bench/train-speed.ts: the implementations it times must compute the same
// thing, or the timings compare nothing. Every check is recorded (and a failure printed at once);
// the driver exits 1 at the end if any failed.

export interface Check {
  what: string;
  ok: boolean;
  detail: string;
}

/** A list of checks and the function that adds to it, printing failures with `say`. */
export function checkRecorder(say: (line: string) => void): { checks: Check[]; check: (what: string, ok: boolean, detail: string) => boolean } {
  const checks: Check[] = [];
  const check = (what: string, ok: boolean, detail: string): boolean => {
    checks.push({ what, ok, detail });
    if (!ok) say(`  CHECK FAILED: ${what}: ${detail}`);
    return ok;
  };
  return { checks, check };
}

/** |a − b| within abs plus rel of the larger magnitude. */
export const near = (a: number, b: number, rel: number, abs: number) => Math.abs(a - b) <= abs + rel * Math.max(Math.abs(a), Math.abs(b));

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

export const maxAbs = (a: ArrayLike<number>) => maxAbsDiff(a, new Float32Array(a.length));

export const allFinite = (xs: ArrayLike<number>) => Array.prototype.every.call(xs, (x: number) => Number.isFinite(x));
