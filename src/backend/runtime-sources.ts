// The source text of a runtime part (runtime-parts.ts). Run from the sources, it is read from
// src/; scripts/build.mjs replaces this module with one holding the text of every file under src/
// that has a `dnnc:helpers` region, so the built command (and the installed package, which ships
// no src/) reads nothing from src/ at run time.
import { readFileSync } from "node:fs";

/** The text of `file`, a path under src/ ("runtime/cpu/memory.ts"). */
export function runtimeSource(file: string): string {
  return readFileSync(new URL(`../${file}`, import.meta.url), "utf8");
}
