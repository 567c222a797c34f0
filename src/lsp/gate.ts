// Messages from the client pass this gate before the connection dispatches them, for the
// protocol's rules that vscode-languageserver leaves to the server:
// - before `initialize`, a request is answered ServerNotInitialized (−32002) and a notification
//   other than `exit` is dropped;
// - a second `initialize`, and any request after `shutdown`, is answered InvalidRequest (−32600);
// - a request whose params have the wrong shape (params.ts) is answered InvalidParams (−32602)
//   naming the field, and such a notification is dropped and logged — no handler ever sees them.
import { ErrorCodes, Message, type DataCallback, type MessageReader, type MessageWriter, type RequestMessage, type ResponseMessage } from "vscode-languageserver/node";
import { paramsProblem } from "./params.ts";

export class Gate implements MessageReader {
  private initialized = false;
  /** Whether `shutdown` was asked for: `exit` or the end of input then ends the server cleanly. */
  shutdown = false;

  constructor(private readonly reader: MessageReader, private readonly writer: MessageWriter, private readonly log: (line: string) => void) {}

  get onError() { return this.reader.onError; }
  get onClose() { return this.reader.onClose; }
  get onPartialMessage() { return this.reader.onPartialMessage; }
  dispose(): void { this.reader.dispose(); }

  listen(callback: DataCallback) {
    return this.reader.listen((message) => {
      if (Message.isRequest(message)) {
        const refusal = this.refusal(message);
        if (refusal) {
          const answer: ResponseMessage = { jsonrpc: "2.0", id: message.id, error: refusal };
          return void this.writer.write(answer);
        }
        if (message.method === "initialize") this.initialized = true;
        if (message.method === "shutdown") this.shutdown = true;
      } else if (Message.isNotification(message) && message.method !== "exit") {
        if (!this.initialized) return;
        const problem = paramsProblem(message.method, message.params);
        if (problem) return this.log(`dnnc: ignored ${message.method}: ${problem}`);
      }
      callback(message);
    });
  }

  private refusal(request: RequestMessage): { code: number; message: string } | undefined {
    if (this.shutdown) return { code: ErrorCodes.InvalidRequest, message: `${request.method} after shutdown: the server only waits for exit` };
    if (request.method === "initialize" && this.initialized) return { code: ErrorCodes.InvalidRequest, message: "initialize was already sent" };
    if (request.method !== "initialize" && !this.initialized) return { code: ErrorCodes.ServerNotInitialized, message: `${request.method} before initialize` };
    const problem = paramsProblem(request.method, request.params);
    return problem ? { code: ErrorCodes.InvalidParams, message: `invalid params for ${request.method}: ${problem}` } : undefined;
  }
}
