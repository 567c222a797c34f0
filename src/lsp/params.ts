// The shape of the params of every request and notification the server handles, checked before
// any handler runs, so that a wrongly typed field is answered with the protocol's InvalidParams
// (−32602) and a message naming the field, instead of a handler throwing and answering `null`.
// Fields the server does not read are not checked, and extra fields are allowed (the protocol
// adds them over time).
import { fileURLToPath } from "node:url";

/** Says what is wrong with `value` at `at` (a path such as `params.position.line`), or nothing. */
type Check = ((value: unknown, at: string) => string | undefined) & { optional?: true };

const describe = (v: unknown): string => {
  const text = JSON.stringify(v) ?? String(v);
  return `not ${text.length > 40 ? `${text.slice(0, 40)}…` : text}`;
};

const string: Check = (v, at) => (typeof v === "string" ? undefined : `${at} must be a string, ${describe(v)}`);
const boolean: Check = (v, at) => (typeof v === "boolean" ? undefined : `${at} must be true or false, ${describe(v)}`);
const integer: Check = (v, at) => (Number.isSafeInteger(v) ? undefined : `${at} must be an integer, ${describe(v)}`);
/** The protocol's `uinteger`. */
const uinteger: Check = (v, at) => (Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 2 ** 31 - 1 ? undefined : `${at} must be an integer from 0 to 2^31 - 1, ${describe(v)}`);
const anyObject: Check = (v, at) => (typeof v === "object" && v !== null && !Array.isArray(v) ? undefined : `${at} must be an object, ${describe(v)}`);

/** A document URI: any string, but a `file:` one must name a path on this machine. */
const uri: Check = (v, at) => {
  if (typeof v !== "string") return string(v, at);
  if (!v.startsWith("file:")) return undefined;
  try {
    fileURLToPath(v);
    return undefined;
  } catch (e) {
    return `${at} is not a file URI this machine can open: ${e instanceof Error ? e.message : String(e)}`;
  }
};

const optional = (c: Check): Check => Object.assign((v: unknown, at: string) => (v === undefined ? undefined : c(v, at)), { optional: true as const });
const nullable = (c: Check): Check => (v, at) => (v === null ? undefined : c(v, at));

function object(fields: Record<string, Check>): Check {
  return (v, at) => {
    const problem = anyObject(v, at);
    if (problem) return problem;
    for (const [name, check] of Object.entries(fields)) {
      const field = (v as Record<string, unknown>)[name];
      if (field === undefined && !check.optional) return `${at}.${name} is missing`;
      const p = check(field, `${at}.${name}`);
      if (p) return p;
    }
    return undefined;
  };
}

const arrayOf = (c: Check): Check => (v, at) => (Array.isArray(v) ? v.reduce<string | undefined>((p, x, i) => p ?? c(x, `${at}[${i}]`), undefined) : `${at} must be an array, ${describe(v)}`);

const position = object({ line: uinteger, character: uinteger });
const range = object({ start: position, end: position });
const textDocument = object({ uri });
const atPosition = object({ textDocument, position });
const contentChange: Check = (v, at) => (typeof v === "object" && v !== null && "range" in v ? object({ range, text: string }) : object({ text: string }))(v, at);

/** The one argument of the `dnnc.graph` command (lsp/diagram.ts): which document, and how to draw it. */
export const GRAPH_COMMAND_ARGUMENT: Check = object({
  uri,
  model: optional(string),
  position: optional(position),
  format: optional((v, at) => (v === "svg" || v === "html" ? undefined : `${at} must be "svg" or "html", ${describe(v)}`)),
  kernels: optional((v, at) => (typeof v === "boolean" || typeof v === "string" ? undefined : `${at} must be true, false or a function's name, ${describe(v)}`)),
});

/** Every method the server handles that takes params, with their shape. */
export const PARAMS: Readonly<Record<string, Check>> = {
  initialize: object({ processId: optional(nullable(integer)), capabilities: anyObject, rootUri: optional(nullable(string)), trace: optional(string) }),
  "textDocument/hover": atPosition,
  "textDocument/definition": atPosition,
  "textDocument/references": object({ textDocument, position, context: object({ includeDeclaration: boolean }) }),
  "textDocument/completion": atPosition,
  "textDocument/signatureHelp": atPosition,
  "textDocument/documentSymbol": object({ textDocument }),
  "textDocument/foldingRange": object({ textDocument }),
  "textDocument/semanticTokens/full": object({ textDocument }),
  "textDocument/formatting": object({ textDocument, options: object({ tabSize: uinteger, insertSpaces: boolean }) }),
  "textDocument/inlayHint": object({ textDocument, range }),
  "textDocument/codeAction": object({ textDocument, range, context: object({ diagnostics: arrayOf(anyObject), only: optional(arrayOf(string)) }) }),
  "textDocument/prepareRename": atPosition,
  "textDocument/rename": object({ textDocument, position, newName: string }),
  "textDocument/codeLens": object({ textDocument }),
  "codeLens/resolve": object({ range }),
  "workspace/didChangeConfiguration": object({}),
  "workspace/executeCommand": object({ command: string, arguments: optional(arrayOf((_v, _at) => undefined)) }),
  "textDocument/didOpen": object({ textDocument: object({ uri, languageId: string, version: integer, text: string }) }),
  "textDocument/didChange": object({ textDocument: object({ uri, version: integer }), contentChanges: arrayOf(contentChange) }),
  "textDocument/didClose": object({ textDocument }),
  "textDocument/didSave": object({ textDocument, text: optional(string) }),
  "textDocument/willSave": object({ textDocument, reason: integer }),
  "$/setTrace": object({ value: string }),
  // vscode-jsonrpc reads `params.id` of a cancellation before any handler, and throws without it.
  "$/cancelRequest": object({ id: (v, at) => (typeof v === "string" ? undefined : integer(v, at)) }),
};

/** What is wrong with a message's params, or nothing (also for methods not listed). */
export function paramsProblem(method: string, params: unknown): string | undefined {
  const check = PARAMS[method];
  if (!check) return undefined;
  return params === undefined ? "params is missing" : check(params, "params");
}
