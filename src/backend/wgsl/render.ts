// One kernel of a schedule → one WGSL compute shader (issue 6, in progress: every kernel kind
// but scan). All of a function's memory — arguments and its arena — lives in
// one storage buffer `mem`, so a kernel binds one buffer whatever it reads (no per-stage
// storage-buffer limit to trip over); each tensor's element offset and each symbolic size is a
// pipeline-overridable constant, set when the sizes are known.
//
// Not yet: workgroup-tiled matmul and tree reductions (one invocation per output element now),
// scan (a loop of dispatches on the host), the runtime and `--target wgsl`.
import { isBinary, isUnary, type Fn, type Node } from "../../ir/ir.ts";
import { productDim, symbolsOf } from "../../ir/dim.ts";
import type { Dim, Shape } from "../../ir/shape.ts";
import { printNode } from "../../ir/print.ts";
import type { Kernel, Schedule } from "../../schedule/kernel.ts";
import { scalarValue } from "../../schedule/fuse.ts";
import { broadcastStrides, coalesce, rowMajor } from "../../schedule/strides.ts";

export const WORKGROUP = 64;

export interface WgslKernel {
  code: string;
  /** Memory the kernel reads or writes, by node (each has an `o<id>` offset constant). */
  memory: number[];
  /** Invocations needed: one per element of this size. */
  invocations: Dim;
}

/** A size as a WGSL u32 expression (integer literals next to a u32 symbol become u32). */
const dim = (d: Dim): string => (typeof d === "number" ? `${d}u` : `(${d})`);

/** An f32 literal (WGSL rejects infinities and NaN in constant expressions: made at run time). */
function lit(v: number): string {
  if (Number.isNaN(v)) return "nan_()";
  if (!Number.isFinite(v)) return v > 0 ? "inf_()" : "-inf_()";
  const s = String(Math.fround(v));
  return /[.e]/.test(s) ? `f32(${s})` : `f32(${s}.0)`;
}

const OPS: Record<string, (a: string[], n: Node) => string> = {
  neg: ([a]) => `-(${a})`,
  exp: ([a]) => `exp(${a})`,
  log: ([a]) => `log(${a})`,
  sqrt: ([a]) => `sqrt(${a})`,
  recip: ([a]) => `1.0 / ${a}`,
  tanh: ([a]) => `tanh(${a})`,
  sigmoid: ([a]) => `sigmoid_(${a})`,
  relu: ([a]) => `max(${a}, 0.0)`,
  abs: ([a]) => `abs(${a})`,
  sign: ([a]) => `sign(${a})`,
  erf: ([a]) => `erf_(${a})`,
  add: ([a, b]) => `${a} + ${b}`,
  sub: ([a, b]) => `${a} - ${b}`,
  mul: ([a, b]) => `${a} * ${b}`,
  div: ([a, b]) => `${a} / ${b}`,
  max: ([a, b]) => `max(${a}, ${b})`,
  min: ([a, b]) => `min(${a}, ${b})`,
  pow: ([a, b]) => (b === "f32(2.0)" ? `${a} * ${a}` : `pow_(${a}, ${b})`),
  cmplt: ([a, b]) => `select(0.0, 1.0, ${a} < ${b})`,
  cmpeq: ([a, b]) => `select(0.0, 1.0, ${a} == ${b})`,
  select: ([c, a, b]) => `select(${b}, ${a}, ${c} != 0.0)`,
  cast: ([a], n) => (n.dtype === "i32" ? `trunc(${a})` : `${a}`),
};

// Helpers every shader may call: stable sigmoid, erf (A&S 7.1.26), pow with a real base,
// and the counter-based random numbers of the TypeScript backend, bit for bit.
const PRELUDE = `fn inf_() -> f32 { var b = 0x7f800000u; return bitcast<f32>(b); }
fn nan_() -> f32 { var b = 0x7fc00000u; return bitcast<f32>(b); }
fn sigmoid_(x: f32) -> f32 { if (x >= 0.0) { return 1.0 / (1.0 + exp(-x)); } let e = exp(x); return e / (1.0 + e); }
fn erf_(x: f32) -> f32 {
  let t = 1.0 / (1.0 + 0.3275911 * abs(x));
  let y = 1.0 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * exp(-x * x);
  return select(y, -y, x < 0.0);
}
fn pow_(x: f32, y: f32) -> f32 {
  if (x > 0.0) { return exp2(y * log2(x)); }
  if (x == 0.0) { return select(select(1.0, 0.0, y > 0.0), inf_(), y < 0.0); }
  let r = exp2(y * log2(-x));
  if (y == trunc(y)) { return select(r, -r, (i32(y) & 1) == 1); }
  return nan_();
}
fn mix32(x0: u32) -> u32 { var x = x0; x ^= x >> 16u; x *= 0x7feb352du; x ^= x >> 15u; x *= 0x846ca68bu; x ^= x >> 16u; return x; }
fn bits_(seed: u32, stream: u32, i: u32) -> u32 { return mix32(mix32(mix32(seed) ^ stream) ^ i); }
fn uniform_(seed: u32, stream: u32, i: u32) -> f32 { return f32(bits_(seed, stream, i) >> 8u) / 16777216.0; }
fn normal_(seed: u32, stream: u32, i: u32) -> f32 {
  let u1 = f32((bits_(seed, stream, 2u * i) >> 8u) + 1u) / 16777216.0;
  let u2 = f32(bits_(seed, stream, 2u * i + 1u) >> 8u) / 16777216.0;
  return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}`;

export function renderWgsl(s: Schedule, k: Kernel, symbols: readonly string[]): WgslKernel {
  const fn = s.fn;
  const node = (id: number) => fn.nodes[id]!;
  const memory = new Set<number>();
  const at = (id: number, offset: string) => {
    const b = s.base[id]!;
    memory.add(b);
    return `mem[o${b} + ${offset}]`;
  };
  const inBody = new Set(k.body);
  const lines: string[] = [];
  let invocations: Dim;

  /** Per-element body code over `domain`, with `flat` the element's row-major index there. */
  const elementwise = (flat: string, coords: (strides: readonly Dim[]) => string) => {
    const value = (x: number): string => {
      const c = scalarValue(fn, x);
      if (c !== undefined) return lit(c);
      return inBody.has(x) ? `v${x}` : at(x, flat);
    };
    const out: string[] = [];
    for (const id of k.body) {
      const n = node(id);
      let expr: string;
      const c = scalarValue(fn, id);
      if (c !== undefined) expr = lit(c);
      else if (n.op === "broadcast") {
        const u = n.inputs[0]!;
        expr = inBody.has(u) ? `v${u}` : at(u, coords(broadcastStrides(node(u).shape, n.shape)));
      } else if (n.op === "iota") expr = `f32(${coords(n.shape.map((_, j) => (j === n.axis ? 1 : 0)))})`;
      else if (n.op === "random") {
        const seed = n.inputs[0]!;
        const sv = scalarValue(fn, seed);
        const seedText = sv !== undefined ? `${sv >>> 0}u` : `u32(${at(seed, "0u")})`;
        expr = `${n.dist === "normal" ? "normal_" : "uniform_"}(${seedText}, ${n.stream}u, ${flat})`;
      } else if (isUnary(n.op) || isBinary(n.op) || n.op === "select" || n.op === "cast") expr = OPS[n.op]!(n.inputs.map(value), n);
      else throw new Error(`not elementwise: ${n.op}`);
      out.push(`let v${id} = ${expr};`);
      if (k.stores.includes(id)) out.push(`${at(id, flat)} = v${id};`);
    }
    return { out, value };
  };

  /** The offset of strided access `strides` at the element whose row-major index in `shape` is `flat`. */
  const coordsOf = (shape: Shape, flat: string) => (strides: readonly Dim[]): string => {
    const axes = coalesce(shape, [rowMajor(shape), strides]);
    const terms: string[] = [];
    let inner: Dim = 1;
    for (let j = axes.length - 1; j >= 0; j--) {
      const a = axes[j]!;
      const st = a.strides[1]!;
      if (st !== 0) {
        const c = inner === 1 ? flat : `(${flat} / ${dim(inner)})`;
        const coord = j === 0 ? c : `(${c} % ${dim(a.size)})`;
        terms.push(st === 1 ? coord : `${coord} * ${dim(st)}`);
      }
      inner = productDim([inner, a.size]);
    }
    return terms.length === 0 ? "0u" : terms.join(" + ");
  };

  if (k.kind === "elementwise") {
    const domain = node(k.body[0]!).shape;
    invocations = productDim(domain);
    lines.push(...elementwise("i", coordsOf(domain, "i")).out);
  } else if (k.kind === "reduce") {
    const r = node(k.head!);
    if (r.op !== "sum" && r.op !== "reduce_max") throw new Error("reduce kernel without a reduction");
    const x = r.inputs[0]!;
    const domain = node(x).shape;
    invocations = productDim(r.shape);
    const kept = domain.map((_, j) => j).filter((j) => !r.axes.includes(j));
    const reduced = r.axes;
    const keptShape = kept.map((j) => domain[j]!);
    const reducedShape = reduced.map((j) => domain[j]!);
    // The input element's row-major index from the output index i and the reduced index r.
    const full = rowMajor(domain);
    const keptPart = coordsOf(keptShape, "i")(kept.map((j) => full[j]!));
    const reducedPart = coordsOf(reducedShape, "r")(reduced.map((j) => full[j]!));
    const e = elementwise("e", (strides) => {
      const kp = coordsOf(keptShape, "i")(kept.map((j) => strides[j]!));
      const rp = coordsOf(reducedShape, "r")(reduced.map((j) => strides[j]!));
      return `${kp} + ${rp}`;
    });
    const max = r.op === "reduce_max";
    lines.push(`var acc = ${max ? lit(-Infinity) : "0.0"};`);
    lines.push(`for (var r = 0u; r < ${dim(productDim(reducedShape))}; r++) {`);
    lines.push(`  let e = ${keptPart} + ${reducedPart};`);
    lines.push(...e.out.map((l) => `  ${l}`));
    lines.push(`  let x = ${e.value(x)};`);
    lines.push(max ? "  if (x > acc || x != x) { acc = x; }" : "  acc += x;");
    lines.push("}");
    lines.push(`${at(r.id, "i")} = acc;`);
  } else if (k.kind === "matmul") {
    const n = node(k.head!);
    const [a, b] = n.inputs as [number, number];
    const sh = n.shape;
    const aShape = node(a).shape;
    const [m, cols, kk] = [sh[sh.length - 2]!, sh[sh.length - 1]!, aShape[aShape.length - 1]!];
    const ta = s.storage[a] === "transposed";
    const tb = s.storage[b] === "transposed";
    invocations = productDim(sh);
    lines.push(`let t = i / ${dim(productDim([m, cols]))};`, `let row = (i / ${dim(cols)}) % ${dim(m)};`, `let col = i % ${dim(cols)};`);
    lines.push(`let ab = t * ${dim(productDim([m, kk]))};`, `let bb = t * ${dim(productDim([kk, cols]))};`);
    lines.push("var acc = 0.0;");
    lines.push(`for (var p = 0u; p < ${dim(kk)}; p++) {`);
    lines.push(`  acc += ${at(a, ta ? `ab + p * ${dim(m)} + row` : `ab + row * ${dim(kk)} + p`)} * ${at(b, tb ? `bb + col * ${dim(kk)} + p` : `bb + p * ${dim(cols)} + col`)};`);
    lines.push("}");
    lines.push(`${at(n.id, "i")} = acc;`);
    if (k.body.length > 0) lines.push(...elementwise("i", coordsOf(node(k.body[0]!).shape, "i")).out);
  } else {
    const n = node(k.head!);
    invocations = productDim(n.shape);
    lines.push(...opKernel(n, fn, at, coordsOf));
  }

  const ops = [...(k.head !== undefined ? [k.head] : []), ...k.body];
  // Only the sizes the code mentions: a pipeline may set no constant its shader lacks.
  const body = lines.join("\n");
  const used = symbols.filter((x) => new RegExp(`\\b${x}\\b`).test(body) || (typeof invocations === "string" && symbolsOf(invocations).includes(x)));
  const code = [
    `// ${k.kind} kernel of ${ops.length} op${ops.length === 1 ? "" : "s"}:`,
    ...ops.map((id) => `//   ${printNode(node(id), fn)}`),
    "@group(0) @binding(0) var<storage, read_write> mem: array<f32>;",
    ...used.map((x) => `override ${x}: u32;`),
    ...[...memory].map((id) => `override o${id}: u32;`),
    PRELUDE,
    `@compute @workgroup_size(${WORKGROUP}) fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {`,
    `  let i = gid.x + gid.y * groups.x * ${WORKGROUP}u;`,
    `  if (i >= ${dim(invocations)}) { return; }`,
    ...lines.map((l) => `  ${l}`),
    "}",
    "",
  ].join("\n");
  return { code, memory: [...memory], invocations };
}

/** The j-th coordinate of the element whose row-major index in `shape` is `flat`. */
function coord(shape: Shape, flat: string, j: number): string {
  const inner = productDim(shape.slice(j + 1));
  const c = inner === 1 ? flat : `(${flat} / ${dim(inner)})`;
  return j === 0 ? c : `(${c} % ${dim(shape[j]!)})`;
}

/**
 * A primitive op, one invocation per output element, each gathering what it needs (adjoints
 * such as unwindow and scatter_add sum their sources instead of scattering into them: no atomics).
 */
function opKernel(n: Node, fn: Fn, at: (id: number, offset: string) => string, coordsOf: (shape: Shape, flat: string) => (strides: readonly Dim[]) => string): string[] {
  const x = n.inputs[0]!;
  const inShape = (k: number) => fn.nodes[n.inputs[k]!]!.shape;
  const out = (v: string) => `${at(n.id, "i")} = ${v};`;
  switch (n.op) {
    case "literal": return [`var data = array<f32, ${n.data.length}>(${n.data.map(lit).join(", ")});`, out("data[i]")];
    case "permute": {
      const st = rowMajor(inShape(0));
      return [out(at(x, coordsOf(n.shape, "i")(n.perm.map((p) => st[p]!))))];
    }
    case "slice": {
      const st = rowMajor(inShape(0));
      const start = n.starts.map((d, j) => `${dim(d)} * ${dim(st[j]!)}`).join(" + ") || "0u";
      return [out(at(x, `${start} + ${coordsOf(n.shape, "i")(st)}`))];
    }
    case "pad": {
      const src = inShape(0);
      const lines = n.shape.map((_, j) => `let s${j} = i32(${coord(n.shape, "i", j)}) - i32(${dim(n.before[j]!)});`);
      const inside = src.map((d, j) => `s${j} >= 0 && s${j} < i32(${dim(d)})`).join(" && ") || "true";
      const st = rowMajor(src);
      const offset = src.map((_, j) => `u32(s${j}) * ${dim(st[j]!)}`).join(" + ") || "0u";
      return [...lines, `var v = 0.0;`, `if (${inside}) { v = ${at(x, offset)}; }`, out("v")];
    }
    case "window": {
      const [, H, W, C] = inShape(0) as [Dim, Dim, Dim, Dim];
      const c = (j: number) => coord(n.shape, "i", j);
      return [
        `let h = i32(${c(1)} * ${n.stride[0]}u + ${c(3)} * ${n.dilation[0]}u) - ${n.padBefore[0]};`,
        `let w = i32(${c(2)} * ${n.stride[1]}u + ${c(4)} * ${n.dilation[1]}u) - ${n.padBefore[1]};`,
        `var v = ${lit(n.fill)};`,
        `if (h >= 0 && h < i32(${dim(H)}) && w >= 0 && w < i32(${dim(W)})) { v = ${at(x, `((${c(0)} * ${dim(H)} + u32(h)) * ${dim(W)} + u32(w)) * ${dim(C)} + ${c(5)}`)}; }`,
        out("v"),
      ];
    }
    case "unwindow": {
      // Each image element sums the window entries that read it.
      const [, OH, OW, KH, KW, C] = inShape(0) as [Dim, Dim, Dim, Dim, Dim, Dim];
      const c = (j: number) => coord(n.shape, "i", j);
      return [
        `let h = i32(${c(1)}) + ${n.padBefore[0]};`,
        `let w = i32(${c(2)}) + ${n.padBefore[1]};`,
        "var v = 0.0;",
        `for (var kh = 0; kh < ${KH}; kh++) {`,
        `  let th = h - kh * ${n.dilation[0]};`,
        `  if (th < 0 || th % ${n.stride[0]} != 0 || th / ${n.stride[0]} >= i32(${dim(OH)})) { continue; }`,
        `  for (var kw = 0; kw < ${KW}; kw++) {`,
        `    let tw = w - kw * ${n.dilation[1]};`,
        `    if (tw < 0 || tw % ${n.stride[1]} != 0 || tw / ${n.stride[1]} >= i32(${dim(OW)})) { continue; }`,
        `    v += ${at(x, `((((${c(0)} * ${dim(OH)} + u32(th / ${n.stride[0]})) * ${dim(OW)} + u32(tw / ${n.stride[1]})) * ${KH}u + u32(kh)) * ${KW}u + u32(kw)) * ${dim(C)} + ${c(3)}`)};`,
        "  }",
        "}",
        out("v"),
      ];
    }
    case "gather": {
      const table = inShape(0);
      const row = productDim(table.slice(1));
      return [
        `let r = ${at(n.inputs[1]!, `i / ${dim(row)}`)};`,
        "var v = 0.0;",
        `if (r >= 0.0 && r < f32(${dim(table[0]!)}) && r == trunc(r)) { v = ${at(x, `u32(r) * ${dim(row)} + i % ${dim(row)}`)}; }`,
        out("v"),
      ];
    }
    case "scatter_add": {
      const row = productDim(n.shape.slice(1));
      const count = productDim(inShape(1));
      return [
        `let row = f32(i / ${dim(row)});`,
        "var v = 0.0;",
        `for (var s = 0u; s < ${dim(count)}; s++) { if (${at(n.inputs[1]!, "s")} == row) { v += ${at(x, `s * ${dim(row)} + i % ${dim(row)}`)}; } }`,
        out("v"),
      ];
    }
    default: throw new Error(`no WGSL kernel yet for ${n.op}`);
  }
}
