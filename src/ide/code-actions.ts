// Quick fixes for the diagnostics of the current analysis: what a diagnostic suggests as data
// (`Diagnostic.suggestion`, the name a "did you mean" hint gives) replaces the text it points
// at; an unknown name that a stdlib module exports gets that module's import; a word where a
// keyword belongs (`modle`, `True`) becomes the keyword. Nothing here reads a message's text.
import type { Span } from "../syntax/source.ts";
import type { Diagnostic } from "../diagnostics/diagnostic.ts";
import { didYouMean } from "../check/suggest.ts";
import type { Analysis } from "./analysis.ts";
import { BLOCK_KEYWORDS, TOP_KEYWORDS, importEdit } from "./completion.ts";
import { stdlibIndex } from "./stdlib-index.ts";

export interface TextEdit {
  offset: number;
  end: number;
  text: string;
}

export interface QuickFix {
  title: string;
  edits: TextEdit[];
  /** The diagnostic it fixes. */
  diagnostic: Diagnostic;
  /** The one fix an editor may apply without asking (`isPreferred`). */
  preferred: boolean;
}

const LITERALS = ["true", "false"];

/** The fixes for the diagnostics of this file that overlap [from, to]. */
export function quickFixes(a: Analysis, from: number, to: number): QuickFix[] {
  const out: QuickFix[] = [];
  for (const d of a.diagnostics) {
    if (d.span.file !== a.path || d.span.end < from || d.span.start > to) continue;
    const written = a.text.slice(d.span.start, d.span.end);
    const replace = (meant: string, preferred: boolean, title = `Change \`${written}\` to \`${meant}\``) =>
      out.push({ title, edits: [{ offset: d.span.start, end: d.span.end, text: meant }], diagnostic: d, preferred });
    const imports = d.code === "DNN0101" ? importFixes(a, d, written) : [];
    out.push(...imports);
    if (d.suggestion !== undefined && d.suggestion !== written) replace(d.suggestion, imports.length === 0);
    else if (d.code === "DNN0101" && imports.length === 0) {
      // `True`: a literal written as another language spells it.
      const literal = LITERALS.find((k) => k === written.toLowerCase());
      if (literal) replace(literal, true);
    } else if (d.code === "DNN0002") {
      const keyword = misspeltKeyword(a, d.span);
      if (keyword) replace(keyword, true);
    }
  }
  return out;
}

/** `Dense` used without its import: one fix per stdlib module that exports the name. */
function importFixes(a: Analysis, d: Diagnostic, name: string): QuickFix[] {
  const modules = [...new Set(stdlibIndex().filter((e) => e.decl.name.name === name).map((e) => e.module))];
  return modules.map((module, i) => {
    const e = importEdit(a, module, name);
    return { title: `Import \`${name}\` from std.${module}`, edits: [{ offset: e.offset, end: e.offset, text: e.text }], diagnostic: d, preferred: i === 0 && modules.length === 1 };
  });
}

/** A parse error at a word that is a keyword misspelt (`modle M {`, `outptu y: …`): the keyword.
 * Only a word followed by a name or `{` on its line: where a keyword starts a declaration. */
function misspeltKeyword(a: Analysis, span: Span): string | undefined {
  const m = /^([A-Za-z_]\w*)[ \t]+(?:[A-Za-z_]|\{)/.exec(a.text.slice(span.start, span.start + 200));
  if (!m) return undefined;
  const word = m[1]!;
  const keywords = [...TOP_KEYWORDS, ...BLOCK_KEYWORDS];
  return keywords.includes(word) ? undefined : didYouMean(word, keywords);
}
