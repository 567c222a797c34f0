// Prints the size of the module each target generates for every sample (lines, bytes, and the
// lines of runtime pasted from src/runtime/, between the "// ---- runtime ----" marker and the
// models or the end), as a Markdown table.
// Usage: npx tsx scripts/module-size.ts
import { readdirSync } from "node:fs";
import { compile } from "../src/compiler.ts";
import { generate } from "../src/backend/targets.ts";

const samples = readdirSync("samples").filter((f) => f.endsWith(".dnn")).sort();
const rows: string[] = ["| sample | ts lines | ts bytes | ts runtime lines | wgsl lines | wgsl bytes | wgsl runtime lines |", "|---|---:|---:|---:|---:|---:|---:|"];
const measure = (text: string) => {
  const lines = text.split("\n").length;
  // The runtime runs from its marker to the models' (or to the end, where it comes last).
  const at = text.indexOf("// ---- runtime ----");
  const models = text.indexOf("// ---- models ----");
  return [lines, Buffer.byteLength(text), at < 0 ? 0 : text.slice(at, models > at ? models : undefined).split("\n").length - 1];
};
for (const f of samples) {
  const r = compile(`samples/${f}`);
  if (r.models.length === 0) continue;
  const ts = measure((await generate("ts", r.models, f)).module);
  const wgsl = measure((await generate("wgsl", r.models, f)).module);
  rows.push(`| ${f} | ${[...ts, ...wgsl].join(" | ")} |`);
}
console.log(rows.join("\n"));
