// `dnnc` as a user runs it: a child process of bin/dnnc.js, without colour or debug output, that
// must never print a stack trace or an internal compiler error, whatever it is given.
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
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
