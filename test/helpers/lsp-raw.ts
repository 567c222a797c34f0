// A `dnnc lsp --stdio` process driven with raw bytes, for tests of what a well-behaved client
// (lsp-client.ts) never sends: broken framing, requests out of order, malformed params. It
// writes whatever it is given to the server's standard input and reads the server's standard
// output as framed JSON-RPC messages.
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { ROOT } from "./lsp-client.ts";

export interface Received {
  id?: number | string | null;
  method?: string;
  params?: unknown;
  result?: unknown;
  error?: { code: number; message: string };
}

export const frame = (message: unknown): string => {
  const body = JSON.stringify(message);
  return `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
};

export class RawServer {
  readonly received: Received[] = [];
  stderr = "";
  private output = Buffer.alloc(0);
  private readonly exited: Promise<number | null>;
  private readonly listeners: (() => boolean)[] = [];
  private nextId = 1;

  private constructor(readonly proc: ChildProcessWithoutNullStreams) {
    proc.stdout.on("data", (d: Buffer) => this.read(d));
    proc.stderr.on("data", (d: Buffer) => (this.stderr += d.toString()));
    proc.stdin.on("error", () => {}); // writes after the server exited: the test looks at the exit
    this.exited = new Promise((done) => proc.on("exit", (code) => done(code)));
  }

  static start(env: Record<string, string> = {}): RawServer {
    return new RawServer(spawn(process.execPath, [resolve(ROOT, "bin/dnnc.js"), "lsp", "--stdio"], { cwd: ROOT, env: { ...process.env, ...env } }));
  }

  write(bytes: string | Buffer): void {
    this.proc.stdin.write(bytes);
  }

  send(message: Record<string, unknown>): void {
    this.write(frame({ jsonrpc: "2.0", ...message }));
  }

  /** Sends a request and waits for its answer. */
  async request(method: string, params?: unknown): Promise<Received> {
    const id = this.nextId++;
    this.send({ id, method, params });
    return this.waitFor((m) => m.id === id && m.method === undefined);
  }

  async initialize(): Promise<void> {
    const answer = await this.request("initialize", { processId: null, rootUri: pathToFileURL(ROOT).href, capabilities: {} });
    if (!answer.result) throw new Error(`initialize failed: ${JSON.stringify(answer)}`);
    this.send({ method: "initialized", params: {} });
  }

  /** The first message received (earlier ones included) that `test` accepts. */
  waitFor(test: (m: Received) => boolean, timeoutMs = 20_000): Promise<Received> {
    return new Promise((done, fail) => {
      const timer = setTimeout(() => fail(new Error(`no such message within ${timeoutMs} ms; received ${JSON.stringify(this.received)}; stderr ${this.stderr}`)), timeoutMs);
      const look = () => {
        const m = this.received.find(test);
        if (!m) return false;
        clearTimeout(timer);
        done(m);
        return true;
      };
      if (!look()) this.listeners.push(look);
    });
  }

  /** The exit status, or a failure if the server is still running after `timeoutMs`. */
  exit(timeoutMs = 20_000): Promise<number | null> {
    return Promise.race([
      this.exited,
      new Promise<never>((_, fail) => setTimeout(() => fail(new Error(`the server did not exit within ${timeoutMs} ms; stderr: ${this.stderr}`)), timeoutMs).unref()),
    ]);
  }

  /** Whether it is still running after `ms` milliseconds. */
  async aliveAfter(ms: number): Promise<boolean> {
    return Promise.race([this.exited.then(() => false), new Promise<boolean>((done) => setTimeout(() => done(true), ms))]);
  }

  kill(): void {
    if (this.proc.exitCode === null) this.proc.kill();
  }

  private read(data: Buffer): void {
    this.output = Buffer.concat([this.output, data]);
    for (;;) {
      const end = this.output.indexOf("\r\n\r\n");
      if (end < 0) break;
      const length = Number(/Content-Length: (\d+)/i.exec(this.output.subarray(0, end).toString())?.[1]);
      if (this.output.length < end + 4 + length) break;
      this.received.push(JSON.parse(this.output.subarray(end + 4, end + 4 + length).toString()) as Received);
      this.output = this.output.subarray(end + 4 + length);
    }
    for (const look of this.listeners.splice(0)) if (!look()) this.listeners.push(look);
  }
}
