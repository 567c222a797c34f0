// `dnnc train` in a real terminal: at 60, 80, 100 and 200 columns, the progress line is redrawn
// in place (carriage return and erase-line) and never as wide as the terminal, so no redraw
// leaves a row behind, and the lines that stay are wrapped to the width too.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../helpers/dnnc-cli.ts";
import { inPty, render } from "../helpers/terminal.ts";

const TIMEOUT = 60_000;
const MLP = join(ROOT, "samples/mlp_digits.dnn");

describe("dnnc train on a terminal", () => {
  it("the model of a terminal sees a line that reaches the last column wrap, and a redraw of it leave a row behind", () => {
    const long = "x".repeat(85);
    const screen = render(`\r\x1b[2K${long}\r\x1b[2K${long}\r\x1b[2Kdone\r\n`, 80);
    expect(screen.softWraps).toBe(2);
    expect(screen.rows).toEqual(["x".repeat(80), "x".repeat(80), "done"]); // each draw leaves its first row behind
    expect(render(`\r\x1b[2K${"x".repeat(79)}\r\x1b[2Kdone\r\n`, 80)).toEqual({ rows: ["done"], softWraps: 0 });
  });

  for (const columns of [60, 80, 100, 200]) {
    it(`at ${columns} columns, every redraw overwrites the progress line and no line is wider than ${columns - 1}`, () => {
      const dir = mkdtempSync(join(tmpdir(), "dnnc-train-tty-"));
      // A batch of 8 makes 169 steps, so the bar is drawn several times within the epoch.
      const r = inPty(`'${process.execPath}' '${join(ROOT, "bin/dnnc.js")}' train '${MLP}' --epochs 1 --batch 8`, columns, dir, TIMEOUT);
      expect(r.status, r.output).toBe(0);
      const draws = r.output.split("\r\x1b[2K").slice(1).map((d) => d.split(/\r?\n|\r/)[0]!).filter((d) => d.startsWith("epoch 1/1 ["));
      expect(draws.length).toBeGreaterThanOrEqual(2);
      for (const d of draws) expect(d.length, d).toBeLessThanOrEqual(columns - 1);
      // The widest terminal has room for every field; the narrowest keeps the bar, steps and loss.
      if (columns >= 100) expect(draws.at(-1)).toMatch(/^epoch 1\/1 \[=+\]  169\/169  loss \d\.\d{4}  acc \d\.\d{4}  [\d,]+ ex\/s  ETA 0:00$/);
      else expect(draws.at(-1)).toMatch(/^epoch 1\/1 \[=+\]  169\/169  loss \d\.\d{4}/);
      const screen = render(r.output, columns);
      expect(screen.softWraps, screen.rows.join("\n")).toBe(0);
      expect(screen.rows.every((row) => row.length <= columns - 1)).toBe(true);
      // Nothing of the bar is left on the screen: the epoch's summary replaced it.
      expect(screen.rows.filter((row) => row.includes("["))).toEqual([]);
      expect(screen.rows[0]).toMatch(/^training DigitsMLP on digits\/train/);
      expect(screen.rows.join("\n")).toMatch(/^epoch 1: loss \d/m);
      expect(screen.rows.at(-1)).toMatch(/report\s+mlp_digits\.report\.html$|mlp_digits\.report\.html$/);
    }, TIMEOUT);
  }
});
