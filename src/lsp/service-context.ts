// What server.ts hands each group of language services it registers (refactors.ts, diagram.ts).
import type { Connection, TextDocuments } from "vscode-languageserver/node";
import type { TextDocument } from "vscode-languageserver-textdocument";
import type { Host } from "../check/modules.ts";
import type { Analysis } from "../ide/analysis.ts";

/** Wraps a request handler: a throw is logged and answered with `none`; with `answers`, the handler's own ResponseErrors reach the client (server.ts). */
export type Guard = <A extends unknown[], R>(what: string, f: (...args: A) => R, none: R, answers?: boolean) => (...args: A) => R;

export interface ServiceContext {
  connection: Connection;
  documents: TextDocuments<TextDocument>;
  host: Host;
  /** The document's analysis, up to date with its text (server.ts). */
  current: (uri: string) => Analysis | undefined;
  guard: Guard;
}
