// The bytes from the client, checked against the protocol's framing before vscode-jsonrpc reads
// them. Its reader, given a header without a usable Content-Length or a line that is not a
// header, reports an error and then waits for a header end that never comes: the server goes
// deaf but lives on, so the editor never restarts it. Given a huge Content-Length it buffers
// everything. Neither can be recovered from (nothing says where the next message starts), so
// this check stops at the first such byte and reports it; the server then exits non-zero.
import { Transform, type TransformCallback } from "node:stream";

/** The largest message body accepted: far above any document an editor sends. */
export const MAX_MESSAGE_BYTES = 64 * 1024 * 1024;
/** The longest header block accepted (a real one is one or two short lines). */
export const MAX_HEADER_BYTES = 8 * 1024;

const HEADER_END = Buffer.from("\r\n\r\n");

/** Passes the client's bytes through unchanged while they are well framed; at the first that are
 * not, passes nothing more and calls `fail` once with a one-line reason. */
export class FramingCheck extends Transform {
  /** Bytes of the current message's body still to come; 0 while reading a header block. */
  private bodyLeft = 0;
  /** The header block read so far. */
  private header: Buffer = Buffer.alloc(0);
  private failed = false;

  constructor(private readonly fail: (reason: string) => void) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    if (this.failed) return done();
    let i = 0;
    while (i < chunk.length) {
      if (this.bodyLeft > 0) {
        const n = Math.min(this.bodyLeft, chunk.length - i);
        this.bodyLeft -= n;
        i += n;
        continue;
      }
      const before = this.header.length;
      // At most one block's worth is copied, so a chunk of many small messages stays linear.
      this.header = Buffer.concat([this.header, chunk.subarray(i, i + MAX_HEADER_BYTES + HEADER_END.length - before)]);
      const end = this.header.indexOf(HEADER_END);
      const reason =
        end < 0 ? (this.header.length > MAX_HEADER_BYTES ? `a header block longer than ${MAX_HEADER_BYTES} bytes without an end (an empty line): ${excerpt(this.header)}` : undefined)
        : end > MAX_HEADER_BYTES ? `a header block longer than ${MAX_HEADER_BYTES} bytes: ${excerpt(this.header)}`
        : this.readHeader(this.header.subarray(0, end).toString("latin1"));
      if (reason !== undefined) {
        // The messages before the bad one are still delivered; nothing after it is.
        this.push(chunk.subarray(0, i));
        this.failed = true;
        this.fail(reason);
        return done();
      }
      if (end < 0) {
        i = chunk.length; // the header goes on in the next chunk
        continue;
      }
      i += end + HEADER_END.length - before;
      this.header = Buffer.alloc(0);
    }
    this.push(chunk);
    done();
  }

  /** Checks one header block (without its empty line); sets the body's length, or says why not. */
  private readHeader(block: string): string | undefined {
    let length: string | undefined;
    for (const line of block.split("\r\n")) {
      const colon = line.indexOf(":");
      if (colon <= 0) return `a header line that is not "Name: value": ${excerpt(line)}`;
      if (line.slice(0, colon).trim().toLowerCase() !== "content-length") continue;
      if (length !== undefined) return `a header block with two Content-Length lines: ${excerpt(block)}`;
      length = line.slice(colon + 1).trim();
    }
    if (length === undefined) return `a message header without Content-Length: ${excerpt(block)}`;
    if (!/^[0-9]+$/.test(length)) return `Content-Length must be a whole number of bytes, not ${excerpt(length)}`;
    const bytes = Number(length);
    if (bytes === 0) return "Content-Length 0: a message cannot be empty";
    if (bytes > MAX_MESSAGE_BYTES) return `a message of ${length} bytes is over the limit of ${MAX_MESSAGE_BYTES} bytes (64 MiB)`;
    this.bodyLeft = bytes;
    return undefined;
  }
}

/** Some of the offending bytes, quoted on one line. */
function excerpt(bytes: Buffer | string): string {
  const text = typeof bytes === "string" ? bytes : bytes.toString("latin1");
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}…` : text);
}
