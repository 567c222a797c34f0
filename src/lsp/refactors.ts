// The server's edits of the user's text beyond formatting: quick fixes (textDocument/codeAction),
// rename (with prepareRename) and the per-model code lens with its parameter count and peak
// training memory. What they compute is src/ide/'s; this file turns it into the protocol's.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { CodeActionKind, CodeLensRefreshRequest, ResponseError, ErrorCodes, type CodeAction, type CodeLens, type Connection, type TextDocuments, type WorkspaceEdit } from "vscode-languageserver/node";
import type { TextDocument } from "vscode-languageserver-textdocument";
import type { Host } from "../check/modules.ts";
import type { Analysis } from "../ide/analysis.ts";
import { quickFixes } from "../ide/code-actions.ts";
import { prepareRename, rename } from "../ide/rename.ts";
import { modelLenses, modelLensTitle } from "../ide/code-lens.ts";
import { SourceFile } from "../syntax/source.ts";
import { pathToUri, toLspDiagnostic, toRange, uriToPath } from "./convert.ts";
import type { ServiceContext } from "./service-context.ts";

/** How long resolve requests must pause before models are costed. */
const COST_AFTER_MS = 300;

export const REFACTOR_CAPABILITIES = {
  codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
  renameProvider: { prepareProvider: true },
  codeLensProvider: { resolveProvider: true },
};

export interface RefactorContext extends ServiceContext {
  /** The workspace's folders, searched for files that import a renamed definition. */
  roots: () => string[];
  /** Whether the client takes workspace/codeLens/refresh. */
  canRefreshLenses: () => boolean;
}

export function registerRefactors({ connection, documents, host, current, guard, roots, canRefreshLenses }: RefactorContext): void {
  connection.onCodeAction(guard("code actions", (p) => {
    const a = current(p.textDocument.uri);
    if (!a) return [];
    if (p.context.only && !p.context.only.some((k) => CodeActionKind.QuickFix.startsWith(k))) return [];
    const source = a.entry.source;
    const sources = (f: string) => a.program.sources.get(f);
    return quickFixes(a, source.offset(p.range.start), source.offset(p.range.end)).map((f): CodeAction => ({
      title: f.title,
      kind: CodeActionKind.QuickFix,
      isPreferred: f.preferred,
      diagnostics: [toLspDiagnostic(f.diagnostic, sources)!].filter(Boolean),
      edit: { changes: { [p.textDocument.uri]: f.edits.map((e) => ({ range: { start: source.position(e.offset), end: source.position(e.end) }, newText: e.text })) } },
    }));
  }, []));

  connection.onPrepareRename(guard("prepare rename", (p) => {
    const a = current(p.textDocument.uri);
    if (!a) return null;
    const r = prepareRename(a, a.entry.source.offset(p.position));
    if ("error" in r) throw new ResponseError(ErrorCodes.InvalidRequest, r.error);
    return { range: toRange(a.entry.source, r.span), placeholder: r.name };
  }, null, true));

  connection.onRenameRequest(guard("rename", (p) => {
    const a = current(p.textDocument.uri);
    if (!a) return null;
    const r = rename(a, a.entry.source.offset(p.position), p.newName, host, otherFiles(documents, roots()));
    if ("error" in r) throw new ResponseError(ErrorCodes.InvalidRequest, r.error);
    const changes: WorkspaceEdit["changes"] = {};
    for (const [file, spans] of r.edits) {
      const source = a.program.sources.get(file) ?? sourceOf(file, host);
      if (source) changes[pathToUri(file)] = spans.map((s) => ({ range: toRange(source, s), newText: p.newName }));
    }
    return { changes };
  }, null, true));

  connection.onCodeLens(guard("code lens", (p) => {
    const a = current(p.textDocument.uri);
    return a ? modelLenses(a).map((l): CodeLens => ({ range: toRange(a.entry.source, l.span), data: { uri: p.textDocument.uri, model: l.model } })) : [];
  }, []));

  // Costing a model takes up to hundreds of milliseconds, and an editor resolves lenses again
  // after every edit: where the editor can be asked to refresh them, a model not costed yet is
  // shown with its parameters alone, costed once resolve requests pause, then refreshed.
  const waiting = new Map<string, Set<string>>();
  let costTimer: NodeJS.Timeout | undefined;
  const costWaiting = guard("costing models", () => {
    costTimer = undefined;
    for (const [uri, models] of waiting) {
      const a = current(uri);
      for (const m of models) if (a) modelLensTitle(a, m);
    }
    waiting.clear();
    void connection.sendRequest(CodeLensRefreshRequest.type);
  }, undefined);

  connection.onCodeLensResolve(guard("code lens", (lens: CodeLens) => {
    const { uri, model } = (lens.data ?? {}) as { uri?: string; model?: string };
    const a = uri ? current(uri) : undefined;
    const shown = a && model ? modelLensTitle(a, model, undefined, !canRefreshLenses()) : undefined;
    if (shown?.pending) {
      waiting.set(uri!, (waiting.get(uri!) ?? new Set()).add(model!));
      if (costTimer) clearTimeout(costTimer);
      costTimer = setTimeout(costWaiting, COST_AFTER_MS);
    }
    // A lens carries a command to be shown; this one does nothing when clicked.
    return { ...lens, command: { title: shown?.title ?? "model", command: "" } };
  }, { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, command: { title: "model", command: "" } }));
}

function sourceOf(path: string, host: Host): SourceFile | undefined {
  const text = host.read(path);
  return text === undefined ? undefined : new SourceFile(path, text);
}

/** Open documents first, then the .dnn files under the workspace's folders (a bounded walk). */
function otherFiles(documents: TextDocuments<TextDocument>, roots: string[]): { path: string; text: string }[] {
  const out = new Map<string, string>();
  for (const d of documents.all()) out.set(uriToPath(d.uri), d.getText());
  let budget = 5000; // entries visited: a workspace opened at / must not hang a rename
  const walk = (dir: string, depth: number) => {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    for (const n of names) {
      if (--budget < 0) return;
      if (n.startsWith(".") || n === "node_modules") continue;
      const path = join(dir, n);
      try {
        const st = statSync(path);
        if (st.isDirectory() && depth < 8) walk(path, depth + 1);
        else if (st.isFile() && n.endsWith(".dnn") && !out.has(path) && st.size < 2_000_000) out.set(path, readFileSync(path, "utf8"));
      } catch {
        // unreadable: not ours to rename in
      }
    }
  };
  for (const r of roots) walk(r, 0);
  return [...out].map(([path, text]) => ({ path, text }));
}
