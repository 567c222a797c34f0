// bin/dnnc.js runs the built dist/ only while it is current: a stale build must never run.
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
// @ts-expect-error plain JavaScript next to the command, without declarations
import { builtIsCurrent, isInstalledPackage } from "../../bin/built.mjs";

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A package directory with two sources, built at `builtAt` (ms) from `inputs`. */
function pkg(builtAt: number, inputs: string[], sourceTimes: Record<string, number>): URL {
  const dir = mkdtempSync(join(tmpdir(), "dnnc-built-"));
  dirs.push(dir);
  mkdirSync(join(dir, "dist"));
  mkdirSync(join(dir, "src"));
  for (const [f, t] of Object.entries(sourceTimes)) {
    writeFileSync(join(dir, f), "export {};\n");
    utimesSync(join(dir, f), t / 1000, t / 1000);
  }
  writeFileSync(join(dir, "dist/inputs.json"), JSON.stringify({ builtAt, inputs }));
  return pathToFileURL(dir + "/");
}

describe("bin/built.mjs", () => {
  const t0 = Date.UTC(2026, 0, 1);
  it("trusts a build newer than every file it was built from", () => {
    expect(builtIsCurrent(pkg(t0 + 5000, ["src/a.ts", "src/b.ts"], { "src/a.ts": t0, "src/b.ts": t0 + 1000 }))).toBe(true);
  });
  it("refuses it once any of those files changed", () => {
    expect(builtIsCurrent(pkg(t0 + 5000, ["src/a.ts", "src/b.ts"], { "src/a.ts": t0, "src/b.ts": t0 + 6000 }))).toBe(false);
  });
  it("refuses it when one of them is gone, or nothing is recorded", () => {
    expect(builtIsCurrent(pkg(t0 + 5000, ["src/a.ts", "src/gone.ts"], { "src/a.ts": t0 }))).toBe(false);
    expect(builtIsCurrent(pkg(t0 + 5000, [], { "src/a.ts": t0 }))).toBe(false);
  });
  it("refuses a package with no build", () => {
    const dir = mkdtempSync(join(tmpdir(), "dnnc-built-"));
    dirs.push(dir);
    expect(builtIsCurrent(pathToFileURL(dir + "/"))).toBe(false);
  });
});

describe("an installed package (dist/, no src/)", () => {
  it("runs dist/ without asking whether it is current: npm ships no sources to compare with", () => {
    const dir = mkdtempSync(join(tmpdir(), "dnnc-built-"));
    dirs.push(dir);
    mkdirSync(join(dir, "dist"));
    writeFileSync(join(dir, "dist/cli.mjs"), "export {};\n");
    expect(isInstalledPackage(pathToFileURL(dir + "/"))).toBe(true);
    mkdirSync(join(dir, "src"));
    expect(isInstalledPackage(pathToFileURL(dir + "/"))).toBe(false); // a checkout: builtIsCurrent decides
  });
  it("is not one without a build", () => {
    const dir = mkdtempSync(join(tmpdir(), "dnnc-built-"));
    dirs.push(dir);
    expect(isInstalledPackage(pathToFileURL(dir + "/"))).toBe(false);
  });
});
