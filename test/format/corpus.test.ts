// The shipped sources are the style's specification: samples/ and stdlib/ must already be
// formatted (a change to the formatter that would rewrite them fails here). The examples of the
// reference docs must format to the same program and be fixed points; broken ones stay as written.
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { format } from "../../src/format/format.ts";
import { formatted } from "./helpers.ts";

const ROOT = new URL("../../", import.meta.url);
const read = (path: string) => readFileSync(new URL(path, ROOT), "utf8");

const SOURCES = ["samples", "stdlib"].flatMap((dir) =>
  readdirSync(new URL(`${dir}/`, ROOT))
    .filter((f) => f.endsWith(".dnn"))
    .sort()
    .map((f) => `${dir}/${f}`),
);

describe("samples/ and stdlib/ are formatted", () => {
  it("finds them", () => expect(SOURCES.length).toBeGreaterThanOrEqual(13));

  it.each(SOURCES)("%s", (path) => {
    const text = read(path);
    expect(formatted(text)).toBe(text);
  });
});

/** The ```dnn blocks of a markdown file (error and fragment blocks included), with their line. */
function dnnBlocks(path: string): { line: number; code: string }[] {
  const blocks: { line: number; code: string }[] = [];
  let open: { line: number; body: string[] } | undefined;
  read(path)
    .split("\n")
    .forEach((text, i) => {
      if (!open && /^```dnn\b/.test(text)) open = { line: i + 1, body: [] };
      else if (open && /^```\s*$/.test(text)) {
        blocks.push({ line: open.line, code: open.body.join("\n") + "\n" });
        open = undefined;
      } else open?.body.push(text);
    });
  return blocks;
}

describe.each(["docs/language.md", "docs/diagnostics.md"])("the dnn examples of %s", (doc) => {
  const blocks = dnnBlocks(doc);
  it("has examples", () => expect(blocks.length).toBeGreaterThan(50));

  it("format to the same program, and formatting again changes nothing; broken ones come back as written", () => {
    let clean = 0;
    for (const { line, code } of blocks) {
      const r = format(`${doc}:${line}`, code);
      if (r.diagnostics.length > 0) expect(r.text, `${doc}:${line}`).toBe(code);
      else {
        formatted(code);
        clean++;
      }
    }
    expect(clean).toBeGreaterThan(blocks.length / 2);
  });
});
