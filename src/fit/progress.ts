// What `dnnc train` shows while it works. On a terminal, one line per epoch redrawn in place:
// a bar, steps, running loss and (a classifier's) accuracy, examples per second and the time left. Anywhere
// else (a log file, CI), plain lines: one per epoch, and a few within long epochs.
import type { EpochStats, Progress } from "./loop.ts";

export interface ProgressOptions {
  write: (s: string) => void;
  tty: boolean;
  columns?: number;
}

export function progressPrinter(o: ProgressOptions): { progress(p: Progress): void; epoch(s: EpochStats): void; note(m: string): void } {
  let lastDraw = 0;
  let lastQuarter = -1;
  let drawn = false;
  const clear = () => drawn && (o.write("\r\x1b[2K"), (drawn = false));
  return {
    progress(p) {
      const now = performance.now();
      if (o.tty) {
        if (now - lastDraw < 100 && p.step < p.steps) return;
        lastDraw = now;
        const width = Math.max(10, Math.min(30, (o.columns ?? 80) - 70));
        const done = Math.round((p.step / p.steps) * width);
        const bar = "=".repeat(Math.max(0, done - 1)) + (done > 0 ? (p.step < p.steps ? ">" : "=") : "") + " ".repeat(width - done);
        o.write(`\r\x1b[2Kepoch ${p.epoch}/${p.epochs} [${bar}] ${p.step}/${p.steps}  loss ${fmt(p.loss)}${p.accuracy === undefined ? "" : `  acc ${fmt(p.accuracy)}`}  ${Math.round(p.examplesPerSecond).toLocaleString("en-US")} ex/s  ETA ${duration(p.etaSeconds)}`);
        drawn = true;
      } else {
        // A quarter-way line within epochs longer than a minute, so a log shows life.
        const quarter = Math.floor((p.step / p.steps) * 4);
        if (quarter !== lastQuarter && quarter > 0 && quarter < 4 && p.etaSeconds > 45) o.write(`epoch ${p.epoch}/${p.epochs}: ${p.step}/${p.steps} steps, loss ${fmt(p.loss)}, ETA ${duration(p.etaSeconds)}\n`);
        lastQuarter = quarter;
      }
    },
    epoch(s) {
      clear();
      const val = (s.valLoss === undefined ? "" : `  val_loss ${fmt(s.valLoss)}`) + (s.valAccuracy === undefined ? "" : `  val_acc ${fmt(s.valAccuracy)}`);
      const lr = s.lr === undefined ? "" : `  lr ${s.lr.toPrecision(3)}`;
      o.write(`epoch ${s.epoch}: loss ${fmt(s.loss)}${s.accuracy === undefined ? "" : `  acc ${fmt(s.accuracy)}`}${val}${lr}  ${s.seconds.toFixed(1)} s, ${Math.round(s.examplesPerSecond).toLocaleString("en-US")} ex/s\n`);
      lastQuarter = -1;
    },
    note(m) {
      clear();
      o.write(`${m}\n`);
    },
  };
}

const fmt = (x: number) => (Number.isFinite(x) ? x.toFixed(4) : String(x));

export function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return "?";
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, "0");
  return h ? `${h}:${String(m).padStart(2, "0")}:${rest}` : `${m}:${rest}`;
}
