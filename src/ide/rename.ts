// Rename: every place a name refers to one definition — its definition, its uses in the file,
// in the modules the file loads (the definition may be in one of them), and in other files
// that import the defining file (the server passes those it can see: open documents and the
// workspace's .dnn files). Stdlib and built-in names are not the user's to rename.
import type { Span } from "../syntax/source.ts";
import { loadProgram, STDLIB_DIR, type Host, type Module } from "../check/modules.ts";
import type { Analysis } from "./analysis.ts";
import { HARD_KEYWORDS } from "./call-context.ts";
import { sameSpan } from "./definitions.ts";
import { findAt } from "./lookup.ts";
import { referencesAt } from "./navigation.ts";

export type RenameResult = { edits: Map<string, Span[]> } | { error: string };

/** The name under the cursor, if it can be renamed. */
export function prepareRename(a: Analysis, offset: number): { span: Span; name: string } | { error: string } {
  const found = findAt(a, offset);
  if (!found?.target || found.builtin) return { error: "nothing to rename here: put the cursor on a name this file or its imports define" };
  if (found.target.file.startsWith(STDLIB_DIR)) return { error: `\`${found.name}\` is defined in the standard library, which cannot be renamed` };
  return { span: found.span, name: found.name };
}

/** `others`: the paths and texts of other files that may import the definition's file. */
export function rename(a: Analysis, offset: number, newName: string, host: Host, others: { path: string; text: string }[] = []): RenameResult {
  const ready = prepareRename(a, offset);
  if ("error" in ready) return ready;
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(newName)) return { error: `\`${newName}\` is not a name: a letter or _, then letters, digits or _` };
  if (HARD_KEYWORDS.has(newName)) return { error: `\`${newName}\` is a keyword` };
  const target = findAt(a, offset)!.target!;
  const edits = new Map<string, Span[]>();
  const add = (s: Span) => {
    const list = edits.get(s.file) ?? [];
    if (!list.some((x) => sameSpan(x, s))) list.push(s);
    edits.set(s.file, list);
  };
  // In this file: the definition, its uses and the named arguments that set it (a parameter).
  for (const s of referencesAt(a, offset, true)) add(s);
  // Top-level names are visible from other modules: their uses there, and their import lines.
  const usesIn = (m: Module) => m.references.filter((r) => sameSpan(r.target, target)).forEach((r) => add(r.span));
  for (const m of a.program.modules.values()) if (m !== a.entry && !m.path.startsWith(STDLIB_DIR)) usesIn(m);
  for (const o of others) {
    if (o.path === a.path || a.program.modules.has(o.path) || !new RegExp(`\\b${ready.name}\\b`).test(o.text)) continue;
    const { program } = loadProgram(o.path, o.text, host);
    const defining = program.modules.get(target.file);
    // Only if it loads the same text of the defining file: otherwise the offsets mean something else.
    if (!defining || defining.source.text !== a.program.modules.get(target.file)?.source.text) continue;
    for (const m of program.modules.values()) if (m.path === o.path) usesIn(m);
  }
  for (const list of edits.values()) list.sort((x, y) => x.start - y.start);
  return { edits };
}
