// Parses of the standard library stored in the build. Every check imports stdlib modules, and in a
// fresh process parsing them on a cold JIT was a fifth or more of `dnnc check` of a small file
// (docs/performance.md, "Start-up"). Run from the sources there are none: this module answers
// nothing and every stdlib file is parsed. scripts/build.mjs replaces it with one holding each
// stdlib file's text and its parse (as JSON, checked at build time to come back exactly), given
// only while the file on disk still has that text.
import type { ParseResult } from "../syntax/parse.ts";

/** The stored parse of stdlib file `name` ("layers.dnn") at `path`, when `text` is what was parsed. */
export function storedStdlibParse(_path: string, _name: string, _text: string): ParseResult | undefined {
  return undefined;
}
