// `dnnc lsp`: the language server. The protocol is vscode-languageserver's; everything it
// answers comes from src/ide/, which knows nothing of the protocol. Documents are analysed
// on open and, debounced, after edits; a request first brings its document's analysis up to
// date, so answers never describe stale text. Nothing a client sends within the protocol may
// stop the server: a failure inside a handler is logged and answered with "nothing", and a
// document the checker fails on gets one diagnostic saying so (a broken file must not look
// clean). Input that breaks the protocol's framing ends it, and requests out of order or with
// malformed params are answered with errors, before any of this (stdio.ts).
import {
  TextDocuments, TextDocumentSyncKind, CompletionItemKind, SymbolKind, FoldingRangeKind,
  SemanticTokensBuilder, MarkupKind, InlayHintKind, ResponseError, DidChangeConfigurationNotification, type Connection, type CompletionItem, type Diagnostic as LspDiagnostic, type DocumentSymbol, type InitializeResult,
} from "vscode-languageserver/node";
import { TextDocument } from "vscode-languageserver-textdocument";
import { fsHost, type Host } from "../check/modules.ts";
import type { SourceFile } from "../syntax/source.ts";
import { analyse, type Analysis } from "../ide/analysis.ts";
import { hover } from "../ide/hover.ts";
import { definitionAt, referencesAt } from "../ide/navigation.ts";
import { complete, type CompletionKind } from "../ide/completion.ts";
import { signatureHelp } from "../ide/signature-help.ts";
import { folds, outline, type OutlineItem } from "../ide/outline.ts";
import { semanticTokens, TOKEN_MODIFIERS, TOKEN_TYPES } from "../ide/semantic-tokens.ts";
import { format } from "../format/format.ts";
import { DEFAULT_INLAY_HINTS, inlayHints, type InlayHintOptions } from "../ide/inlay-hints.ts";
import { VERSION } from "../version.ts";
import { crashDiagnostic, pathToUri, toLocation, toLspDiagnostic, toRange, uriToPath } from "./convert.ts";
import { importedDiagnostics } from "./imported.ts";
import { stdioConnection } from "./stdio.ts";
import { REFACTOR_CAPABILITIES, registerRefactors } from "./refactors.ts";
import { DIAGRAM_CAPABILITIES, registerDiagram } from "./diagram.ts";

/** How long after the last keystroke a document is re-analysed. */
const DEBOUNCE_MS = 15;

interface State {
  analysis?: Analysis;
  /** The text the analysis last threw on: not analysed again until it changes. */
  crashed?: string;
  timer?: NodeJS.Timeout;
}

/** Tests stand in for a checker bug (there is no known one to rely on) with DNNC_LSP_FAULT=TEXT:
 * analysing a document that contains TEXT throws. Unset, analysis is exactly `analyse`. */
const FAULT = process.env["DNNC_LSP_FAULT"];
const analyseDocument: typeof analyse = (path, text, host, prev) => {
  if (FAULT && text.includes(FAULT)) throw new Error(`injected fault: the document contains ${JSON.stringify(FAULT)} (DNNC_LSP_FAULT)`);
  return analyse(path, text, host, prev);
};

const describeError = (e: unknown): string => (e instanceof Error ? (e.stack ?? e.message) : String(e));

export function startServer(connection: Connection = stdioConnection()): void {
  const documents = new TextDocuments(TextDocument);
  const states = new Map<string, State>();
  // Open documents take precedence over the disk, so an unsaved imported file is seen as typed.
  const host: Host = { read: (path) => documents.get(pathToUri(path))?.getText() ?? fsHost.read(path) };

  /** `answers`: the handler's own errors (ResponseError: "cannot rename that") go to the client as errors. */
  const guard = <A extends unknown[], R>(what: string, f: (...args: A) => R, none: R, answers = false) => (...args: A): R => {
    try {
      return f(...args);
    } catch (e) {
      if (answers && e instanceof ResponseError) throw e;
      connection.console.error(`dnnc: ${what} failed: ${describeError(e)}`);
      return none;
    }
  };

  /** The document's analysis, brought up to date with its text first. */
  const current = (uri: string): Analysis | undefined => {
    const doc = documents.get(uri);
    if (!doc) return undefined;
    const state = states.get(uri) ?? {};
    states.set(uri, state);
    if (state.timer) clearTimeout(state.timer), (state.timer = undefined);
    const text = doc.getText();
    if (state.crashed === text) return undefined;
    if (state.analysis?.text !== text) {
      try {
        state.analysis = analyseDocument(uriToPath(uri), text, host, state.analysis);
      } catch (e) {
        // Nothing of the last analysis is kept: it describes another text.
        Object.assign(state, { analysis: undefined, crashed: text });
        reportCrash(uri, "analysing", e);
        return undefined;
      }
      state.crashed = undefined;
      for (const f of state.analysis.failures) connection.console.error(`dnnc: internal error: ${f}`);
      publish(uri, state.analysis);
    }
    return state.analysis;
  };

  const publish = (uri: string, a: Analysis) => {
    const sources = (p: string): SourceFile | undefined => a.program.sources.get(p);
    let diagnostics: LspDiagnostic[];
    try {
      const own = a.diagnostics.filter((d) => d.span.file === a.path).flatMap((d) => toLspDiagnostic(d, sources) ?? []);
      // A model the checker failed on has no diagnostics of its own: say so, once, or it looks clean.
      const crashed = a.failures.length > 0 ? [crashDiagnostic(a.failures[0]!.split("\n")[0]!)] : [];
      diagnostics = [...crashed, ...own, ...importedDiagnostics(a, sources)];
    } catch (e) {
      return reportCrash(uri, "reporting the diagnostics of", e);
    }
    void connection.sendDiagnostics({ uri, version: documents.get(uri)?.version, diagnostics });
  };

  /** dnnc itself failed on a document: one diagnostic says so, the stack goes to the client's log. */
  const reportCrash = (uri: string, doing: string, e: unknown) => {
    connection.console.error(`dnnc: internal error: ${doing} ${uri}: ${describeError(e)}`);
    void connection.sendDiagnostics({ uri, version: documents.get(uri)?.version, diagnostics: [crashDiagnostic(e instanceof Error ? e.message : String(e))] });
  };

  const analyseSoon = (uri: string) => {
    const state = states.get(uri) ?? {};
    states.set(uri, state);
    if (state.timer) clearTimeout(state.timer);
    state.timer = setTimeout(guard("analysis", () => void current(uri), undefined), DEBOUNCE_MS);
  };

  // Settings: `initializationOptions` at start, then `workspace/didChangeConfiguration`'s
  // `settings.dnnc` (both shaped { inlayHints: { types, parameterCounts } }).
  let hintOptions: InlayHintOptions = DEFAULT_INLAY_HINTS;
  let refreshHints = false;
  const configure = (settings: unknown) => {
    const hints = (settings as { inlayHints?: Partial<Record<keyof InlayHintOptions, unknown>> } | undefined)?.inlayHints;
    if (!hints || typeof hints !== "object") return;
    const flag = (k: keyof InlayHintOptions) => (typeof hints[k] === "boolean" ? hints[k] : hintOptions[k]);
    hintOptions = { types: flag("types"), parameterCounts: flag("parameterCounts") };
  };

  let roots: string[] = [];
  let refreshLenses = false;
  connection.onInitialize((p): InitializeResult => (configure(p.initializationOptions), (refreshHints = p.capabilities.workspace?.inlayHint?.refreshSupport === true),
  (refreshLenses = p.capabilities.workspace?.codeLens?.refreshSupport === true),
  (roots = [...(p.workspaceFolders ?? []).map((f) => f.uri), ...(p.rootUri ? [p.rootUri] : [])].filter((u, i, all) => u.startsWith("file:") && all.indexOf(u) === i).map(uriToPath)), {
    serverInfo: { name: "dnnc", version: VERSION },
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      hoverProvider: true,
      definitionProvider: true,
      referencesProvider: true,
      completionProvider: { triggerCharacters: ["(", ",", ":", ">", "="] },
      signatureHelpProvider: { triggerCharacters: ["(", ","], retriggerCharacters: [":"] },
      documentSymbolProvider: true,
      foldingRangeProvider: true,
      semanticTokensProvider: { legend: { tokenTypes: [...TOKEN_TYPES], tokenModifiers: [...TOKEN_MODIFIERS] }, full: true },
      documentFormattingProvider: true,
      inlayHintProvider: true,
      ...REFACTOR_CAPABILITIES,
      ...DIAGRAM_CAPABILITIES,
    },
  }));

  connection.onNotification(DidChangeConfigurationNotification.type, guard("configuration", (p) => {
    configure((p.settings as { dnnc?: unknown } | undefined)?.dnnc);
    if (refreshHints) void connection.languages.inlayHint.refresh();
  }, undefined));

  documents.onDidOpen(guard("open", (e) => void current(e.document.uri), undefined));
  documents.onDidChangeContent(guard("change", (e) => analyseSoon(e.document.uri), undefined));
  documents.onDidClose(guard("close", (e) => {
    const state = states.get(e.document.uri);
    if (state?.timer) clearTimeout(state.timer);
    states.delete(e.document.uri);
    void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  }, undefined));

  const at = (uri: string, position: { line: number; character: number }) => {
    const a = current(uri);
    return a && { a, offset: a.entry.source.offset(position) };
  };

  connection.onHover(guard("hover", (p) => {
    const c = at(p.textDocument.uri, p.position);
    const h = c && hover(c.a, c.offset);
    return h ? { contents: { kind: MarkupKind.Markdown, value: h.markdown }, range: toRange(c.a.entry.source, h.span) } : null;
  }, null));

  connection.onDefinition(guard("definition", (p) => {
    const c = at(p.textDocument.uri, p.position);
    const target = c && definitionAt(c.a, c.offset);
    return (target && toLocation((f) => c.a.program.sources.get(f), target)) ?? null;
  }, null));

  connection.onReferences(guard("references", (p) => {
    const c = at(p.textDocument.uri, p.position);
    if (!c) return [];
    return referencesAt(c.a, c.offset, p.context.includeDeclaration).flatMap((s) => toLocation((f) => c.a.program.sources.get(f), s) ?? []);
  }, []));

  connection.onCompletion(guard("completion", (p) => {
    const c = at(p.textDocument.uri, p.position);
    if (!c) return [];
    return complete(c.a, c.offset).map((x): CompletionItem => ({
      label: x.label,
      kind: COMPLETION_KIND[x.kind],
      detail: x.detail,
      documentation: x.documentation ? { kind: MarkupKind.Markdown, value: x.documentation } : undefined,
      insertText: x.insertText,
      sortText: x.sortText,
      additionalTextEdits: x.edit ? [{ range: toRange(c.a.entry.source, { file: c.a.path, start: x.edit.offset, end: x.edit.offset }), newText: x.edit.text }] : undefined,
    }));
  }, []));

  connection.onSignatureHelp(guard("signature help", (p) => {
    const c = at(p.textDocument.uri, p.position);
    const s = c && signatureHelp(c.a, c.offset);
    if (!s) return null;
    return {
      signatures: [{ label: s.label, parameters: s.parameters.map((label) => ({ label })), documentation: s.documentation && { kind: MarkupKind.Markdown, value: s.documentation } }],
      activeSignature: 0,
      activeParameter: s.active < 0 ? undefined : s.active,
    };
  }, null));

  connection.onDocumentSymbol(guard("document symbols", (p) => {
    const a = current(p.textDocument.uri);
    if (!a) return [];
    const symbol = (o: OutlineItem): DocumentSymbol => ({
      name: o.name, detail: o.detail, kind: SYMBOL_KIND[o.kind] ?? SymbolKind.Variable,
      range: toRange(a.entry.source, o.extent), selectionRange: toRange(a.entry.source, o.span), children: o.children.map(symbol),
    });
    return outline(a).map(symbol);
  }, []));

  connection.onFoldingRanges(guard("folding", (p) => {
    const a = current(p.textDocument.uri);
    return a ? folds(a).map((f) => ({ startLine: f.startLine, endLine: f.endLine, kind: f.kind === "comment" ? FoldingRangeKind.Comment : f.kind === "imports" ? FoldingRangeKind.Imports : undefined })) : [];
  }, []));

  connection.languages.semanticTokens.on(guard("semantic tokens", (p) => {
    const a = current(p.textDocument.uri);
    const builder = new SemanticTokensBuilder();
    for (const t of a ? semanticTokens(a) : []) {
      const pos = a!.entry.source.position(t.offset);
      builder.push(pos.line, pos.character, t.length, TOKEN_TYPES.indexOf(t.type), t.modifiers.reduce((bits, m) => bits | (1 << TOKEN_MODIFIERS.indexOf(m)), 0));
    }
    return builder.build();
  }, { data: [] }));

  connection.languages.inlayHint.on(guard("inlay hints", (p) => {
    const a = current(p.textDocument.uri);
    if (!a) return [];
    const source = a.entry.source;
    return inlayHints(a, source.offset(p.range.start), source.offset(p.range.end), hintOptions).map((h) => ({
      position: source.position(h.offset), label: h.label, kind: h.kind === "type" ? InlayHintKind.Type : undefined, paddingLeft: h.paddingLeft,
    }));
  }, []));

  registerRefactors({ connection, documents, host, current, guard, roots: () => roots, canRefreshLenses: () => refreshLenses });
  registerDiagram({ connection, documents, host, current, guard });

  connection.onDocumentFormatting(guard("formatting", (p) => {
    const doc = documents.get(p.textDocument.uri);
    if (!doc) return [];
    const text = doc.getText();
    const result = format(uriToPath(p.textDocument.uri), text, { indent: p.options.tabSize });
    if (result.text === text) return [];
    return [{ range: { start: { line: 0, character: 0 }, end: doc.positionAt(text.length) }, newText: result.text }];
  }, []));

  // A bug that escapes every guard is logged; the editor keeps its server.
  process.on("uncaughtException", (e) => connection.console.error(`dnnc: uncaught: ${e.stack ?? e.message}`));
  documents.listen(connection);
  connection.listen();
}

const COMPLETION_KIND: Record<CompletionKind, CompletionItemKind> = {
  keyword: CompletionItemKind.Keyword, layer: CompletionItemKind.Class, function: CompletionItemKind.Function, init: CompletionItemKind.Function,
  optimizer: CompletionItemKind.Function, argument: CompletionItemKind.Field, variable: CompletionItemKind.Variable, builtin: CompletionItemKind.Function,
  value: CompletionItemKind.Value,
};

const SYMBOL_KIND: Partial<Record<OutlineItem["kind"], SymbolKind>> = {
  model: SymbolKind.Class, layer: SymbolKind.Class, train: SymbolKind.Event, fn: SymbolKind.Function, init: SymbolKind.Function, optimizer: SymbolKind.Function,
  input: SymbolKind.Variable, output: SymbolKind.Variable, target: SymbolKind.Variable, param: SymbolKind.Field, state: SymbolKind.Field, let: SymbolKind.Variable,
};
