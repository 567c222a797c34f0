// Matmul kernels ([..., m, k] × [..., k, n], either operand possibly stored transposed), tiled:
// a workgroup computes a TM×TN tile of one batch entry's product, staging TM×TK and TK×TN
// slices of the operands through workgroup memory, each invocation all TM rows of RN columns
// (interleaved) in registers. Every invocation walking the same rows makes reads of the A tile
// uniform: one load for all lanes on a SIMD CPU driver (lavapipe), a broadcast on a GPU; on
// lavapipe this measured faster than 4×4 blocks of a 16×16 workgroup (the CNN's big im2col
// products ~110-130 ms against ~210 ms). Every product element still sums its k terms in order
// from 0, as the untiled loop did; the epilogue (the kernel's elementwise body) runs on each
// element as it is stored. Tiles 16×64 with k steps of 32, 16 invocations of 4 columns each:
// on lavapipe the MLP step measured ~25 ms against ~40 with k steps of 16 and 2 columns (fewer
// workgroup barriers, which a CPU driver pays dearly for); untuned for real GPUs.
import { mulDim, productDim } from "../../ir/dim.ts";
import type { Dim } from "../../ir/shape.ts";
import type { KernelCode, KernelContext } from "./render.ts";
import { dim } from "./prelude.ts";

interface Tiles {
  TM: number;
  TN: number;
  TK: number;
  RN: number;
}

/** The tile for a product's static sizes: no wider than needed where a side is small. */
function tilesFor(m: Dim, n: Dim, k: Dim): Tiles {
  const fit = (d: Dim, most: number, least: number) => {
    let t = most;
    while (typeof d === "number" && t / 2 >= d && t / 2 >= least) t /= 2;
    return t;
  };
  return { TM: fit(m, 16, 4), TN: fit(n, 64, 16), TK: typeof k === "number" && k < 32 ? k : 32, RN: 4 };
}

export function matmulKernel({ s, k, node, at, elementwise, coordsOf }: KernelContext): KernelCode {
  const n = node(k.head!);
  const [a, b] = n.inputs as [number, number];
  const sh = n.shape;
  const aShape = node(a).shape;
  const [M, N, K] = [sh[sh.length - 2]!, sh[sh.length - 1]!, aShape[aShape.length - 1]!];
  const batch = productDim(sh.slice(0, -2));
  const ta = s.storage[a] === "transposed";
  const tb = s.storage[b] === "transposed";
  const { TM, TN, TK, RN } = tilesFor(M, N, K);
  const threads = TN / RN;
  const [m, nn, kk] = [dim(M), dim(N), dim(K)];

  // The epilogue reads the product (or a reshape of it) from the register it is in.
  const given = new Map<number, string>([[n.id, "x"]]);
  for (const id of k.body) for (const u of node(id).inputs) if (s.storage[u] === "view" && s.base[u] === s.base[n.id]) given.set(u, "x");
  const epilogue = k.body.length > 0 ? elementwise("i", coordsOf(node(k.body[0]!).shape, "i"), given).out : [];
  const vec = (r: number) => (r === 1 ? "f32" : `vec${r}<f32>`);
  const decls = [
    `var<workgroup> ta_: array<f32, ${TK * TM}>;`,
    `var<workgroup> tb_: array<f32, ${TK * TN}>;`,
    "fn out_(t: u32, row: u32, col: u32, x: f32) {",
    `  if (row >= ${m} || col >= ${nn}) { return; }`,
    `  let i = t * ${dim(mulDim(M, N))} + row * ${nn} + col;`,
    `  ${at(n.id, "i")} = x;`,
    ...epilogue.map((l) => `  ${l}`),
    "}",
  ];
  const rows = [...Array(TM).keys()];
  const cols = [...Array(RN).keys()];
  // Operand tiles are loaded walking memory in order (row-major or transposed alike), each
  // stored k-major so the inner loop reads a run of rows and a run of columns per step.
  const load = (tile: string, size: number, walk: string[], inside: string, address: string, index: string) => [
    `for (var j = lid; j < ${size}u; j += ${threads}u) {`,
    ...walk.map((l) => `  ${l}`),
    "  var v = 0.0;",
    `  if (${inside}) { v = ${address}; }`,
    `  ${tile}[${index}] = v;`,
    "}",
  ];
  const lines = [
    `let tilesN = (${nn} + ${TN - 1}u) / ${TN}u;`,
    `let tiles = tilesN * ((${m} + ${TM - 1}u) / ${TM}u);`,
    "let t = g / tiles;",
    `if (t >= ${dim(batch)}) { return; }`,
    `let row0 = (g % tiles) / tilesN * ${TM}u;`,
    `let col0 = g % tilesN * ${TN}u;`,
    `let ab = t * ${dim(mulDim(M, K))};`,
    `let bb = t * ${dim(mulDim(K, N))};`,
    ...rows.map((r) => `var acc${r} = ${vec(RN)}();`),
    `for (var k0 = 0u; k0 < ${kk}; k0 += ${TK}u) {`,
    ...load(
      "ta_",
      TM * TK,
      ta ? [`let p = j / ${TM}u;`, `let r = j % ${TM}u;`] : [`let r = j / ${TK}u;`, `let p = j % ${TK}u;`],
      `row0 + r < ${m} && k0 + p < ${kk}`,
      at(a, ta ? `ab + (k0 + p) * ${m} + row0 + r` : `ab + (row0 + r) * ${kk} + k0 + p`),
      `p * ${TM}u + r`,
    ).map((l) => `  ${l}`),
    ...load(
      "tb_",
      TK * TN,
      tb ? [`let c = j / ${TK}u;`, `let p = j % ${TK}u;`] : [`let p = j / ${TN}u;`, `let c = j % ${TN}u;`],
      `col0 + c < ${nn} && k0 + p < ${kk}`,
      at(b, tb ? `bb + (col0 + c) * ${kk} + k0 + p` : `bb + (k0 + p) * ${nn} + col0 + c`),
      `p * ${TN}u + c`,
    ).map((l) => `  ${l}`),
    "  workgroupBarrier();",
    // A bound known only at run time keeps LLVM from unrolling 32 steps of 16 rows (compile time).
    `  for (var p = 0u; p < min(${TK}u, ${kk} - k0); p++) {`,
    `    let b = ${RN === 1 ? `tb_[p * ${TN}u + lid]` : `${vec(RN)}(${cols.map((c) => `tb_[p * ${TN}u + lid + ${c * threads}u]`).join(", ")})`};`,
    ...rows.map((r) => `    acc${r} += ta_[p * ${TM}u + ${r}u] * b;`),
    "  }",
    "  workgroupBarrier();",
    "}",
    // The stores (and the epilogue in them) in a loop with a bound known only at run time: 16×2
    // inlined copies of a fused optimizer update took lavapipe's LLVM seconds to compile.
    `var res = array<${vec(RN)}, ${TM}>(${rows.map((r) => `acc${r}`).join(", ")});`,
    `for (var r = 0u; r < min(${TM}u, ${m} - row0); r++) {`,
    `  for (var c = 0u; c < ${RN}u; c++) { out_(t, row0 + r, col0 + lid + c * ${threads}u, res[r]${RN === 1 ? "" : "[c]"}); }`,
    "}",
  ];
  return { decls, lines, workgroups: [{ of: batch, per: 1 }, { of: M, per: TM }, { of: N, per: TN }], size: threads };
}
