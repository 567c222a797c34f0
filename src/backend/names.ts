// The one way a name from a .dnn file (a model, input, output, target, parameter, optimizer state
// or symbolic size) becomes part of generated TypeScript or WGSL. Every identifier made from a
// user's name is `u_` + the name escaped; the generator's own identifiers never start with `u_`
// (test/backend/hygiene.test.ts checks every identifier a module declares), so no legal name can
// meet a local, a helper, a keyword, a global or a WGSL built-in, whatever it is called.
//
// The escape is injective and its results are identifiers in both languages (WGSL forbids a
// leading `__` and `$`): letters and digits stay, `_` doubles, any other character c becomes
// `_X<hex code of c>_`. So a single `_` followed by a lowercase letter never occurs inside an
// escaped name, and `derivedIdent(name, "forward_k0")` = `u_<escaped>_forward_k0` cannot equal
// another name's identifier or another derived one (suffixes start with a lowercase letter).
//
// User text in comments and string literals goes through `commentText`, `jsString` and
// `templateText`: a file name with a newline or `*/`, a tensor name with a backtick, stays text.

/** The prefix of every identifier made from a user's name, and of no other identifier. */
export const USER_PREFIX = "u_";

function escapeName(name: string): string {
  let out = "";
  for (const ch of name) {
    if (/^[A-Za-z0-9]$/.test(ch)) out += ch;
    else if (ch === "_") out += "__";
    else out += `_X${ch.codePointAt(0)!.toString(16).toUpperCase()}_`;
  }
  return out;
}

/** A user's name as an identifier of generated code (TypeScript and WGSL). */
export const userIdent = (name: string): string => USER_PREFIX + escapeName(name);

/**
 * An identifier the generator derives from a user's name (a model's functions, shaders, plans):
 * `suffix` starts with a lowercase letter and is the generator's choice.
 */
export function derivedIdent(name: string, suffix: string): string {
  if (!/^[a-z][A-Za-z0-9_]*$/.test(suffix)) throw new Error(`dnnc: derived identifier suffix "${suffix}" must start with a lowercase letter`);
  return `${userIdent(name)}_${suffix}`;
}

/**
 * The user's name (and the suffix, for a derived identifier) back from an identifier made by
 * `userIdent` or `derivedIdent`; undefined for any other identifier. For tests.
 */
export function parseUserIdent(ident: string): { name: string; suffix?: string } | undefined {
  if (!ident.startsWith(USER_PREFIX)) return undefined;
  const m = /^((?:[A-Za-z0-9]|__|_X[0-9A-F]+_)*)(?:_([a-z][A-Za-z0-9_]*))?$/.exec(ident.slice(USER_PREFIX.length));
  if (!m) return undefined;
  const name = m[1]!.replace(/__|_X([0-9A-F]+)_/g, (_s, hex: string | undefined) => (hex ? String.fromCodePoint(parseInt(hex, 16)) : "_"));
  return m[2] === undefined ? { name } : { name, suffix: m[2] };
}

/**
 * A symbolic size (the IR's canonical polynomial text, "B", "T - 1", "169*B") with each symbol
 * replaced by its identifier: the size as an expression of generated code.
 */
export const dimCode = (d: string): string => d.replace(/[A-Za-z_][A-Za-z0-9_]*/g, userIdent);

/** A string literal (TypeScript) holding `text`. */
export const jsString = (text: string): string => JSON.stringify(text).replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");

/** `text` to place inside a template literal: backslashes, backticks and `${` escaped. */
export const templateText = (text: string): string => text.replace(/[\\`]|\$(?=\{)/g, (c) => `\\${c}`).replace(/[\n\r\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);

/**
 * `text` to place inside a comment of either language, line or block: every line break (as
 * TypeScript or WGSL counts them) written as `\u000a`-style escapes, and star-slash and
 * slash-star split (WGSL block comments nest), so the comment ends where the generator ends it.
 */
export const commentText = (text: string): string =>
  text
    .replace(/[\n\v\f\r\u0085\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`)
    .replace(/\*\//g, "*\\/")
    .replace(/\/\*/g, "/\\*");
