// `dnnc lsp --stdio`'s connection: standard input → the framing check (framing.ts) →
// vscode-jsonrpc's reader → the gate (gate.ts) → the server; its writer → standard output.
// Input that cannot be read ends the process with one line on standard error and status 2, so
// the editor's client sees the server die and restarts it: a server that lives on but never
// answers again is the one failure an editor cannot recover from.
import { writeSync } from "node:fs";
import { format } from "node:util";
import { createConnection, ProposedFeatures, StreamMessageReader, StreamMessageWriter, type Connection } from "vscode-languageserver/node";
import { FramingCheck } from "./framing.ts";
import { Gate } from "./gate.ts";

/** The status the server exits with when the client's input breaks the protocol. */
const EXIT_BAD_INPUT = 2;

export function stdioConnection(): Connection {
  const die = (reason: string, status: number): never => {
    writeSync(2, `dnnc lsp: ${reason.replace(/\s*\n\s*/g, " ")}; exiting so that the editor restarts the server\n`);
    process.exit(status);
  };
  const framed = new FramingCheck((reason) => die(`unreadable input from the client: ${reason}`, EXIT_BAD_INPUT));
  process.stdin.pipe(framed);
  const reader = new StreamMessageReader(framed);
  const writer = new StreamMessageWriter(process.stdout);
  let connection: Connection | undefined;
  const gate = new Gate(reader, writer, (line) => connection?.console.warn(line));
  // Past the framing check, the reader fails only on a body that is not JSON, or on the stream.
  reader.onError((e) => die(`unreadable message from the client: ${e.message}`, EXIT_BAD_INPUT));
  // Input ended: cleanly after `shutdown`, otherwise the client went away (as vscode-languageserver's
  // own stdio does). The reader decodes each body on a later turn of the event loop, so the exit
  // waits one turn: a last body that is not JSON is still reported (status 2), not lost.
  reader.onClose(() => setImmediate(() => process.exit(gate.shutdown ? 0 : 1)));
  writer.onError(([e]) => die(`cannot write to the client: ${e.message}`, 1));
  const server = createConnection(ProposedFeatures.all, gate, writer);
  connection = server;
  // Standard output carries the protocol, so stray console output goes to the client's log.
  console.log = console.info = console.debug = (...args: unknown[]) => server.console.log(format(...args));
  return server;
}
