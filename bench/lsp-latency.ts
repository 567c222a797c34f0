// How long after a keystroke the language server's diagnostics arrive, in a large file: the
// generated 2,000-line workload of check-speed (57 models with train blocks, 200 layers). A
// real `dnnc lsp` process is driven over stdio by a protocol client; each edit changes one
// character of a model's train block (the last digit of its learning rate: the program stays
// valid, and that model is checked again — forward, loss, gradients, optimizer) and the clock runs from sending didChange to receiving that
// version's diagnostics — debounce included. Target (issue 7): median and p95 under 100 ms.
//
//   npm run bench -- --only lsp-latency [--edits N]
import { writeFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { cpus, loadavg } from "node:os";
import { generate } from "./lib/gen-models.ts";
import { InlayHintRequest } from "vscode-languageserver-protocol/node";
import { TestClient } from "../test/helpers/lsp-client.ts";

const argv = process.argv.slice(2);
const EDITS = Number(argv[argv.indexOf("--edits") + 1]) || 200;
const gen = generate({ layers: 200, lines: 2000 });
const uri = "file:///bench/workload.dnn";

const client = await TestClient.start();
let text = gen.text;
let t0 = performance.now();
const first = await client.open(uri, text);
const openMs = performance.now() - t0;
if (first.diagnostics.some((d) => d.severity === 1)) throw new Error(`the workload has errors: ${first.diagnostics[0]!.message}`);

// The last digit of every `lr: 0.001`-like learning rate, spread over the file.
const sites = [...text.matchAll(/lr: \d+\.\d*[1-9]/g)].map((m) => m.index! + m[0].length - 1);
const samples: number[] = [];
for (let i = 0; i < EDITS; i++) {
  const at = sites[(i * 7919) % sites.length]!;
  const digit = String((Number(text[at]) % 9) + 1); // a different non-zero digit: still valid
  const pos = positionOf(text, at);
  text = text.slice(0, at) + digit + text.slice(at + 1);
  const published = client.nextDiagnostics(uri);
  t0 = performance.now();
  await client.change(uri, [{ range: { start: pos, end: { line: pos.line, character: pos.character + 1 } }, text: digit }]);
  const d = await published;
  samples.push(performance.now() - t0);
  if (d.diagnostics.some((x) => x.severity === 1)) throw new Error(`edit ${i} gave an error: ${d.diagnostics[0]!.message}`);
}

// Inlay hints (issue 23), as an editor asks for them: right after the edit, for the screen
// around it (60 lines), so the clock includes re-analysing the edited model; then once more for
// the whole file, the most a client asks for.
const hintSamples: number[] = [];
const wholeSamples: number[] = [];
const lineCount = text.split("\n").length;
for (let i = 0; i < EDITS; i++) {
  const at = sites[(i * 104729) % sites.length]!;
  const digit = String((Number(text[at]) % 9) + 1);
  const pos = positionOf(text, at);
  text = text.slice(0, at) + digit + text.slice(at + 1);
  t0 = performance.now();
  await client.change(uri, [{ range: { start: pos, end: { line: pos.line, character: pos.character + 1 } }, text: digit }]);
  const screen = { start: { line: Math.max(0, pos.line - 30), character: 0 }, end: { line: pos.line + 30, character: 0 } };
  const hints = await client.connection.sendRequest(InlayHintRequest.type, { textDocument: { uri }, range: screen });
  hintSamples.push(performance.now() - t0);
  t0 = performance.now();
  const all = await client.connection.sendRequest(InlayHintRequest.type, { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: lineCount, character: 0 } } });
  wholeSamples.push(performance.now() - t0);
  if (i === 0 && (all ?? []).length < gen.layers) throw new Error(`only ${(all ?? []).length} inlay hints in the whole file (${hints?.length ?? 0} on screen)`);
}
await client.stop();

const quantiles = (xs: number[]) => {
  xs.sort((a, b) => a - b);
  return (p: number) => xs[Math.min(xs.length - 1, Math.floor(p * xs.length))]!;
};
const q = quantiles(samples);
const qh = quantiles(hintSamples);
const qw = quantiles(wholeSamples);
const result = {
  lines: gen.lines, models: gen.models, layers: gen.layers, edits: EDITS, openMs, medianMs: q(0.5), p95Ms: q(0.95), maxMs: samples[samples.length - 1], load: loadavg()[0], cpus: cpus().length, samplesMs: samples,
  inlayHints: { editToScreenMedianMs: qh(0.5), editToScreenP95Ms: qh(0.95), wholeFileMedianMs: qw(0.5), wholeFileP95Ms: qw(0.95) },
};
process.stdout.write(
  `language server, ${gen.lines}-line file (${gen.models} models, ${gen.layers} layers): first diagnostics ${openMs.toFixed(0)} ms after open\n` +
  `after a one-character edit (${EDITS} edits): median ${q(0.5).toFixed(1)} ms, p95 ${q(0.95).toFixed(1)} ms, max ${result.maxMs!.toFixed(1)} ms (target: < 100 ms)\n` +
  `inlay hints for the 60 lines around an edit, sent with it: median ${qh(0.5).toFixed(1)} ms, p95 ${qh(0.95).toFixed(1)} ms (target: < 100 ms); ` +
  `for the whole file, after: median ${qw(0.5).toFixed(1)} ms, p95 ${qw(0.95).toFixed(1)} ms\n` +
  `load average ${result.load.toFixed(2)} on ${result.cpus} CPUs\n`,
);
const out = join(dirname(fileURLToPath(import.meta.url)), "results");
mkdirSync(out, { recursive: true });
writeFileSync(join(out, "lsp-latency.json"), JSON.stringify(result, null, 2) + "\n");

function positionOf(s: string, offset: number) {
  const before = s.slice(0, offset);
  const line = before.split("\n").length - 1;
  return { line, character: offset - (before.lastIndexOf("\n") + 1) };
}
