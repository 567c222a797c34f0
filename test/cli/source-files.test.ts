// Source files through the real `dnnc` and language server: only regular files below
// MAX_SOURCE_BYTES are read (src/check/read-source.ts). A FIFO, a symlink to /dev/zero, a
// directory, an oversized or an unreadable file is DNN0108 / DNN0107 at the `import` that names
// it, and a one-line error with exit 2 as a FILE argument — never a hang, gigabytes of memory or
// an internal error. A UTF-8 byte order mark is accepted everywhere; text-direction characters
// in comments and strings are a warning (DNN0004).
import { spawnSync, execFileSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { dnncIn, ROOT } from "../helpers/dnnc-cli.ts";
import { TestClient } from "../helpers/lsp-client.ts";
import { MAX_SOURCE_BYTES } from "../../src/check/read-source.ts";

const dir = mkdtempSync(join(tmpdir(), "dnnc-sources-"));
chmodSync(dir, 0o755); // the EACCES case runs dnnc as another user, who must reach the folder
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const TIMEOUT = 60_000;
const MODEL = "model M {\n  input  x: f32[B, 4]\n  output y: f32[B, 4]\n  y = x\n}\n";

/** A file importing `name.{f}` from its own folder. */
function importer(name: string): string {
  const path = join(dir, `use_${name}.dnn`);
  writeFileSync(path, `import ${name}.{f}\n\n${MODEL}`);
  return path;
}

// The special files each case needs, made fresh in the test folder.
const SPECIAL: [string, () => void, RegExp][] = [
  ["a FIFO", () => execFileSync("mkfifo", [join(dir, "fifo.dnn")]), /it is a named pipe \(FIFO\), not a regular file/],
  ["a symlink to /dev/zero", () => symlinkSync("/dev/zero", join(dir, "zero.dnn")), /it is a device, not a regular file/],
  ["a directory", () => mkdirSync(join(dir, "folder.dnn")), /it is a directory, not a regular file/],
  [
    "a file over the size limit",
    () => (writeFileSync(join(dir, "huge.dnn"), ""), truncateSync(join(dir, "huge.dnn"), MAX_SOURCE_BYTES + 1)),
    /it is 10\.0 MiB; source files are limited to 10 MiB/,
  ],
];
const nameOf = (label: string) => ({ "a FIFO": "fifo", "a symlink to /dev/zero": "zero", "a directory": "folder", "a file over the size limit": "huge" })[label]!;

describe("imports and FILE arguments must be regular files below the size limit", () => {
  it.each(SPECIAL)("%s: DNN0108 at the import, exit 2 as a FILE argument", (label, make, reason) => {
    make();
    const name = nameOf(label);
    const viaImport = dnncIn(dir, TIMEOUT, "check", importer(name));
    expect(viaImport.status).toBe(1);
    expect(viaImport.stderr).toMatch(new RegExp(`^error\\[DNN0108\\]: cannot read module \`${name}\` \\(${name}\\.dnn\\): ${reason.source}`, "m"));
    expect(viaImport.stderr).toContain(`use_${name}.dnn:1:8`);

    for (const command of [["check"], ["compile", "--out", join(dir, "out")], ["fmt", "--check"]]) {
      const direct = dnncIn(dir, TIMEOUT, command[0]!, join(dir, `${name}.dnn`), ...command.slice(1));
      expect(direct.status, direct.stderr).toBe(2);
      expect(direct.stderr.trim().split("\n")).toHaveLength(1);
      expect(direct.stderr).toMatch(new RegExp(`^dnnc: cannot read .*${name}\\.dnn: ${reason.source}`));
    }
  }, 4 * TIMEOUT);

  // Tests run as root, and root reads a file whatever its mode: the unreadable file is read by
  // dnnc running as the unprivileged user `nobody` (as any user, where the tests are not root).
  it("an unreadable file: DNN0107 at the import, exit 2 as a FILE argument", () => {
    writeFileSync(join(dir, "secret.dnn"), "fn f(a: f32[B, 4]) = a\n");
    chmodSync(join(dir, "secret.dnn"), 0o000);
    const use = importer("secret");
    chmodSync(use, 0o644);
    const asUser = (...args: string[]) => {
      const root = process.getuid?.() === 0;
      const r = spawnSync(process.execPath, [join(ROOT, "bin/dnnc.js"), ...args], {
        cwd: dir, encoding: "utf8", timeout: TIMEOUT, env: { ...process.env, NO_COLOR: "1", DNNC_DEBUG: "" },
        ...(root ? { uid: 65534, gid: 65534 } : {}),
      });
      if (r.error) throw r.error;
      expect(r.stderr).not.toContain("internal compiler error");
      return r;
    };
    const viaImport = asUser("check", use);
    expect(viaImport.status, viaImport.stderr).toBe(1);
    expect(viaImport.stderr).toMatch(/^error\[DNN0107\]: cannot read module `secret` \(secret\.dnn\): permission denied/m);
    const direct = asUser("check", join(dir, "secret.dnn"));
    expect(direct.status).toBe(2);
    expect(direct.stderr).toMatch(/^dnnc: cannot read .*secret\.dnn: permission denied\n$/);
  }, TIMEOUT);

  it("the language server reports an import of a FIFO instead of hanging (and accepts a BOM)", async () => {
    const fifo = join(dir, "lsp_fifo.dnn");
    execFileSync("mkfifo", [fifo]);
    const client = await TestClient.start();
    try {
      const uri = pathToFileURL(join(dir, "lsp_user.dnn")).href;
      const published = await client.open(uri, `import lsp_fifo.{f}\n\n${MODEL}`);
      expect(published.diagnostics.map((d) => `${d.code} ${d.range.start.line}:${d.range.start.character}`)).toEqual(["DNN0108 0:7"]);
      // A document that starts with a byte order mark is clean there too.
      const bom = await client.open(pathToFileURL(join(dir, "lsp_bom.dnn")).href, "\uFEFF" + MODEL);
      expect(bom.diagnostics).toEqual([]);
    } finally {
      await client.stop();
    }
  }, TIMEOUT);
});

describe("a UTF-8 byte order mark is accepted", () => {
  const BOM = "\uFEFF";
  it("by check, compile and fmt (which keeps it)", () => {
    const path = join(dir, "bom.dnn");
    writeFileSync(path, BOM + MODEL);
    const checked = dnncIn(dir, TIMEOUT, "check", path);
    expect(checked.stderr).toBe("");
    expect(checked.status).toBe(0);
    const compiled = dnncIn(dir, TIMEOUT, "compile", path, "--target", "ts", "--out", join(dir, "out"));
    expect(compiled.status).toBe(0);
    writeFileSync(path, BOM + MODEL.replace("y = x", "y   =   x"));
    const fmt = dnncIn(dir, TIMEOUT, "fmt", path);
    expect(fmt.status).toBe(0);
    expect(readFileSync(path, "utf8")).toBe(BOM + MODEL);
  }, 3 * TIMEOUT);

  it("only at the start: elsewhere U+FEFF is an unexpected character", () => {
    const path = join(dir, "bom-inside.dnn");
    writeFileSync(path, MODEL.replace("y = x", `y = ${BOM}x`));
    const r = dnncIn(dir, TIMEOUT, "check", path);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^error\[DNN0001\]: unexpected character U\+FEFF/m);
  }, TIMEOUT);
});

describe("text-direction characters in comments and strings", () => {
  it("a DNN0004 warning at each one in a comment, shown as U+FFFD in the snippet", () => {
    const path = join(dir, "bidi.dnn");
    const line = "  y = x // admin\u202E } \u2066// check\u2069";
    writeFileSync(path, MODEL.replace("  y = x", line));
    const r = dnncIn(dir, TIMEOUT, "check", path, "--json");
    expect(r.status).toBe(0); // a warning
    const ds = JSON.parse(r.stdout) as { code: string; severity: string; message: string; range: { start: { line: number; character: number } } }[];
    const at = (ch: string) => `4:${line.indexOf(ch) + 1}`;
    expect(ds.map((d) => `${d.code} ${d.severity} ${d.range.start.line + 1}:${d.range.start.character + 1} ${/U\+\w+ [A-Z -]+[A-Z]/.exec(d.message)?.[0]}`)).toEqual([
      `DNN0004 warning ${at("\u202E")} U+202E RIGHT-TO-LEFT OVERRIDE`,
      `DNN0004 warning ${at("\u2066")} U+2066 LEFT-TO-RIGHT ISOLATE`,
      `DNN0004 warning ${at("\u2069")} U+2069 POP DIRECTIONAL ISOLATE`,
    ]);
    const text = dnncIn(dir, TIMEOUT, "check", path);
    expect(text.stderr).toContain("Trojan Source");
    expect(text.stderr).not.toMatch(/[\u202A-\u202E\u2066-\u2069]/); // printed raw, they would reorder the snippet
  }, 2 * TIMEOUT);

  it("a DNN0004 warning in a string literal", () => {
    const path = join(dir, "bidi-string.dnn");
    const fn = `fn f(a: f32[B, 4], s: string = "abc\u202Edef") = a\n\n`;
    writeFileSync(path, fn + MODEL.replace("y = x", "y = f(x)"));
    const r = dnncIn(dir, TIMEOUT, "check", path);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/^warning\[DNN0004\]: the string contains U\+202E RIGHT-TO-LEFT OVERRIDE/m);
    expect(r.stderr).toContain(`bidi-string.dnn:1:${fn.indexOf("\u202E") + 1}`);
  }, TIMEOUT);
});
