// The language server's picture of a model: `workspace/executeCommand` with the command
// `dnnc.graph` and one argument { uri, model?, position?, format?: "svg" | "html", kernels? }
// answers what `dnnc graph` would write for the document's current text — unsaved edits and open
// imported files included — as the API's graph() returns it: { ok, model, text, diagnostics }.
// Without `model`, a `position` (the editor's cursor) inside a model or its train block picks
// that model, so a file of several models draws the one being edited. A file
// with errors, or a model or function it lacks, is `ok: false` with the diagnostics (an editor
// shows them where the picture would be); arguments of the wrong shape are InvalidParams.
import { ErrorCodes, ResponseError } from "vscode-languageserver/node";
import type { Analysis } from "../ide/analysis.ts";
import { graph, type GraphFormat, type GraphResult } from "../api/graph.ts";
import { uriToPath } from "./convert.ts";
import { GRAPH_COMMAND_ARGUMENT } from "./params.ts";
import type { ServiceContext } from "./service-context.ts";

export const GRAPH_COMMAND = "dnnc.graph";

export const DIAGRAM_CAPABILITIES = { executeCommandProvider: { commands: [GRAPH_COMMAND] } };

/** The command's argument, as checked by GRAPH_COMMAND_ARGUMENT. */
export interface GraphCommandArgument {
  uri: string;
  model?: string;
  position?: { line: number; character: number };
  format?: GraphFormat;
  kernels?: boolean | string;
}

export function registerDiagram({ connection, documents, host, current, guard }: ServiceContext): void {
  connection.onExecuteCommand(guard("execute command", (p): GraphResult | null => {
    if (p.command !== GRAPH_COMMAND) throw new ResponseError(ErrorCodes.InvalidParams, `unknown command ${p.command}: this server runs ${GRAPH_COMMAND}`);
    const arg = p.arguments?.[0];
    const problem = GRAPH_COMMAND_ARGUMENT(arg, "arguments[0]");
    if (problem) throw new ResponseError(ErrorCodes.InvalidParams, `invalid arguments for ${GRAPH_COMMAND}: ${problem}`);
    const { uri, position, format, kernels } = arg as GraphCommandArgument;
    const doc = documents.get(uri);
    // A document the editor has not opened is read from disk; an unsaved one must be open.
    if (!doc && !uri.startsWith("file:")) throw new ResponseError(ErrorCodes.InvalidParams, `${uri} is not open`);
    const model = (arg as GraphCommandArgument).model ?? (doc && position ? modelAt(current(uri), doc.offsetAt(position)) : undefined);
    return graph({
      path: uriToPath(uri),
      ...(doc ? { text: doc.getText() } : {}),
      readFile: host.read,
      ...(model === undefined ? {} : { model }),
      ...(format === undefined ? {} : { format }),
      ...(kernels === undefined ? {} : { kernels }),
    });
  }, null, true));
}

/** The model whose declaration, or one of whose train blocks, holds `offset`. */
function modelAt(a: Analysis | undefined, offset: number): string | undefined {
  if (!a) return undefined;
  const inside = (span: { start: number; end: number }) => span.start <= offset && offset <= span.end;
  for (const [name, decl] of a.entry.models) if (inside(decl.span)) return name;
  return a.entry.trains.find((t) => inside(t.span) && a.entry.models.has(t.model.name))?.model.name;
}
