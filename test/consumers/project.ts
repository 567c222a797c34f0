// What the consumer tests share: a project directory in os.tmpdir() whose files the test writes
// itself (nothing linked from this checkout: the tools are the repository's own, loaded by the
// test through import and createRequire), dnnc's output compiled into it by the real command,
// and one training program, valid as JavaScript and as the strictest TypeScript alike, that
// prints the losses of 15 Adam steps on a fixed batch of the digits MLP.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { expect } from "vitest";
import { dnncIn, ROOT } from "../helpers/dnnc-cli.ts";

export { ROOT };
/** Resolves a package as this repository's own code would (its node_modules). */
export const requireFromRoot = createRequire(join(ROOT, "package.json"));
/** The TypeScript compiler's command-line entry, as `npx tsc` runs it. */
export const TSC = requireFromRoot.resolve("typescript/bin/tsc");

export interface Project {
  dir: string;
  /** Writes `files` (paths relative to the project) and returns the project. */
  write(files: Record<string, string>): Project;
  /** `dnnc compile samples/<sample> --target <target> --emit <emit> --out <project>/<out>`. */
  compile(sample: string, target: string, emit: "ts" | "js", out: string): void;
  /** Runs `node <args>` in the project; its standard output. */
  node(...args: string[]): string;
  remove(): void;
}

export function project(name: string): Project {
  const dir = mkdtempSync(join(tmpdir(), `dnnc-consumer-${name}-`));
  const self: Project = {
    dir,
    write(files) {
      for (const [path, text] of Object.entries(files)) {
        mkdirSync(dirname(join(dir, path)), { recursive: true });
        writeFileSync(join(dir, path), text);
      }
      return self;
    },
    compile(sample, target, emit, out) {
      const r = dnncIn(ROOT, 120_000, "compile", join(ROOT, "samples", sample), "--target", target, "--emit", emit, "--out", join(dir, out));
      expect(r.stderr).toMatch(/^wrote /);
      expect(r.status, r.stderr).toBe(0);
    },
    node(...args) {
      const r = spawnSync(process.execPath, args, { cwd: dir, encoding: "utf8", timeout: 120_000 });
      if (r.error) throw r.error;
      expect(r.stderr).toBe("");
      expect(r.status).toBe(0);
      return r.stdout;
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
  return self;
}

/** A package.json of an ES-module project. */
export const packageJson = (name: string, extra: Record<string, unknown> = {}) => JSON.stringify({ name, private: true, version: "0.0.0", type: "module", ...extra }, null, 2) + "\n";

export const STEPS = 15;

/**
 * The body of a program that trains DigitsMLP (from `specifier`) for STEPS Adam steps on one
 * fixed batch of 32 pseudo-random images with labels 0-9 and reports the losses through
 * `report` (an expression taking the array). No type annotation: the same text is JavaScript
 * and TypeScript under every setting of test/helpers/strictest.ts.
 */
export function trainingProgram(specifier: string, report: (losses: string) => string): string {
  return `import { DigitsMLP } from ${JSON.stringify(specifier)};

const batch = 32;
const x = new Float32Array(batch * 64);
const y = new Int32Array(batch);
let seed = 7;
for (let i = 0; i < x.length; i++) {
  seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
  x[i] = (seed / 2 ** 32) * 16; // pixel values 0-16, as the digits have
}
for (let i = 0; i < batch; i++) y[i] = i % 10;

const model = DigitsMLP.create({ seed: 1 });
const losses = [];
for (let step = 0; step < ${STEPS}; step++) losses.push(model.trainStep({ x, y }));
${report("losses")};
`;
}

/** The losses a training program printed as one JSON line: finite, and decreasing from the first to the last. */
export function expectLearning(output: string): number[] {
  const losses = JSON.parse(output.trim().split("\n").at(-1)!) as number[];
  expect(losses).toHaveLength(STEPS);
  for (const l of losses) expect(Number.isFinite(l)).toBe(true);
  expect(losses.at(-1)!).toBeLessThan(0.8 * losses[0]!);
  return losses;
}
