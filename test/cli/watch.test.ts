// `dnnc compile --watch` as a user runs it: a child process that compiles, keeps running, and
// compiles again when the .dnn file or a module it imports changes — printing the new errors,
// or writing the module again once they are fixed.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { ROOT } from "../helpers/dnnc-cli.ts";

const MAIN = `import std.layers.{Dense}
import layers.{Scale}

model Net {
  input  x: f32[B, 4]
  output y: f32[B, 2]
  y = Scale(x, 2.0) |> Dense(2)
}
`;
const LAYERS = "fn Scale(x: f32[...], by: float) -> f32[...] = x * by\n";

const dir = mkdtempSync(join(tmpdir(), "dnnc-watch-"));
let child: ChildProcess | undefined;
afterAll(() => {
  child?.kill();
  rmSync(dir, { recursive: true, force: true });
});

/** Everything the command has printed on standard error, and a wait for the next line matching. */
function start(...args: string[]): { stderr: () => string; waitFor: (re: RegExp, after: number) => Promise<string> } {
  let stderr = "";
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1" };
  delete env["DNNC_DEBUG"];
  child = spawn(process.execPath, [join(ROOT, "bin/dnnc.js"), ...args], { cwd: dir, env, stdio: ["ignore", "ignore", "pipe"] });
  child.stderr!.on("data", (b: Buffer) => void (stderr += b.toString()));
  const waitFor = (re: RegExp, after: number) =>
    new Promise<string>((done, fail) => {
      const deadline = Date.now() + 30_000;
      const poll = () => {
        const since = stderr.slice(after);
        if (re.test(since)) return done(since);
        if (child!.exitCode !== null) return fail(new Error(`dnnc exited ${child!.exitCode}:\n${stderr}`));
        if (Date.now() > deadline) return fail(new Error(`no ${re} after 30 s:\n${stderr}`));
        setTimeout(poll, 50);
      };
      poll();
    });
  return { stderr: () => stderr, waitFor };
}

it("compiles again on a change of the file or of a module it imports, printing the new diagnostics, and keeps running", async () => {
  writeFileSync(join(dir, "net.dnn"), MAIN);
  writeFileSync(join(dir, "layers.dnn"), LAYERS);
  const run = start("compile", "net.dnn", "--out", "out", "--watch");
  const watching = /watching \d+ files? for changes/;

  let seen = await run.waitFor(watching, 0);
  expect(seen).toMatch(/^wrote out\/net\.ts \(Net\)\n/);
  // net.dnn, layers.dnn, and the standard library's layers.dnn with the modules it imports.
  const files = Number(/watching (\d+) files/.exec(seen)![1]);
  expect(files).toBeGreaterThan(3);
  expect(readFileSync(join(dir, "out/net.ts"), "utf8")).toContain("export { u_Net as Net }");

  // A shape error in the file itself: the error, the old module left as it was.
  let mark = run.stderr().length;
  writeFileSync(join(dir, "net.dnn"), MAIN.replace("Dense(2)", "Dense(3)"));
  seen = await run.waitFor(watching, mark);
  expect(seen).toMatch(/error\[DNN0301\]: output `y` expects f32\[B, 2\], found f32\[B, 3\]\n\s+--> net\.dnn:7:7/);
  expect(seen).not.toMatch(/wrote/);

  // Fixed: written again.
  mark = run.stderr().length;
  writeFileSync(join(dir, "net.dnn"), MAIN);
  seen = await run.waitFor(watching, mark);
  expect(seen).toMatch(/\nwrote out\/net\.ts \(Net\)\n/);
  expect(seen).toContain(`watching ${files} files`); // the standard library's modules too, though loaded from its cache

  // A change in an imported module of the user's, through an editor's save by rename.
  mark = run.stderr().length;
  writeFileSync(join(dir, "layers.tmp"), "fn Scale(x: f32[...], by: float) -> f32[...] = x * bye\n");
  rmSync(join(dir, "layers.dnn"));
  writeFileSync(join(dir, "layers.dnn"), readFileSync(join(dir, "layers.tmp")));
  seen = await run.waitFor(watching, mark);
  expect(seen).toMatch(/error\[DNN0101\]: unknown name `bye`\n\s+--> layers\.dnn:1:52/);

  // The file removed (as some editors do mid-save) is one line, and the command goes on watching for it.
  mark = run.stderr().length;
  writeFileSync(join(dir, "layers.dnn"), LAYERS);
  rmSync(join(dir, "net.dnn"));
  seen = await run.waitFor(watching, mark);
  expect(seen).toMatch(/dnnc: cannot read net\.dnn: no such file\n/);
  mark = run.stderr().length;
  writeFileSync(join(dir, "net.dnn"), MAIN);
  seen = await run.waitFor(watching, mark);
  expect(seen).toMatch(/\nwrote out\/net\.ts \(Net\)\n/);

  expect(child!.exitCode).toBe(null);
  expect(run.stderr()).not.toMatch(/internal compiler error|^\s+at /m);
}, 60_000);
