// Errors in files this document imports are not this document's, and are not shown in it —
// except one line at the import that brought each such file in, saying where to look (an
// unsaved edit to an imported file would otherwise break this one silently).
import type { Diagnostic as LspDiagnostic } from "vscode-languageserver";
import type * as A from "../syntax/ast.ts";
import type { SourceFile } from "../syntax/source.ts";
import { moduleFile } from "../check/modules.ts";
import type { Analysis } from "../ide/analysis.ts";
import { toLspDiagnostic, toRange } from "./convert.ts";

export function importedDiagnostics(a: Analysis, sources: (path: string) => SourceFile | undefined): LspDiagnostic[] {
  const elsewhere = a.diagnostics.filter((d) => d.span.file !== a.path && d.severity === "error");
  if (elsewhere.length === 0) return [];
  const out: LspDiagnostic[] = [];
  for (const imp of a.parsed.ast.decls.filter((d): d is A.ImportDecl => d.kind === "import" && d.path.length > 0)) {
    const file = moduleFile(imp.path.map((p) => p.name), a.path);
    const first = elsewhere.find((d) => d.span.file === file);
    if (!first) continue;
    const n = elsewhere.filter((d) => d.span.file === file).length;
    const shown = toLspDiagnostic(first, sources, toRange(a.entry.source, imp.span));
    if (shown) out.push({ ...shown, message: `${imp.path.map((p) => p.name).join(".")} has ${n} error${n === 1 ? "" : "s"}; the first: ${first.message}` });
  }
  return out;
}
