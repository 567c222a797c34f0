// What `dnnc train` shows while it works. On a terminal, one line per epoch redrawn in place
// (carriage return, erase line): a bar, steps, running loss and (a classifier's) accuracy, examples
// per second and the time left. The line is laid out for the terminal's width at each redraw (it
// may be resized mid-run) and is never longer than columns − 1: a line that reaches the last column
// wraps, the carriage return then goes back only to its second row, and every redraw would leave a
// line behind. Fields are dropped by priority, the least useful first, and the bar shrinks last.
// Lines that stay (an epoch's summary, notes) are wrapped at field or word boundaries to the same
// width. Anywhere else (a log file, CI), plain lines: one per epoch, and a few within long epochs.
import type { EpochStats, Progress } from "./loop.ts";

export interface ProgressOptions {
  write: (s: string) => void;
  tty: boolean;
  /** The terminal's width now (read at every redraw); 80 when unknown. */
  columns?: () => number | undefined;
}

export interface ProgressPrinter {
  progress(p: Progress): void;
  epoch(s: EpochStats): void;
  /** A line that stays, wrapped to the terminal's width. */
  note(m: string): void;
}

export function progressPrinter(o: ProgressOptions): ProgressPrinter {
  let lastDraw = 0;
  let lastQuarter = -1;
  let drawn = false;
  const columns = () => o.columns?.() || 80;
  const clear = () => drawn && (o.write("\r\x1b[2K"), (drawn = false));
  const lines = (text: string) => (o.tty ? wrapToWidth(text, columns() - 1) : text) + "\n";
  return {
    progress(p) {
      const now = performance.now();
      if (o.tty) {
        if (now - lastDraw < 100 && p.step < p.steps) return;
        lastDraw = now;
        o.write(`\r\x1b[2K${progressLine(p, columns())}`);
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
      o.write(lines(epochLine(s)));
      lastQuarter = -1;
    },
    note(m) {
      clear();
      o.write(lines(m));
    },
  };
}

/** An epoch's summary: loss, the metrics it has, validation, learning rate, time and speed. */
export function epochLine(s: EpochStats): string {
  const metric = (prefix: string, m: Record<string, number> | undefined) => Object.entries(m ?? {}).map(([k, v]) => `  ${prefix}${k} ${fmt(v)}`).join("");
  const val = (s.valLoss === undefined ? "" : `  val_loss ${fmt(s.valLoss)}`) + (s.valAccuracy === undefined ? "" : `  val_acc ${fmt(s.valAccuracy)}`) + metric("val_", s.valMetrics);
  const lr = s.lr === undefined ? "" : `  lr ${s.lr.toPrecision(3)}`;
  return `epoch ${s.epoch}: loss ${fmt(s.loss)}${s.accuracy === undefined ? "" : `  acc ${fmt(s.accuracy)}`}${metric("", s.metrics)}${val}${lr}  ${s.seconds.toFixed(1)} s, ${Math.round(s.examplesPerSecond).toLocaleString("en-US")} ex/s`;
}

const BAR_MAX = 30, BAR_MIN = 10, BAR_LEAST = 3;

/**
 * The progress line for a terminal `columns` wide: at most columns − 1 characters. Fields in the
 * order shown; when they do not all fit beside a bar of BAR_MIN, the least useful goes first
 * (speed, accuracy, steps, time left, loss), then the bar shrinks, then "epoch" becomes its count.
 */
export function progressLine(p: Progress, columns: number): string {
  const limit = Math.max(1, columns - 1);
  const fields: { text: string; drop: number }[] = [
    { text: `${p.step}/${p.steps}`, drop: 3 },
    { text: `loss ${fmt(p.loss)}`, drop: 5 },
    ...(p.accuracy === undefined ? [] : [{ text: `acc ${fmt(p.accuracy)}`, drop: 2 }]),
    { text: `${Math.round(p.examplesPerSecond).toLocaleString("en-US")} ex/s`, drop: 1 },
    { text: `ETA ${duration(p.etaSeconds)}`, drop: 4 },
  ];
  const layout = (head: string, kept: typeof fields, minBar: number): string | undefined => {
    const rest = kept.map((f) => `  ${f.text}`).join("");
    const room = limit - head.length - 3 - rest.length; // " [" and "]"
    if (room < minBar) return undefined;
    return `${head} [${bar(p.step / p.steps, Math.min(BAR_MAX, room))}]${rest}`;
  };
  for (let dropped = 0; dropped <= 5; dropped++) {
    const line = layout(`epoch ${p.epoch}/${p.epochs}`, fields.filter((f) => f.drop > dropped), BAR_MIN);
    if (line) return line;
  }
  const tight = layout(`epoch ${p.epoch}/${p.epochs}`, [], BAR_LEAST) ?? layout(`${p.epoch}/${p.epochs}`, [], BAR_LEAST);
  return tight ?? `${p.epoch}/${p.epochs}`.slice(0, limit);
}

function bar(fraction: number, width: number): string {
  const done = Math.round(Math.min(1, Math.max(0, fraction)) * width);
  return "=".repeat(Math.max(0, done - 1)) + (done > 0 ? (fraction < 1 ? ">" : "=") : "") + " ".repeat(width - done);
}

/**
 * `text` broken into lines of at most `width` characters: at the two-space gaps between fields
 * where it can, else at spaces, else anywhere (a long path); lines after the first indented.
 */
export function wrapToWidth(text: string, width: number): string {
  if (text.length <= width || width < 8) return text;
  const out: string[] = [];
  let line = "";
  const indent = "  ";
  // Fields (separated by two spaces) stay whole; a field too long for a line splits at its spaces.
  const words = text.split(/(?<=  )(?=\S)/).flatMap((f) => (f.trimEnd().length > width - indent.length ? f.split(/(?<= )(?=\S)/) : [f]));
  for (const word of words) {
    if (line.trim() && (line + word).trimEnd().length > width) {
      out.push(line.trimEnd());
      line = indent;
    }
    let w = word;
    while ((line + w).trimEnd().length > width) {
      const cut = width - line.length;
      out.push(line + w.slice(0, cut));
      (w = w.slice(cut)), (line = indent);
    }
    line += w;
  }
  if (line.trim()) out.push(line.trimEnd());
  return out.join("\n");
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
