// Matmul kernels ([..., m, k] × [..., k, n], either operand possibly stored transposed), in
// register blocks read straight from memory: a workgroup of W invocations computes a TM×TN block
// of one batch entry's product, each invocation all TM rows of RN columns (interleaved, stride W)
// in registers, reading for every k its TM values of A and RN values of B. No workgroup memory,
// no barriers. Every product element sums its k terms in order from 0, as the untiled loop did;
// the epilogue (the kernel's elementwise body) runs on each element as it is stored.
//
// Why this shape: a CPU driver (lavapipe) runs a workgroup's invocations as SIMD lanes on one
// thread, and inside a loop it turns every load — uniform or not, from storage or workgroup
// memory — into a scalar load per lane, each behind a branch. Loads, not arithmetic, are the cost,
// so an invocation should do as many multiply-adds per load as it can: TM + RN loads for TM·RN of
// them. 16 rows of 8 columns on 8 lanes (one 256-bit vector) measured fastest on lavapipe, alone:
// the MLP's x·W₁ (64×784 by 784×256) 1.9 ms against 8 ms for 16×64 tiles staged through
// workgroup memory, the CNN's im2col products 3–4× faster; larger blocks spill, vec4 loads are
// slower still. On a discrete GPU 8-invocation workgroups leave most of a warp idle; untuned there.
import { mulDim, productDim } from "../../ir/dim.ts";
import type { Dim } from "../../ir/shape.ts";
import type { KernelCode, KernelContext } from "./render.ts";
import { dim } from "./prelude.ts";

/** Invocations per workgroup: one SIMD vector of a 256-bit CPU driver. */
const W = 8;

/** The block for a product's static sizes: fewer rows or columns where a side is small. */
function blockFor(m: Dim, n: Dim): { TM: number; RN: number } {
  const fit = (d: Dim, most: number) => {
    let t = most;
    while (typeof d === "number" && t > 1 && t / 2 >= d) t /= 2;
    return t;
  };
  return { TM: fit(m, 16), RN: Math.ceil(fit(n, 8 * W) / W) };
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
  const { TM, RN } = blockFor(M, N);
  const TN = W * RN;
  const [m, nn, kk] = [dim(M), dim(N), dim(K)];
  // Columns in groups of up to 4, each group one vector accumulator per row.
  const V = Math.min(4, RN);
  const vec = V === 1 ? "f32" : `vec${V}<f32>`;
  const rows = [...Array(TM).keys()];
  const cols = [...Array(RN).keys()];
  const groups = [...Array(RN / V).keys()];
  const acc = (r: number, q: number) => `acc${r}_${q}`;

  // The epilogue reads the product (or a reshape of it) from the register it is in.
  const given = new Map<number, string>([[n.id, "x"]]);
  for (const id of k.body) for (const u of node(id).inputs) if (s.storage[u] === "view" && s.base[u] === s.base[n.id]) given.set(u, "x");
  const epilogue = k.body.length > 0 ? elementwise("i", coordsOf(node(k.body[0]!).shape, "i"), given).out : [];
  // The product itself is stored only where something outside the kernel reads it (a weight
  // gradient consumed by its optimizer update in the epilogue is not).
  const mine = new Set([n.id, ...k.body]);
  const aliases = (x: number) => s.base[x] === n.id;
  const readOutside =
    s.fn.outputs.some((o) => aliases(o.id)) ||
    s.fn.nodes.some((u) => !mine.has(u.id) && s.storage[u.id] !== "view" && s.storage[u.id] !== "transposed" && u.inputs.some(aliases));
  const decls = [
    "fn out_(t: u32, row: u32, col: u32, x: f32) {",
    `  if (col >= ${nn}) { return; }`,
    `  let i = t * ${dim(mulDim(M, N))} + row * ${nn} + col;`,
    ...(readOutside || k.body.length === 0 ? [`  ${at(n.id, "i")} = x;`] : []),
    ...epilogue.map((l) => `  ${l}`),
    "}",
  ];
  // Rows and columns past the product's edge read its last row or column (clamped) and are not stored.
  const lines = [
    `let tilesN = (${nn} + ${TN - 1}u) / ${TN}u;`,
    `let tiles = tilesN * ((${m} + ${TM - 1}u) / ${TM}u);`,
    "let t = g / tiles;",
    `if (t >= ${dim(batch)}) { return; }`,
    `let row0 = (g % tiles) / tilesN * ${TM}u;`,
    `let col0 = g % tilesN * ${TN}u + lid;`,
    `let ab = t * ${dim(mulDim(M, K))};`,
    `let bb = t * ${dim(mulDim(K, N))};`,
    ...rows.map((r) => `let a${r} = ab + min(row0 + ${r}u, ${m} - 1u)${ta ? "" : ` * ${kk}`};`),
    ...cols.map((c) => `let b${c} = bb + min(col0 + ${c * W}u, ${nn} - 1u)${tb ? ` * ${kk}` : ""};`),
    ...rows.flatMap((r) => groups.map((q) => `var ${acc(r, q)} = ${vec}();`)),
    `for (var p = 0u; p < ${kk}; p++) {`,
    ...groups.map((q) => {
      const loads = [...Array(V).keys()].map((c) => at(b, `b${q * V + c} + p${tb ? "" : ` * ${nn}`}`));
      return `  let b_${q} = ${V === 1 ? loads[0] : `${vec}(${loads.join(", ")})`};`;
    }),
    ...rows.map((r) => `  { let x = ${at(a, `a${r} + p${ta ? ` * ${m}` : ""}`)}; ${groups.map((q) => `${acc(r, q)} += x * b_${q};`).join(" ")} }`),
    "}",
    // The stores (and the epilogue in them) in one loop with a bound known only at run time: the
    // epilogue (a fused optimizer update, say) inlined once per element took LLVM seconds to compile.
    `var res = array<f32, ${TM * RN}>(${rows.flatMap((r) => cols.map((c) => (V === 1 ? acc(r, c) : `${acc(r, Math.floor(c / V))}[${c % V}]`))).join(", ")});`,
    `for (var e = 0u; e < min(${TM}u, ${m} - row0) * ${RN}u; e++) {`,
    `  out_(t, row0 + e / ${RN}u, col0 + e % ${RN}u * ${W}u, res[e]);`,
    "}",
  ];
  return { decls, lines, workgroups: [{ of: batch, per: 1 }, { of: M, per: TM }, { of: N, per: TN }], size: W };
}
