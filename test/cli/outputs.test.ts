// What `dnnc compile` and `dnnc fmt` write, and where they refuse to: through the real
// executable, a bad --out is one line and exit 2 before the program is compiled; a write that
// fails (a file size limit, a full standard output) is one line and exit 1, leaving nothing half
// written; `--emit js` writes JavaScript and declarations in place of the `.ts`; `--target wgsl` writes over and removes only files dnnc generated; `fmt` refuses a
// file that is not UTF-8 and rewrites the others through a temporary file and a rename.
import { spawn, spawnSync } from "node:child_process";
import { chmodSync, closeSync, copyFileSync, existsSync, lstatSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { ROOT } from "../helpers/dnnc-cli.ts";

const TIMEOUT = 60_000;
vi.setConfig({ testTimeout: TIMEOUT }); // each case starts dnnc once to three times, ~1-4 s each on a busy machine
const SAMPLE = join(ROOT, "samples/backprop_221.dnn");
const THREE_ERRORS = join(ROOT, "test/fixtures/three_errors.dnn");
const NOBODY = 65534;

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * bin/dnnc.js in a child process. `limitKiB` runs it under `ulimit -f` (a write past the limit
 * fails with EFBIG: Node ignores SIGXFSZ); `stdout` is a file descriptor to write to; `asNobody`
 * runs it as an unprivileged user when the tests run as root (root may write anywhere).
 */
function dnnc(args: string[], o: { limitKiB?: number; stdout?: number; asNobody?: boolean; input?: Buffer } = {}): Run {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1" };
  delete env["DNNC_DEBUG"];
  const command = o.limitKiB ? ["bash", ["-c", `ulimit -f ${o.limitKiB} && exec "$0" "$@"`, process.execPath, join(ROOT, "bin/dnnc.js"), ...args]] : [process.execPath, [join(ROOT, "bin/dnnc.js"), ...args]];
  const r = spawnSync(command[0] as string, command[1] as string[], {
    cwd: ROOT,
    encoding: "utf8",
    env,
    timeout: TIMEOUT,
    input: o.input,
    stdio: ["pipe", o.stdout ?? "pipe", "pipe"],
    ...(o.asNobody && process.getuid?.() === 0 ? { uid: NOBODY, gid: NOBODY } : {}),
  });
  if (r.error) throw r.error;
  expect(r.stderr).not.toMatch(/^\s+at /m); // never a stack trace
  expect(r.stderr).not.toContain("internal compiler error");
  return { status: r.status, stdout: r.stdout ?? "", stderr: r.stderr };
}

/** One line on stderr, starting "dnnc: ", matching `says`. */
function expectOneLine(r: Run, says: RegExp): void {
  const lines = r.stderr.trimEnd().split("\n");
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^dnnc: /);
  expect(lines[0]).toMatch(says);
}

const scratch = mkdtempSync(join(tmpdir(), "dnnc-outputs-"));
chmodSync(scratch, 0o755); // the unprivileged user must reach what is inside
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
let made = 0;
const fresh = (): string => {
  const dir = join(scratch, `case${made++}`);
  mkdirSync(dir, { mode: 0o755 });
  return dir;
};

describe("compile checks --out before compiling: one line, exit 2 (a program with errors would exit 1)", () => {
  it("a file", () => {
    const file = join(fresh(), "file");
    writeFileSync(file, "mine");
    expectOneLine(dnnc(["compile", THREE_ERRORS, "--out", file]), /^dnnc: --out .*file is a file, not a directory$/);
    expect(readFileSync(file, "utf8")).toBe("mine");
  });

  it("a path under a file", () => {
    const file = join(fresh(), "file");
    writeFileSync(file, "mine");
    const r = dnnc(["compile", THREE_ERRORS, "--out", join(file, "sub", "dir")]);
    expect(r.status).toBe(2);
    expectOneLine(r, new RegExp(`^dnnc: --out ${file}/sub/dir: ${file} is a file, not a directory$`));
  });

  it("a directory it may not write in", () => {
    const locked = join(fresh(), "locked");
    mkdirSync(locked, { mode: 0o555 });
    const r = dnnc(["compile", THREE_ERRORS, "--out", join(locked, "out")], { asNobody: true });
    expect(r.status).toBe(2);
    expectOneLine(r, new RegExp(`^dnnc: --out ${locked}/out: cannot write in ${locked}: permission denied \\(EACCES\\)$`));
    expect(readdirSync(locked)).toEqual([]);
  });

  it("a name longer than the system allows", () => {
    const r = dnnc(["compile", THREE_ERRORS, "--out", join(fresh(), "x".repeat(300))]);
    expect(r.status).toBe(2);
    expectOneLine(r, /name too long \(ENAMETOOLONG\)$/);
  });
});

describe("compile writes its outputs whole, and only over files dnnc generated", () => {
  it("a write that fails (past a file size limit): one line, exit 1, no file or temporary file left", () => {
    const dir = fresh();
    const r = dnnc(["compile", SAMPLE, "--out", dir], { limitKiB: 8 });
    expect(r.status).toBe(1);
    expectOneLine(r, new RegExp(`^dnnc: cannot write ${dir}/backprop_221\\.ts: file too large \\(EFBIG\\)$`));
    expect(readdirSync(dir)).toEqual([]);
  });

  it("a module file of the user's where the module goes: refused, exit 2, the file untouched", () => {
    const dir = fresh();
    writeFileSync(join(dir, "backprop_221.ts"), "export const mine = 1;\n");
    const r = dnnc(["compile", SAMPLE, "--out", dir]);
    expect(r.status).toBe(2);
    expectOneLine(r, /backprop_221\.ts is in the way: dnnc did not write it \(its first line is not "\/\/ Generated by dnnc…"\), and writes over only files it generated; move it away or choose another --out$/);
    expect(readFileSync(join(dir, "backprop_221.ts"), "utf8")).toBe("export const mine = 1;\n");
    mkdirSync(join(dir, "mlp_digits.ts"));
    const asDirectory = dnnc(["compile", join(ROOT, "samples/mlp_digits.dnn"), "--out", dir]);
    expect(asDirectory.status).toBe(2);
    expectOneLine(asDirectory, /mlp_digits\.ts is in the way: dnnc did not write it \(it is a directory\)/);
  });

  it("a module dnnc wrote earlier is written over, keeping its file mode", () => {
    const dir = fresh();
    expect(dnnc(["compile", SAMPLE, "--out", dir]).status).toBe(0);
    chmodSync(join(dir, "backprop_221.ts"), 0o600);
    expect(dnnc(["compile", SAMPLE, "--out", dir]).status).toBe(0);
    expect(statSync(join(dir, "backprop_221.ts")).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(["backprop_221.ts"]);
  });
});

describe("--emit js writes the module as JavaScript and declarations, in place of the .ts", () => {
  it("writes FILE.js and FILE.d.ts under dnnc's header, and removes the FILE.ts an earlier compile generated (and back)", () => {
    const dir = fresh();
    expect(dnnc(["compile", SAMPLE, "--out", dir]).status).toBe(0);
    const js = dnnc(["compile", SAMPLE, "--emit", "js", "--out", dir]);
    expect(js.status).toBe(0);
    expect(js.stderr).toContain(`wrote ${dir}/backprop_221.js and ${dir}/backprop_221.d.ts (`);
    expect(js.stderr).toContain(`removed ${dir}/backprop_221.ts, which an earlier compile generated in the other form`);
    expect(readdirSync(dir)).toEqual(["backprop_221.d.ts", "backprop_221.js"]);
    for (const f of readdirSync(dir)) expect(readFileSync(join(dir, f), "utf8")).toMatch(/^\/\/ Generated by dnnc from backprop_221\.dnn\./);
    expect(readFileSync(join(dir, "backprop_221.d.ts"), "utf8")).toMatch(/^export \{ u_Net221 as Net221 \};$/m);
    expect(dnnc(["compile", SAMPLE, "--emit", "ts", "--out", dir]).status).toBe(0);
    expect(readdirSync(dir)).toEqual(["backprop_221.ts"]);
  });

  it("a declaration file of the user's where FILE.d.ts goes: refused before anything is written, exit 2; a FILE.ts of the user's is kept", () => {
    const dir = fresh();
    writeFileSync(join(dir, "backprop_221.d.ts"), "export {};\n");
    const r = dnnc(["compile", SAMPLE, "--emit", "js", "--out", dir]);
    expect(r.status).toBe(2);
    expectOneLine(r, /backprop_221\.d\.ts is in the way: dnnc did not write it/);
    expect(readdirSync(dir)).toEqual(["backprop_221.d.ts"]);
    rmSync(join(dir, "backprop_221.d.ts"));
    writeFileSync(join(dir, "backprop_221.ts"), "export const mine = 1;\n");
    expect(dnnc(["compile", SAMPLE, "--emit", "js", "--out", dir]).status).toBe(0);
    expect(readdirSync(dir)).toEqual(["backprop_221.d.ts", "backprop_221.js", "backprop_221.ts"]);
    expect(readFileSync(join(dir, "backprop_221.ts"), "utf8")).toBe("export const mine = 1;\n");
  });

  it("without --out: one line, exit 2", () => {
    const r = dnnc(["compile", SAMPLE, "--emit", "js"]);
    expect(r.status).toBe(2);
    expectOneLine(r, /missing --out <dir>/);
  });
});

describe("--target wgsl writes and removes only the shader files dnnc generated", () => {
  const compileWgsl = (dir: string) => dnnc(["compile", SAMPLE, "--target", "wgsl", "--out", dir]);

  it("keeps the user's files in the shader directory, with a warning, and removes shaders an earlier compile left", () => {
    const dir = fresh();
    expect(compileWgsl(dir).status).toBe(0);
    const shaders = join(dir, "backprop_221.wgsl");
    const generated = readdirSync(shaders).sort();
    writeFileSync(join(shaders, "notes.txt"), "my notes");
    writeFileSync(join(shaders, "tuned.wgsl"), "// my hand-tuned kernel\n");
    mkdirSync(join(shaders, "experiments"));
    writeFileSync(join(shaders, "experiments", "a.wgsl"), "// mine\n");
    copyFileSync(join(shaders, "Net221_0.wgsl"), join(shaders, "Net221_99.wgsl")); // as a compile of a bigger model would leave
    const r = compileWgsl(dir);
    expect(r.status).toBe(0);
    const lines = r.stderr.split("\n");
    expect(lines[0]).toBe(`wrote ${join(dir, "backprop_221.ts")} (Net221) and ${generated.length} shaders in ${shaders}/`);
    expect(lines[1]).toBe(`warning: ${shaders}/ also holds 3 files dnnc did not write, left as they are: experiments, notes.txt, tuned.wgsl`);
    expect(readdirSync(shaders).sort()).toEqual([...generated, "experiments", "notes.txt", "tuned.wgsl"].sort());
    expect(readFileSync(join(shaders, "notes.txt"), "utf8")).toBe("my notes");
    expect(readFileSync(join(shaders, "tuned.wgsl"), "utf8")).toBe("// my hand-tuned kernel\n");
    expect(readFileSync(join(shaders, "experiments", "a.wgsl"), "utf8")).toBe("// mine\n");
  });

  it("a file of the user's named like a shader it would write: refused before anything is written, exit 2", () => {
    const dir = fresh();
    mkdirSync(join(dir, "backprop_221.wgsl"));
    writeFileSync(join(dir, "backprop_221.wgsl", "Net221_3.wgsl"), "// mine\n");
    const r = compileWgsl(dir);
    expect(r.status).toBe(2);
    expectOneLine(r, /backprop_221\.wgsl\/Net221_3\.wgsl is in the way: dnnc did not write it/);
    expect(readdirSync(dir)).toEqual(["backprop_221.wgsl"]); // not even the module
    expect(readdirSync(join(dir, "backprop_221.wgsl"))).toEqual(["Net221_3.wgsl"]);
    expect(readFileSync(join(dir, "backprop_221.wgsl", "Net221_3.wgsl"), "utf8")).toBe("// mine\n");
  });

  it("a file where the shader directory goes: refused, exit 2, the file untouched", () => {
    const dir = fresh();
    writeFileSync(join(dir, "backprop_221.wgsl"), "mine");
    const r = compileWgsl(dir);
    expect(r.status).toBe(2);
    expectOneLine(r, /backprop_221\.wgsl is in the way: dnnc writes the shaders into a directory of that name/);
    expect(readFileSync(join(dir, "backprop_221.wgsl"), "utf8")).toBe("mine");
  });

  it("a shader directory it may not write in: refused before anything is written, exit 2", () => {
    const dir = fresh();
    chmodSync(dir, 0o777);
    expect(compileWgsl(dir).status).toBe(0);
    rmSync(join(dir, "backprop_221.ts"));
    chmodSync(join(dir, "backprop_221.wgsl"), 0o555);
    const r = dnnc(["compile", SAMPLE, "--target", "wgsl", "--out", dir], { asNobody: true });
    expect(r.status).toBe(2);
    expectOneLine(r, /cannot write into .*backprop_221\.wgsl: permission denied \(EACCES\)$/);
    expect(existsSync(join(dir, "backprop_221.ts"))).toBe(false);
  });
});

describe("standard output that fails", () => {
  it("full (> /dev/full): one line, exit 1", () => {
    const full = openSync("/dev/full", "w");
    try {
      for (const args of [["compile", SAMPLE, "--emit", "ir"], ["check", "--json", SAMPLE], ["fmt", "--stdout", SAMPLE]]) {
        const r = dnnc(args, { stdout: full });
        expect(r.status, args.join(" ")).toBe(1);
        expectOneLine(r, /^dnnc: cannot write to standard output: no space left on device \(ENOSPC\)$/);
      }
    } finally {
      closeSync(full);
    }
  });

  it("closed early (| head -1): exit 0, nothing on stderr", async () => {
    const child = spawn(process.execPath, [join(ROOT, "bin/dnnc.js"), "compile", join(ROOT, "samples/mnist_cnn.dnn"), "--emit", "ir"], { cwd: ROOT, env: { ...process.env, NO_COLOR: "1" } });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.stdout.once("data", () => child.stdout.destroy()); // the IR is ~120 kB: more than a pipe holds
    const status = await new Promise<number | null>((done) => child.on("exit", (code) => done(code)));
    expect(stderr).toBe("");
    expect(status).toBe(0);
  });
});

describe("dnnc fmt", () => {
  const MESSY = "model  M{\ninput x : f32[B,3]\n      output y:f32[B,3]\n y=x*2.0\n}\n";
  const TIDY = "model M {\n  input x: f32[B, 3]\n  output y: f32[B, 3]\n  y = x * 2.0\n}\n";

  it("a file that is not UTF-8: one line naming it and the byte, exit 2, no file formatted", () => {
    const dir = fresh();
    const before = "model  M{\n  // caf"; // 18 bytes, then é in Latin-1
    const latin1 = Buffer.concat([Buffer.from(before), Buffer.from([0xe9]), Buffer.from("\n  input x: f32[B, 3]\n  output y: f32[B, 3]\n  y = x\n}\n")]);
    writeFileSync(join(dir, "latin1.dnn"), latin1);
    writeFileSync(join(dir, "messy.dnn"), MESSY);
    const r = dnnc(["fmt", join(dir, "messy.dnn"), join(dir, "latin1.dnn")]);
    expect(r.status).toBe(2);
    expectOneLine(r, new RegExp(`^dnnc: ${dir}/latin1\\.dnn is not valid UTF-8 \\(byte 18 is not part of a UTF-8 character\\): nothing formatted$`));
    expect(readFileSync(join(dir, "latin1.dnn")).equals(latin1)).toBe(true);
    expect(readFileSync(join(dir, "messy.dnn"), "utf8")).toBe(MESSY);
    const piped = dnnc(["fmt", "-"], { input: latin1 });
    expect(piped.status).toBe(2);
    expect(piped.stdout).toBe("");
    expectOneLine(piped, /^dnnc: <stdin> is not valid UTF-8 \(byte 18 /);
  });

  it("rewrites a file through a temporary file and a rename: a new inode, the file mode kept, nothing left beside it", () => {
    const dir = fresh();
    const file = join(dir, "messy.dnn");
    writeFileSync(file, MESSY);
    chmodSync(file, 0o640);
    const before = statSync(file);
    const r = dnnc(["fmt", file]);
    expect(r.status).toBe(0);
    expect(readFileSync(file, "utf8")).toBe(TIDY);
    const after = statSync(file);
    expect(after.ino).not.toBe(before.ino);
    expect(after.mode & 0o777).toBe(0o640);
    expect(readdirSync(dir)).toEqual(["messy.dnn"]);
  });

  it("formats the file a symbolic link points to, and the link stays a link", () => {
    const dir = fresh();
    writeFileSync(join(dir, "real.dnn"), MESSY);
    symlinkSync("real.dnn", join(dir, "link.dnn"));
    expect(dnnc(["fmt", join(dir, "link.dnn")]).status).toBe(0);
    expect(lstatSync(join(dir, "link.dnn")).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(dir, "real.dnn"), "utf8")).toBe(TIDY);
  });

  it("a file it may not write (read-only to the user running it) is left as it is: one line, exit 2", () => {
    const dir = fresh();
    chmodSync(dir, 0o777); // the directory is writable: a rename alone would replace the file
    const file = join(dir, "readonly.dnn");
    writeFileSync(file, MESSY);
    chmodSync(file, 0o444);
    const r = dnnc(["fmt", file], { asNobody: true });
    expect(r.status).toBe(2);
    expectOneLine(r, new RegExp(`^dnnc: cannot write ${file}: permission denied \\(EACCES\\)$`));
    expect(readFileSync(file, "utf8")).toBe(MESSY);
  });

  it("a write that fails (past a file size limit) leaves the file exactly as it was: one line, exit 2", () => {
    const dir = fresh();
    const file = join(dir, "long.dnn");
    const long = `${"//  a comment line long enough to make the file bigger than the limit\n".repeat(400)}${MESSY}`;
    writeFileSync(file, long);
    const r = dnnc(["fmt", file], { limitKiB: 8 });
    expect(r.status).toBe(2);
    expectOneLine(r, new RegExp(`^dnnc: cannot write ${file}: file too large \\(EFBIG\\)$`));
    expect(readFileSync(file, "utf8")).toBe(long);
    expect(readdirSync(dir)).toEqual(["long.dnn"]);
  });
});
