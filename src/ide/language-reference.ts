// The language reference (docs/language.md), whose table of built-ins is what editors show
// (builtins.ts). Run from the sources, it is read from docs/; scripts/build.mjs replaces this
// module with one holding the text, so the built command reads nothing from docs/ at run time.
import { existsSync, readFileSync } from "node:fs";

const REFERENCE = new URL("../../docs/language.md", import.meta.url);

/** The reference's markdown; undefined where the file is missing. */
export function languageReference(): string | undefined {
  return existsSync(REFERENCE) ? readFileSync(REFERENCE, "utf8") : undefined;
}
