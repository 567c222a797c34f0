// What the hygiene tests of generated code share (test/backend/hygiene.test.ts for the
// TypeScript target and tsc, test/webgpu/hygiene.test.ts for WGSL): the classes of names that
// could collide with generated code, one program with a name in every position a user's name
// reaches generated code, and the identifiers a generated module uses — read from the emitted
// text, so an identifier the generator starts using tomorrow is a candidate name tomorrow.
import ts from "typescript";
import { hardKeywords } from "../../grammar/tokens.ts";
import { INTRINSIC_NAMES } from "../../src/check/intrinsic-names.ts";
import { unexportableModelName } from "../../src/check/model-names.ts";
import { compile, type CompiledModel } from "../../src/compiler.ts";

/** Every place a user's name reaches generated code. */
export const POSITIONS = ["model", "layer", "layerParam", "input", "input2", "output", "output2", "param", "param2", "size", "size2", "target", "target2"] as const;
export type Position = (typeof POSITIONS)[number];
export type Names = Record<Position, string>;

/** The program with ordinary names: what every renamed program must compute, bit for bit. */
export const PLAIN: Names = { model: "Plain", layer: "Mix", layerParam: "w", input: "x", input2: "x2", output: "y", output2: "y2", param: "bias", param2: "scale", size: "B", size2: "S", target: "t", target2: "t2" };

/**
 * A model with a name in every position: two inputs with independent symbolic sizes, a layer
 * (whose name and parameter make the tensor name `<layer>.<param>`), two parameters, two
 * outputs and two targets. The layer's own names (`units_q`, …) and what the program calls
 * (`mse`, `adam`, `tanh`) are not positions; `TEMPLATE_NAMES` keeps them out of the candidates.
 */
export function program(n: Names): string {
  return `import std.losses.{mse}
import std.optimizers.{adam}

layer ${n.layer}(units_q: int) {
  param ${n.layerParam}: f32[n_q, units_q] = 0.25
  forward(x_q: f32[N_q, n_q]) -> f32[N_q, units_q] = tanh(x_q @ ${n.layerParam})
}

model ${n.model} {
  input  ${n.input}: f32[${n.size}, 3]
  input  ${n.input2}: f32[${n.size2}, 2]
  output ${n.output}: f32[${n.size}, 2]
  output ${n.output2}: f32[${n.size2}, 2]
  param  ${n.param}: f32[2] = [0.5, -0.25]
  param  ${n.param2}: f32[2] = [1.5, 0.75]
  ${n.output} = (${n.input} |> ${n.layer}(2)) + ${n.param}
  ${n.output2} = ${n.input2} * ${n.param2}
}

train ${n.model} {
  target ${n.target}: f32[${n.size}, 2]
  target ${n.target2}: f32[${n.size2}, 2]
  loss      = mse(${n.output}, ${n.target}) + mse(${n.output2}, ${n.target2})
  optimizer = adam(lr: 0.01)
}
`;
}

/** Names the template itself uses, so not free for a position. */
export const TEMPLATE_NAMES = new Set(["mse", "adam", "tanh", "std", "losses", "optimizers", "units_q", "n_q", "N_q", "x_q"]);

const KEYWORDS_JS =
  "break case catch class const continue debugger default delete do else enum export extends false finally for function if import in instanceof new null return super switch this throw true try typeof var void while with";
const KEYWORDS_TS = "as async declare get set module namespace require type from of readonly keyof infer is asserts satisfies abstract any unknown never number bigint boolean string symbol object undefined override accessor out unique global";
const STRICT_RESERVED = "implements interface let package private protected public static yield await eval arguments";
const GLOBALS =
  "Math Float32Array Int32Array Uint8Array Uint32Array Array ArrayBuffer SharedArrayBuffer DataView Object Symbol Error TypeError RangeError Number String Boolean Map Set WeakMap Promise JSON Reflect Proxy Function Date BigInt Atomics TextDecoder TextEncoder globalThis NaN Infinity console navigator structuredClone queueMicrotask setTimeout GPUBufferUsage GPUMapMode GPUShaderStage GPUDevice";
const PROTOTYPE = "__proto__ constructor toString hasOwnProperty valueOf isPrototypeOf propertyIsEnumerable toLocaleString __defineGetter__ __lookupGetter__ prototype length name then caller";
const WGSL =
  "mem main f32 u32 i32 f16 bool select type var let fn override const struct array vec2 vec3 vec4 vec3u mat4x4 ptr atomic loop return if else for while switch break continue continuing discard enable requires alias bitcast workgroup storage uniform private function read write read_write i g lid wid groups exp exp2 log log2 sqrt max min abs sign tanh pow trunc cos sin arrayLength workgroupBarrier storageBarrier sampler texture_2d diagnostic const_assert Self NULL auto cast demote handle impl macro mod move mut self sizeof template typedef union unless using virtual where";
/** Names at the edges of the mangling scheme (names.ts) and locals the generators have used. */
const EDGES = "_ _x __x x__ x_ u_ u_B u_x u_x_input u__x U_x A_forward Plain_forward u_Plain u_Plain_forward c0 c1 o0_0 v1 b t r acc ws seed step out result inputs batch options values file data p s in i0 B1 X2E";

/** The classes of candidate names; `emitted` is added from a generated module. */
export const NAME_CLASSES: Record<string, readonly string[]> = {
  "JS keywords": KEYWORDS_JS.split(" "),
  "TS keywords": KEYWORDS_TS.split(" "),
  "strict-mode reserved": STRICT_RESERVED.split(" "),
  globals: GLOBALS.split(" "),
  "Object.prototype": PROTOTYPE.split(" "),
  "WGSL keywords and built-ins": WGSL.split(" "),
  "mangling edges": EDGES.split(" "),
};

const HARD = new Set(hardKeywords.map((k) => String(k.PATTERN).replace(/^\/|\/$/g, "")));

/** Whether a name can be written in a .dnn file where a name stands (the lexer's Identifier, not a keyword). */
export const legalInDnn = (name: string): boolean => /^[A-Za-z_][A-Za-z0-9_]*$/.test(name) && !HARD.has(name);

/** Whether `name` may stand at `position` of the template (all else is a test failure, not a skip). */
export function fits(name: string, position: Position): boolean {
  if (!legalInDnn(name) || TEMPLATE_NAMES.has(name)) return false;
  // DNN0411 (tested on its own): names a module cannot export.
  if (position === "model") return unexportableModelName(name) === undefined && !/(Inputs|Outputs|Batch)$/.test(name);
  // DNN0411 too: safetensors' own key, and the optimizer's learning-rate tensor.
  if (position === "param" || position === "param2") return name !== "__metadata__" && name !== "lr";
  // A size's name must not already mean something where sizes are read (DNN0207).
  if (position === "size" || position === "size2") return !INTRINSIC_NAMES.has(name);
  return true;
}

/** Every identifier in a generated TypeScript module (declared or used) and in its WGSL shaders. */
export function identifiersOf(module: string, shaders: readonly string[] = []): Set<string> {
  const out = new Set<string>();
  const visit = (n: ts.Node) => {
    if (ts.isIdentifier(n) || ts.isPrivateIdentifier(n)) out.add(n.text.replace(/^#/, ""));
    ts.forEachChild(n, visit);
  };
  visit(ts.createSourceFile("m.ts", module, ts.ScriptTarget.ES2022, true));
  for (const s of shaders) for (const m of s.replace(/\/\/.*$/gm, "").matchAll(/\b[A-Za-z_][A-Za-z0-9_]*\b/g)) out.add(m[0]);
  return out;
}

/** The identifiers a generated module declares (as opposed to uses): bindings, members, parameters, types. */
export function declaredIdentifiers(module: string): Set<string> {
  const out = new Set<string>();
  const visit = (n: ts.Node) => {
    const name = (n as { name?: ts.Node }).name;
    if (name && ts.isIdentifier(name) && (ts.isVariableDeclaration(n) || ts.isFunctionDeclaration(n) || ts.isClassDeclaration(n) || ts.isInterfaceDeclaration(n) || ts.isTypeAliasDeclaration(n) || ts.isParameter(n) || ts.isPropertyDeclaration(n) || ts.isMethodDeclaration(n) || ts.isGetAccessor(n) || ts.isPropertySignature(n) || ts.isBindingElement(n) || ts.isEnumDeclaration(n)))
      out.add(name.text);
    ts.forEachChild(n, visit);
  };
  visit(ts.createSourceFile("m.ts", module, ts.ScriptTarget.ES2022, true));
  return out;
}

/**
 * `count` programs in which every name of `names` takes every position once: program k puts
 * the name k + j·stride (mod n) at position j, skipping forward past names that do not fit it.
 * Names within one program are distinct.
 */
export function rotations(names: readonly string[], count = names.length): Names[] {
  const out: Names[] = [];
  for (let k = 0; k < count; k++) {
    const used = new Set<string>();
    const n = {} as Names;
    POSITIONS.forEach((p, j) => {
      for (let step = 0; step < names.length; step++) {
        const name = names[(k + j * 7 + step) % names.length]!;
        if (!used.has(name) && fits(name, p)) {
          used.add(name);
          n[p] = name;
          return;
        }
      }
      throw new Error(`no name fits ${p}`);
    });
    out.push(n);
  }
  return out;
}

/** Compiles a program; throws with its diagnostics unless it is clean. */
export function compileProgram(n: Names): CompiledModel {
  const text = program(n);
  const c = compile("/hygiene/program.dnn", text);
  if (c.diagnostics.length > 0 || c.models.length !== 1) throw new Error(`the program with names ${JSON.stringify(n)} does not compile:\n${c.diagnostics.map((d) => `${d.code} ${d.message}`).join("\n")}\n${text}`);
  return c.models[0]!;
}

/** Inputs and targets for a batch of `b` rows for size one and `b + 1` for size two, the same values whatever the names. */
export function batchFor(n: Names, b: number): Record<string, Float32Array> {
  const values = (count: number, salt: number) => Float32Array.from({ length: count }, (_, i) => Math.fround(Math.sin(1 + i * 0.7 + salt) * 0.9));
  const out: Record<string, Float32Array> = Object.create(null);
  out[n.input] = values(b * 3, 1);
  out[n.input2] = values((b + 1) * 2, 2);
  out[n.target] = values(b * 2, 3);
  out[n.target2] = values((b + 1) * 2, 4);
  return out;
}
