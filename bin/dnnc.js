#!/usr/bin/env node
// Runs the built JavaScript in dist/ (scripts/build.mjs, run by `npm ci` and `npm pack`) when
// every file it was built from is unchanged since, or when there are no sources at all (an
// installed package ships dist/ and no src/); otherwise, in a checkout, the TypeScript sources
// through tsx (a development dependency), so an edit is never run stale and a checkout without a
// build still works, only slower to start.
import * as nodeModule from "node:module";
import v8 from "node:v8";
import { builtIsCurrent, isInstalledPackage } from "./built.mjs";

// Node ≥ 22.1 keeps V8's compiled code of the modules between runs (tsc does the same).
nodeModule.enableCompileCache?.();
// `check`: optimise a function only after ~12× V8's default amount of work in it. A check is a
// short run, and TurboFan compiling every function that turns warm cost more than it gave back:
// a fresh `dnnc check` of the 2,000-line benchmark workload took 1.25 s of CPU, 0.8 s with this;
// the 20,000-line straight-line file, whose hot loops run long enough, took the same. (`compile`
// of that file was 3–5 % slower with it, so the other commands keep V8's default.) Set before any
// of the compiler is loaded, so every function gets it (docs/performance.md).
if (process.argv[2] === "check") v8.setFlagsFromString("--interrupt-budget=800000");

const root = new URL("../", import.meta.url);
let main;
if (isInstalledPackage(root) || builtIsCurrent(root)) {
  ({ main } = await import("../dist/cli.mjs"));
} else {
  // Node ≥ 20.6: load chevrotain as one file (see chevrotain-hook.mjs); older Nodes just start slower.
  if (typeof nodeModule.register === "function") nodeModule.register("./chevrotain-hook.mjs", import.meta.url);
  const { register } = await import("tsx/esm/api");
  register();
  ({ main } = await import("../src/cli/main.ts"));
}
process.exitCode = await main(process.argv.slice(2));
