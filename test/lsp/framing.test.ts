// The framing check alone: whatever way the bytes are split into chunks, well-framed input
// passes through unchanged, and bad framing is reported once, with the messages before it
// passed on and nothing after it. (Its effect on a real server: robustness.test.ts.)
import { describe, expect, it } from "vitest";
import { FramingCheck, MAX_HEADER_BYTES } from "../../src/lsp/framing.ts";

const frame = (body: string, extra = "") => `Content-Length: ${Buffer.byteLength(body)}\r\n${extra}\r\n${body}`;

/** Feeds `input` in chunks split at `cuts`; what came out, and the failures reported. */
function run(input: string, cuts: number[]): { out: string; failures: string[] } {
  const failures: string[] = [];
  const check = new FramingCheck((reason) => failures.push(reason));
  const chunks: Buffer[] = [];
  check.on("data", (d: Buffer) => chunks.push(d));
  const bytes = Buffer.from(input);
  let at = 0;
  for (const cut of [...cuts, bytes.length]) {
    check.write(bytes.subarray(at, cut));
    at = cut;
  }
  return { out: Buffer.concat(chunks).toString(), failures };
}

describe("FramingCheck", () => {
  const good = frame('{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"é":"∑😀"}}') + frame('{"jsonrpc":"2.0","method":"initialized"}', "Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n");

  it("passes well-framed input through unchanged, split anywhere into two or three chunks", () => {
    const n = Buffer.byteLength(good);
    for (let a = 0; a <= n; a++) {
      expect(run(good, [a])).toEqual({ out: good, failures: [] });
      for (let b = a; b <= n; b += 7) expect(run(good, [a, b])).toEqual({ out: good, failures: [] });
    }
  });

  it("reports bad framing once, split anywhere, passing on the message before it and no header after it", () => {
    const input = good + "garbage\r\n" + good;
    for (let a = 0; a <= Buffer.byteLength(input); a++) {
      const { out, failures } = run(input, [a]);
      expect(failures).toEqual(['a header line that is not "Name: value": "garbage"']);
      // The first message whole; after it, at most part of the bad header block, never a complete one.
      expect(out.startsWith(good) && input.startsWith(out)).toBe(true);
      expect(out.slice(good.length)).not.toContain("\r\n\r\n");
    }
  });

  it("bounds the header block, whether it arrives at once or a byte at a time", () => {
    const endless = "x".repeat(MAX_HEADER_BYTES + 1);
    expect(run(endless, []).failures).toHaveLength(1);
    expect(run(endless, Array.from({ length: MAX_HEADER_BYTES }, (_, i) => i + 1)).failures).toEqual([
      `a header block longer than ${MAX_HEADER_BYTES} bytes without an end (an empty line): "${"x".repeat(60)}…"`,
    ]);
    expect(run("x".repeat(MAX_HEADER_BYTES), []).failures).toEqual([]); // not yet too long: more may come
  });

  it("refuses duplicate and empty lengths", () => {
    expect(run("Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}", []).failures).toEqual([expect.stringMatching(/^a header block with two Content-Length lines/)]);
    expect(run("Content-Length: 0\r\n\r\n", []).failures).toEqual(["Content-Length 0: a message cannot be empty"]);
  });
});
