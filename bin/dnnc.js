#!/usr/bin/env node
// Runs the built JavaScript in dist/ (scripts/build.mjs, run by `npm ci`) when every file it
// was built from is unchanged since; otherwise the TypeScript sources through tsx, so an edit is
// never run stale and a checkout without a build still works, only slower to start.
import * as nodeModule from "node:module";
import { builtIsCurrent } from "./built.mjs";

let main;
if (builtIsCurrent(new URL("../", import.meta.url))) {
  ({ main } = await import("../dist/cli.mjs"));
} else {
  // Node ≥ 20.6: load chevrotain as one file (see chevrotain-hook.mjs); older Nodes just start slower.
  if (typeof nodeModule.register === "function") nodeModule.register("./chevrotain-hook.mjs", import.meta.url);
  const { register } = await import("tsx/esm/api");
  register();
  ({ main } = await import("../src/cli/main.ts"));
}
process.exitCode = await main(process.argv.slice(2));
