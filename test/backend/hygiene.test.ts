// Hygiene of generated code, as a property: whatever legal names a .dnn file uses — JS/TS
// keywords, strict-mode reserved words, globals, Object.prototype's names, WGSL keywords and
// built-ins, and every identifier a generated module itself contains (read from the emitted
// text) — in every position (model, layer, layer parameter, inputs, outputs, parameters, sizes,
// targets), the module passes `tsc --strict` (both targets), loads in Node and from an esbuild
// bundle, computes bit for bit what the program with plain names computes (forward, two
// training steps, parameters), keeps the user's names as its keys and tensor names, and
// round-trips save/load. A fixed list of names known to have broken modules takes every
// position once (rotations); fast-check draws further programs from every class with a fixed
// seed. The WGSL target's numbers are checked on a device in test/webgpu/hygiene.test.ts.
//
// esbuild is used through vitest's dependency (it must become a pinned devDependency).
import { build } from "esbuild";
import fc from "fast-check";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emitModule, sidecarFiles } from "../helpers/targets.ts";
import { parseUserIdent, USER_PREFIX } from "../../src/backend/names.ts";
import { MODULE_EXPORTS } from "../../src/check/model-names.ts";
import { withMetadata } from "../../src/fit/safetensors.ts";
import { importGenerated, ROOT } from "../helpers/compile-sample.ts";
import { batchFor, compileProgram, declaredIdentifiers, identifiersOf, legalInDnn, NAME_CLASSES, PLAIN, POSITIONS, rotations, type Names } from "../helpers/hygiene.ts";
import { spawnSync } from "node:child_process";

interface Model {
  forward(inputs: Record<string, Float32Array>): Record<string, Float32Array>;
  trainStep(batch: Record<string, Float32Array>): number;
  getParameters(): Record<string, Float32Array>;
  save(): Uint8Array;
  load(bytes: Uint8Array): Model;
  readonly steps: number;
}
interface ModelClass {
  create(options?: { seed?: number }): Model;
  readonly parameters: readonly { name: string }[];
  readonly inputs: readonly { name: string }[];
  readonly outputs: readonly { name: string }[];
}

/** Names that broke generated modules before names.ts (issue 16), one or more per class. */
const KNOWN = [
  "c0", "b", "ws", "step", "seed", "i", "g", "lid", "mem", "main", "f32", "select", "type",
  "Math", "Float32Array", "Object", "__proto__", "constructor", "toString", "then", "eval", "arguments", "class", "this",
  "u_B", "A_forward", "_",
];

const dir = mkdtempSync(join(tmpdir(), "dnnc-hygiene-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const plain = compileProgram(PLAIN);
const plainTs = emitModule("ts", [plain], "program.dnn").module;
const plainWgsl = emitModule("wgsl", [plain], "program.dnn");
/** Identifiers the generated modules contain, as candidate names: new ones are covered as they appear. */
const EMITTED = [...identifiersOf(plainTs), ...identifiersOf(plainWgsl.module, sidecarFiles(plainWgsl).map((s) => s.code))].filter(legalInDnn);
const POOL = [...new Set([...Object.values(NAME_CLASSES).flat(), ...EMITTED])].filter(legalInDnn);

const programs: Names[] = [
  ...rotations(KNOWN),
  // Each draw: 30 distinct names from the whole pool, placed as a rotation places them.
  ...fc.sample(fc.shuffledSubarray(POOL, { minLength: 30, maxLength: 30 }), { seed: 16, numRuns: 5 }).map((names) => rotations(names, 1)[0]!),
];

interface Emitted {
  names: Names;
  ts: string;
  tsFile: string;
  wasmFile: string;
  wgslFile: string;
}
const emitted: Emitted[] = programs.map((names, k) => {
  const m = compileProgram(names);
  // The header names a source file with a newline and a comment end in it: it must stay a comment.
  const source = `weird\n*/ name ${k}.dnn`;
  const ts = emitModule("ts", [m], source).module;
  const tsFile = join(dir, `p${k}.ts`);
  const wasmFile = join(dir, `a${k}.ts`);
  const wgslFile = join(dir, `w${k}.ts`);
  writeFileSync(tsFile, ts);
  writeFileSync(wasmFile, emitModule("wasm", [m], source).module);
  writeFileSync(wgslFile, emitModule("wgsl", [m], source).module);
  return { names, ts, tsFile, wasmFile, wgslFile };
});

const bits = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString("hex");
const same = (a: Float32Array | undefined, b: Float32Array | undefined, what: string) => {
  expect(a, what).toBeInstanceOf(Float32Array);
  expect(bits(a!), what).toBe(bits(b!));
};

/** What a model computes: forward on a batch, two training steps, the parameters after them, in declaration order. */
function run(C: ModelClass, n: Names) {
  const model = C.create({ seed: 3 });
  const batch = batchFor(n, 4);
  const inputs: Record<string, Float32Array> = Object.create(null);
  inputs[n.input] = batch[n.input]!;
  inputs[n.input2] = batch[n.input2]!;
  const before = model.forward(inputs);
  const losses = [model.trainStep(batch), model.trainStep(batch)];
  const params = model.getParameters();
  return { model, before, outputs: [before[n.output]!, before[n.output2]!], losses, params: C.parameters.map((p) => params[p.name]!), after: model.forward(inputs) };
}

let reference: ReturnType<typeof run>;
beforeAll(async () => {
  const file = join(dir, "plain.ts");
  writeFileSync(file, plainTs);
  reference = run((await importGenerated<Record<string, ModelClass>>(file))[PLAIN.model]!, PLAIN);
});

describe("generated code is hygienic for every legal name in every position", () => {
  it("draws programs from every class of names", () => {
    expect(programs.length).toBeGreaterThanOrEqual(KNOWN.length);
    for (const p of POSITIONS) expect(new Set(programs.map((n) => n[p])).size, p).toBeGreaterThan(KNOWN.length / 2);
    // The module's own identifiers are candidates: loop counters, kernel locals, WGSL built-ins.
    for (const id of ["c0", "seed", "gemm", "lid", "main", "Float32Array"]) expect(EMITTED, id).toContain(id);
  });

  it("the generator's own identifiers never take the users' namespace", () => {
    // Every declared identifier with the prefix is made from a name of the program (a model,
    // size, input, output, target, parameter or optimizer state), never the generator's own.
    const m = compileProgram(programs[0]!);
    const names = new Set([...Object.values(programs[0]!), ...m.params.map((p) => p.name), ...m.train!.states.map((s) => s.name)]);
    const declared = [...declaredIdentifiers(emitted[0]!.ts)];
    const users = declared.filter((id) => id.startsWith(USER_PREFIX));
    expect(users.length).toBeGreaterThan(20);
    for (const id of users) expect(names.has(parseUserIdent(id)?.name ?? ""), `${id} is not made from a name of the program`).toBe(true);
    expect(declared.length - users.length).toBeGreaterThan(100);
  });

  it("every module passes tsc --strict, every target (one tsc run)", () => {
    const tsc = join(ROOT, "node_modules", ".bin", "tsc");
    const files = emitted.flatMap((e) => [e.tsFile, e.wasmFile, e.wgslFile]);
    const args = ["--strict", "--noEmit", "--target", "es2022", "--module", "nodenext", "--moduleResolution", "nodenext", "--skipLibCheck", "--typeRoots", join(ROOT, "node_modules", "@webgpu"), "--types", "types", ...files];
    const r = spawnSync(tsc, args, { cwd: dir, encoding: "utf8", timeout: 300_000 });
    if (r.error) throw r.error;
    const named = (r.stdout + r.stderr).replace(/([paw])(\d+)\.ts/g, (s, _, k: string) => `${s} ${JSON.stringify(emitted[Number(k)]!.names)}`);
    expect(named).toBe("");
    expect(r.status).toBe(0);
  }, 300_000);

  it.each(emitted.map((e, k) => [k, JSON.stringify(e.names), e] as const))("program %i %s: loads, computes what the plain program computes, keeps the names, round-trips save/load", async (_k, _label, e) => {
    const n = e.names;
    const mod = await importGenerated<Record<string, unknown>>(e.tsFile);
    // The module's runtime exports: the class under the model's name, and the module's own (values, not types).
    expect(Object.keys(mod).sort()).toEqual([n.model, ...MODULE_EXPORTS.filter((x) => x === "memoryStats" || x === "threadStats" || x === "NonFiniteError")].sort());
    const C = mod[n.model] as ModelClass;
    expect((C as unknown as { name: string }).name).toBe(n.model);
    expect(C.inputs.map((t) => t.name)).toEqual([n.input, n.input2]);
    expect(C.outputs.map((t) => t.name)).toEqual([n.output, n.output2]);

    const got = run(C, n);
    expect(Object.getPrototypeOf(got.before)).toBe(null);
    expect(Object.keys(got.before)).toEqual([n.output, n.output2]);
    got.outputs.forEach((o, i) => same(o, reference.outputs[i], `output ${i}`));
    expect(got.losses).toEqual(reference.losses);
    got.params.forEach((p, i) => same(p, reference.params[i], `parameter ${C.parameters[i]!.name}`));
    const params = got.model.getParameters();
    expect(Object.getPrototypeOf(params)).toBe(null);
    expect(Object.keys(params)).toEqual(C.parameters.map((p) => p.name));

    // save/load: the file names the user's tensors; a fresh model loads it and computes the same.
    const bytes = got.model.save();
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true))))) as object;
    expect(Object.keys(header).filter((k) => k !== "__metadata__")).toEqual(expect.arrayContaining(C.parameters.map((p) => p.name)));
    const again = C.create({ seed: 11 }).load(bytes);
    expect(again.steps).toBe(2);
    const loaded = again.getParameters();
    C.parameters.forEach((p, i) => same(loaded[p.name], got.params[i], `loaded ${p.name}`));
    const inputs: Record<string, Float32Array> = Object.create(null);
    const batch = batchFor(n, 4);
    inputs[n.input] = batch[n.input]!;
    inputs[n.input2] = batch[n.input2]!;
    same(again.forward(inputs)[n.output], got.after[n.output], "forward after load");
    expect(again.trainStep(batch)).toBe(got.model.trainStep(batch));
    // `dnnc train` rewrites checkpoints without a model (src/fit/safetensors.ts): every tensor stays.
    const rewritten = C.create().load(withMetadata(bytes, { "dnnc.epoch": "1" })).getParameters();
    C.parameters.forEach((p, i) => same(rewritten[p.name], got.params[i], `rewritten ${p.name}`));

    // The same module through an esbuild bundle, as an application would ship it.
    const bundled = await build({ entryPoints: [e.tsFile], bundle: true, format: "esm", platform: "neutral", write: false, logLevel: "silent" });
    const bundleFile = e.tsFile.replace(/\.ts$/, ".bundle.mjs");
    writeFileSync(bundleFile, bundled.outputFiles[0]!.text);
    const B = (await importGenerated<Record<string, unknown>>(bundleFile))[n.model] as ModelClass;
    const fromBundle = run(B, n);
    fromBundle.outputs.forEach((o, i) => same(o, reference.outputs[i], `bundled output ${i}`));
    expect(fromBundle.losses).toEqual(reference.losses);

    // The wasm target's module of the same program: the names kept, the numbers equal up to its float32 sums.
    const W = (await importGenerated<Record<string, unknown>>(e.wasmFile))[n.model] as ModelClass;
    const fromWasm = run(W, n);
    const near = (a: number, b: number, what: string) => expect(Math.abs(a - b), what).toBeLessThanOrEqual(1e-4 * (1 + Math.abs(b)));
    fromWasm.outputs.forEach((o, i) => o.forEach((v, j) => near(v, reference.outputs[i]![j]!, `wasm output ${i}[${j}]`)));
    fromWasm.losses.forEach((l, i) => near(l, reference.losses[i]!, `wasm loss ${i}`));
  });

  it("the header comment holds a source file name with a newline and */ as text", () => {
    const first = emitted[0]!.ts.split("\n").slice(0, 2);
    expect(first[0]).toBe(String.raw`// Generated by dnnc from weird\u000a*\/ name 0.dnn. Do not edit: change the .dnn file and recompile.`);
    expect(first[1]).toMatch(/^\/\/ Standalone/);
  });
});
