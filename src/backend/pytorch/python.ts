// Python text for the PyTorch target: literals, shapes and the identifiers of generated code.
// Every identifier made from a user's name goes through names.ts's userIdent (`u_` + the name
// escaped), which is a Python identifier too, and never a keyword or a builtin: the generator's
// own identifiers are `<op>_<id>` locals, `self`, `torch`, `F`, `rt`, `device`, `carry`, `step`
// and `c<k>`, none of which starts with `u_`. User text reaches Python only inside string
// literals (pyString) and comments (pyComment).
import type { Dim, Shape } from "../../ir/shape.ts";
import { dimCode, userIdent } from "../names.ts";

export { userIdent };

/** A Python string literal holding `text`: JSON's escapes are Python's, and every non-ASCII character is escaped. */
export const pyString = (text: string): string => JSON.stringify(text).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);

/** `text` inside a `#` comment: one line, whatever it holds. */
export const pyComment = (text: string): string => text.replace(/[\n\r\v\f\u0085\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);

/** A float literal that reads back as `v` (infinities and NaN as float(…)). */
export function pyFloat(v: number): string {
  if (Number.isNaN(v)) return 'float("nan")';
  if (!Number.isFinite(v)) return v > 0 ? 'float("inf")' : '-float("inf")';
  if (Object.is(v, -0)) return "-0.0";
  const s = String(v);
  return /[.e]/.test(s) ? s : `${s}.0`;
}

/** A size as a Python int expression: its symbols are the forward's bound sizes (`u_B`). */
export const pyDim = (d: Dim): string => (typeof d === "number" ? String(d) : dimCode(d));

/** A shape as a Python tuple: `()`, `(64,)`, `(u_B, 64)`. */
export const pyShape = (s: Shape): string => (s.length === 1 ? `(${pyDim(s[0]!)},)` : `(${s.map(pyDim).join(", ")})`);

/** A tuple of plain ints. */
export const pyInts = (xs: readonly number[]): string => (xs.length === 1 ? `(${xs[0]},)` : `(${xs.join(", ")})`);

/** The torch dtype of an IR dtype. */
export const torchDtype = (dtype: "f32" | "i32"): string => (dtype === "f32" ? "torch.float32" : "torch.int32");

/** The symbols a size mentions: "169*B + T" → B, T. */
export const dimSymbols = (d: Dim): string[] => (typeof d === "number" ? [] : (d.match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? []));

/** Lines indented by `depth` levels of four spaces. */
export const indent = (lines: readonly string[], depth = 1): string[] => lines.map((l) => (l === "" ? l : " ".repeat(4 * depth) + l));
