// Compiles a sample the way a user does (`dnnc compile FILE --target ts --out DIR`, through
// the CLI's main() in-process), typechecks the generated module with tsc on its own, and imports it.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { main } from "../../src/cli/main.ts";
import type { TargetName } from "../../src/backend/targets.ts";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));

export interface CompiledSample {
  /** Exit code of main(). */
  code: number;
  /** What main() wrote to its out and err streams. */
  stdout: string;
  stderr: string;
  /** The temporary output directory and the generated file in it. */
  dir: string;
  file: string;
  /** Removes the temporary directory. */
  cleanup: () => void;
}

/** Runs `dnnc compile <sample> --target <target> --out <fresh tmp dir>` through main(). */
export async function compileSample(sample: string, target: TargetName = "ts"): Promise<CompiledSample> {
  const dir = mkdtempSync(join(tmpdir(), "dnnc-sample-"));
  let stdout = "";
  let stderr = "";
  const io = { out: (s: string) => void (stdout += s), err: (s: string) => void (stderr += s), color: false };
  // main() resolves the (repository-relative) sample path against the working directory.
  if (join(process.cwd(), "/") !== join(ROOT, "/")) throw new Error(`run the tests from the repository root ${ROOT}, not ${process.cwd()}`);
  const code = await main(["compile", sample, "--target", target, "--out", dir], io);
  const file = join(dir, basename(sample).replace(/\.dnn$/, ".ts"));
  return { code, stdout, stderr, dir, file, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface TscResult {
  status: number | null;
  output: string;
}

/**
 * Typechecks one generated file alone, strictly. Runs in the file's own directory, so no
 * package.json, tsconfig or node_modules/@types of this repository are picked up: the module
 * must typecheck with nothing but the standard library (and, for WebGPU, @webgpu/types).
 */
export function tscCheck(file: string, options: { webgpu?: boolean } = {}): TscResult {
  const tsc = join(ROOT, "node_modules", ".bin", "tsc");
  // A WebGPU module needs WebGPU's types, which TypeScript's own libraries lack: @webgpu/types.
  const webgpu = options.webgpu ? ["--typeRoots", join(ROOT, "node_modules", "@webgpu"), "--types", "types"] : [];
  const args = ["--strict", "--noEmit", "--target", "es2022", "--module", "nodenext", "--moduleResolution", "nodenext", "--skipLibCheck", ...webgpu, file];
  const r = spawnSync(tsc, args, { cwd: join(file, ".."), encoding: "utf8", timeout: 120_000 });
  if (r.error) throw r.error;
  return { status: r.status, output: r.stdout + r.stderr };
}

/**
 * Lines of the generated module that are import statements (static or dynamic `import(`, or
 * `require(`), in code: comments, string literals and lines inside a multi-line template
 * literal are text (the worker threads' source is such a string: it runs in a worker the caller
 * starts from the `node:worker_threads` it passes).
 */
export function importLines(file: string): string[] {
  let inTemplate = false;
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => {
      const code = !inTemplate;
      if ((l.match(/(?<!\\)`/g) ?? []).length % 2 === 1) inTemplate = !inTemplate;
      if (!code || /^\s*(\/\*|\*)/.test(l)) return false;
      const bare = l.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`(?:[^`\\]|\\.)*`/g, '""').replace(/\/\/.*$/, "");
      return /^\s*import[\s{*"'(]/.test(bare) || /\bimport\s*\(/.test(bare) || /\brequire\s*\(/.test(bare);
    });
}

/** Imports the generated module. */
export async function importGenerated<T = Record<string, unknown>>(file: string): Promise<T> {
  return (await import(/* @vite-ignore */ pathToFileURL(file).href)) as T;
}

/**
 * Compiles a sample, imports it and returns its export `name`; the compiled sample is pushed
 * onto `compiled`, so a test file removes every temporary directory in one afterAll.
 */
export async function loadGenerated<T>(sample: string, name: string, compiled: CompiledSample[], target: TargetName = "ts"): Promise<T> {
  const s = await compileSample(sample, target);
  compiled.push(s);
  if (s.code !== 0) throw new Error(`dnnc compile ${sample} failed (${s.code}):\n${s.stderr}`);
  return (await importGenerated<Record<string, T>>(s.file))[name]!;
}
