// `dnnc` as a user runs it: a child process of bin/dnnc.js, without colour or debug output, that
// must never print a stack trace or an internal compiler error, whatever it is given.
import { spawn, spawnSync, type SpawnSyncReturns } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));

export function dnncIn(cwd: string, timeout: number, ...args: string[]): SpawnSyncReturns<string> {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1" };
  delete env["DNNC_DEBUG"];
  const r = spawnSync(process.execPath, [join(ROOT, "bin/dnnc.js"), ...args], { cwd, encoding: "utf8", env, timeout });
  if (r.error) throw r.error;
  expect(r.stderr).not.toMatch(/^\s+at /m); // never a stack trace
  expect(r.stderr).not.toContain("internal compiler error");
  return r;
}

/**
 * `dnnc train …` in `cwd`, stopped with Ctrl-C (SIGINT) once its progress says epoch `epoch` is
 * done; `meanwhile` runs just before the signal. The process is never left behind.
 */
export async function interruptTraining(cwd: string, args: string[], epoch: number, meanwhile: () => void = () => {}): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [join(ROOT, "bin/dnnc.js"), "train", ...args], { cwd });
  let stderr = "";
  const exited = new Promise<number | null>((done) => child.on("exit", (code) => done(code)));
  try {
    const progress = new RegExp(`epoch ${epoch}: loss`);
    await new Promise<void>((done) =>
      child.stderr.on("data", (d: Buffer) => {
        stderr += d.toString();
        if (progress.test(stderr)) done();
      }),
    );
    meanwhile();
    child.kill("SIGINT");
    return { code: await exited, stderr };
  } finally {
    if (child.exitCode === null) child.kill("SIGKILL");
  }
}
