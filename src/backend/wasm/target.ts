// The WebAssembly target (target.ts's contract): the TypeScript target's module, synchronous and
// standalone, with its kernels run by WebAssembly SIMD128 functions that the compiler generates
// (gemm.ts, epilogue.ts, window.ts, windowed.ts, gather.ts, elementwise.ts, transcendental.ts;
// encoded by encode.ts) and embeds as base64, wherever a kernel has a WebAssembly form.
// Decision 0011 says why the binary is written by a small encoder of our own and what moves to
// WebAssembly next.
import { runtimePart } from "../runtime-parts.ts";
import { base64 } from "../../runtime/wasm/binary.ts";
import { dimExpr, fmtLiteral, shapeExpr, sizeExpr } from "../exprs.ts";
import { jsString } from "../names.ts";
import { modelApi, type Target, type TargetInput } from "../target.ts";
import { CPU_RUNTIME, emitTypeScript, type CpuFlavour } from "../ts/emit.ts";
import type { Node } from "../../ir/ir.ts";
import type { Kernel, Schedule } from "../../schedule/kernel.ts";
import { encodeModule, type Func } from "./encode.ts";
import { gemmFuncs, MR, NR } from "./gemm.ts";
import { planEpilogue } from "./epilogue.ts";
import { planElementwise } from "./elementwise.ts";
import { windowFuncs } from "./window.ts";
import { productsIntoUnwindow, windowsReadInPlace, type WindowShape } from "./windowed.ts";
import { gatherFuncs } from "./gather.ts";
import { withHelpers } from "./transcendental.ts";
import { printFunc, printModule } from "./print.ts";

/**
 * The kernels' binary: the packers, the product, the windows and their adjoint, gather and scatter, the epilogues and
 * the elementwise and reduction kernels, over an imported memory.
 */
export const wasmKernelsBinary = (epilogues: readonly Func[] = [], elementwise: readonly Func[] = []): Uint8Array => encodeModule({ funcs: kernelFuncs(epilogues, elementwise), memoryPages: 1 });

/** Every function of the kernels' binary, in order: the fixed ones, the module's own, the helpers they call (transcendental.ts). */
const kernelFuncs = (epilogues: readonly Func[], elementwise: readonly Func[]): Func[] => withHelpers([...gemmFuncs(), ...windowFuncs(), ...gatherFuncs(), ...epilogues, ...elementwise]);

/** The product alone with relaxed SIMD's fused multiply-add, over the same memory: the runtime uses it where the engine validates it. */
export const wasmFmaProductBinary = (): Uint8Array => encodeModule({ funcs: gemmFuncs(true), memoryPages: 1 });

/**
 * What makes the TypeScript target's module this target's: the kernels' runtime, and every kernel
 * that has a WebAssembly form calling it — matmul kernels (with the epilogue in WebAssembly where
 * epilogue.ts can express it), windows, gather and scatter_add, elementwise and reduction kernels — and the binary, built
 * once every kernel is rendered. Equal generated functions are kept once.
 */
export function wasmFlavour(): CpuFlavour & { epilogues: readonly Func[]; elementwise: readonly Func[] } {
  /** Epilogues (e0, e1, …) and elementwise kernels' functions (k0, k1, …), equal ones once. */
  const epilogues: Func[] = [];
  const elementwise: Func[] = [];
  const byText = new Map<string, number>();
  /** `func`'s index in `list`, added unless an equal one is there; whether it was added. */
  const once = (list: Func[], func: Func): { index: number; added: boolean } => {
    // Its text without the header (the name differs) but with its type: two kernels whose bodies
    // read alike may take different parameters (a symbolic size one of them never reads), and a
    // call passes the arguments its own function takes.
    const text = `${list === epilogues ? "e" : "k"}:${JSON.stringify(func.type)}:${printFunc(func).slice(1).join("\n")}`;
    const seen = byText.get(text);
    if (seen !== undefined) return { index: seen, added: false };
    byText.set(text, list.length);
    return { index: list.push(func) - 1, added: true };
  };
  const elementwiseKernel = (s: Schedule, k: Kernel, mem: (id: number) => string): string[] | undefined => {
    const plan = planElementwise(s, k, `k${elementwise.length}`);
    if (!plan) return undefined;
    const call = `wasmKernels.elementwise(${once(elementwise, plan.func).index}, [${plan.arrays.map(mem).join(", ")}], ${plan.inputs}, [${plan.dims.map(dimExpr).join(", ")}], ${dimExpr(plan.outer)}, ${plan.splits}${plan.partials !== undefined ? `, ${plan.partials}` : ""});`;
    return plan.fill ? [`${mem(plan.fill.node)}.fill(${fmtLiteral(plan.fill.value)});`, call] : [call];
  };
  /** Per epilogue, each input's row stride for the runtime's threads: 0 (none), 1 (per row), 2 (a whole row). */
  const rowStrides: number[][] = [];
  /** Per schedule, the window ops whose products read them from the image (windowed.ts): products this target renders, alone or with an epilogue in WebAssembly. */
  const readInPlace = new WeakMap<Schedule, Map<number, WindowShape>>();
  const windowsOf = (s: Schedule): Map<number, WindowShape> => {
    if (!readInPlace.has(s)) {
      const kernelOf = new Map(s.kernels.map((k) => [k.head, k]));
      readInPlace.set(s, windowsReadInPlace(s, (n) => { const k = kernelOf.get(n.id)!; return k.body.length === 0 || planEpilogue(s, k, "e") !== undefined; }));
    }
    return readInPlace.get(s)!;
  };
  /** Per schedule, the products a window op's adjoint takes block by block (windowed.ts). */
  const intoUnwindow = new WeakMap<Schedule, Map<number, Node>>();
  const unwindowsOf = (s: Schedule): Map<number, Node> => {
    if (!intoUnwindow.has(s)) intoUnwindow.set(s, productsIntoUnwindow(s));
    return intoUnwindow.get(s)!;
  };
  const productKernel = (s: Schedule, k: Kernel, mem: (id: number) => string): string[] | undefined => {
    const head = s.fn.nodes[k.head!]!;
    const [a, b] = head.inputs as [number, number];
    const u = unwindowsOf(s).get(head.id);
    if (u && u.op === "unwindow") {
      const windows = s.fn.nodes[u.inputs[0]!]!.shape;
      const args = [mem(a), mem(b), s.storage[b] === "transposed", dimExpr(head.shape[1]!), dimExpr(s.fn.nodes[a]!.shape.at(-1)!), mem(u.id), shapeExpr(u.shape), shapeExpr(windows), `[${u.stride.join(", ")}]`, `[${u.dilation.join(", ")}]`, `[${u.padBefore.join(", ")}]`];
      return [`wasmKernels.productUnwindow(${args.join(", ")});`];
    }
    const window = windowsOf(s).get(s.base[a]!);
    const plan = k.body.length > 0 || !window ? planEpilogue(s, k, `e${epilogues.length}`) : undefined;
    if (!plan && !window) return undefined;
    const [m, n] = head.shape as [string | number, string | number];
    // A read from the image of its windows: the image, and the windows' shape.
    const A = window ? mem(s.fn.nodes[s.base[a]!]!.inputs[0]!) : mem(a);
    const geometry = window ? [`[${[window.H, window.W, window.C, window.OH, window.OW, window.KH, window.KW, window.sh, window.sw].join(", ")}]`] : [];
    const operands = [A, 0, s.storage[a] === "transposed", mem(b), 0, s.storage[b] === "transposed"];
    const sizes = [dimExpr(m), dimExpr(n), dimExpr(s.fn.nodes[a]!.shape.at(-1)!)];
    if (!plan) return [`wasmKernels.product(${[...operands, mem(head.id), 0, ...sizes, ...geometry].join(", ")});`];
    const { index, added } = once(epilogues, plan.func);
    if (added) rowStrides.push(plan.inputs.map((x) => ({ "0": 0, "1": 1, row: 2 })[x.rowStride]));
    const args = [index, ...operands, ...sizes, `[${plan.inputs.map((x) => mem(x.node)).join(", ")}]`, `[${plan.outputs.map(mem).join(", ")}]`, plan.storesProduct ? mem(head.id) : "undefined", ...geometry];
    return [`wasmKernels.productWith(${args.join(", ")});`];
  };
  /** Gather and scatter_add: rows by index (gather.ts), as render.ts's gatherRows and scatterRows calls. */
  const rowsKernel = (s: Schedule, k: Kernel, mem: (id: number) => string): string[] | undefined => {
    const n = s.fn.nodes[k.head!]!;
    if (n.op !== "gather" && n.op !== "scatter_add") return undefined;
    const [from, indices] = n.inputs as [number, number];
    const table = n.op === "gather" ? s.fn.nodes[from]!.shape : n.shape;
    return [`wasmKernels.rows(${n.op === "scatter_add"}, ${mem(n.id)}, ${mem(from)}, ${dimExpr(table[0]!)}, ${sizeExpr(table.slice(1))}, ${mem(indices)});`];
  };
  const targetKernel = (s: Schedule, k: Kernel, mem: (id: number) => string): string[] | undefined => {
    if (k.kind === "reduce" || k.kind === "elementwise") return elementwiseKernel(s, k, mem);
    // A window op whose products read the windows from the image stores nothing; an adjoint its product adds block by block, nothing more.
    if (k.kind === "op" && windowsOf(s).has(k.head!)) return [];
    if (k.kind === "op" && [...unwindowsOf(s).values()].some((u) => u.id === k.head)) return [];
    if (k.kind === "op") return rowsKernel(s, k, mem);
    return k.kind === "matmul" ? productKernel(s, k, mem) : undefined;
  };
  return {
    epilogues,
    elementwise,
    runtime: [...CPU_RUNTIME, runtimePart("runtime/wasm/binary.ts"), runtimePart("runtime/wasm/heap.ts"), runtimePart("runtime/wasm/operands.ts"), runtimePart("runtime/wasm/worker.ts"), runtimePart("runtime/wasm/kernels.ts")],
    gemm: "wasmKernels.product",
    windows: "wasmKernels.windows",
    createSeed: "wasmKernels.createSeed",
    targetKernel,
    prelude: () => [
      "/** The WebAssembly kernels dnnc generated for this module (SIMD128), compiled on first use. */",
      `const wasmKernels = new WasmKernels(${jsString(base64(wasmKernelsBinary(epilogues, elementwise)))}, ${jsString(base64(wasmFmaProductBinary()))}, ${MR}, ${NR}, ${JSON.stringify(rowStrides)});`,
      "memoryHome.current = wasmKernels;",
      "",
    ],
  };
}

/** The WebAssembly kernels of a module as text (`dnnc compile --target wasm --emit wat`): the product, then the module's epilogues. */
export function wasmKernelsText(input: TargetInput): string {
  const flavour = wasmFlavour();
  emitTypeScript(input, flavour);
  return printModule({ funcs: kernelFuncs(flavour.epilogues, flavour.elementwise), memoryPages: 1 });
}

export const wasmTarget: Target = {
  name: "wasm",
  emit: (input) => ({ module: emitTypeScript(input, wasmFlavour()), api: { models: input.models.map((m) => modelApi(m.model)), async: false } }),
};
