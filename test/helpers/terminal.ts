// Running a command in a real pseudo-terminal of a given size (util-linux `script`, no native
// addon), and a small model of what a terminal shows for its output: enough of one (printable
// characters, \r, \n, erase-line, automatic wrapping at the last column) to see whether a redrawn
// line overwrites itself or leaves rows behind.
import { spawnSync } from "node:child_process";

/** `command` run by sh in a pseudo-terminal `columns` wide; its output as the terminal received it. */
export function inPty(command: string, columns: number, cwd: string, timeout: number): { status: number | null; output: string } {
  const r = spawnSync("script", ["-qfec", `stty cols ${columns} rows 40; ${command}`, "/dev/null"], { cwd, encoding: "utf8", timeout, env: { ...process.env, NO_COLOR: "1", TERM: "xterm" } });
  if (r.error) throw r.error;
  return { status: r.status, output: r.stdout };
}

export interface Screen {
  /** The rows written, top to bottom (nothing scrolls away in this model). */
  rows: string[];
  /** Rows that a line too long for the terminal was wrapped onto. */
  softWraps: number;
}

/** What a terminal `columns` wide shows after `output` (a pseudo-terminal's: \n arrives as \r\n). */
export function render(output: string, columns: number): Screen {
  const rows: string[][] = [[]];
  let row = 0, col = 0, softWraps = 0, pendingWrap = false;
  for (let i = 0; i < output.length; i++) {
    const c = output[i]!;
    if (c === "\x1b") {
      const m = /^\x1b\[(\d*)([A-Za-z])/.exec(output.slice(i));
      if (!m) throw new Error(`an escape sequence this model does not know at ${JSON.stringify(output.slice(i, i + 8))}`);
      if (m[2] === "K" && m[1] === "2") rows[row] = [];
      else if (m[2] === "K") rows[row]!.length = Math.min(rows[row]!.length, col);
      else throw new Error(`an escape sequence this model does not know: ${JSON.stringify(m[0])}`);
      i += m[0].length - 1;
      continue;
    }
    if (c === "\r") (col = 0), (pendingWrap = false);
    else if (c === "\n") (row++, (rows[row] ??= [])), (pendingWrap = false);
    else {
      // A terminal wraps when a character arrives after one written in the last column.
      if (pendingWrap) (row++, (rows[row] ??= []), (col = 0), softWraps++), (pendingWrap = false);
      rows[row]![col] = c;
      if (col === columns - 1) pendingWrap = true;
      else col++;
    }
  }
  const text = rows.map((r) => Array.from(r, (ch) => ch ?? " ").join("").trimEnd());
  while (text.length && text.at(-1) === "") text.pop();
  return { rows: text, softWraps };
}
