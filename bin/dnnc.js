#!/usr/bin/env node
// Runs the TypeScript sources directly through tsx, so there is no build step to forget.
import * as nodeModule from "node:module";
import { register } from "tsx/esm/api";

// Node ≥ 20.6: load chevrotain as one file (see chevrotain-hook.mjs); older Nodes just start slower.
if (typeof nodeModule.register === "function") nodeModule.register("./chevrotain-hook.mjs", import.meta.url);
register();
const { main } = await import("../src/cli/main.ts");
process.exitCode = await main(process.argv.slice(2));
