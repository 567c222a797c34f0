// One IR node → TypeScript statements. Elementwise nodes become one inline loop; data
// movement, reductions and matmul call the helpers in helpers.ts. Scalars broadcast from a
// constant are never materialised: their consumers read the number directly.
import type { Fn, Node } from "../../ir/ir.ts";
import type { Dim, Shape } from "../../ir/shape.ts";
import { fmtNum } from "../../ir/print.ts";

// Compound sizes ("T - 1", "169*B") are bracketed so they stay whole inside larger expressions.
export const dimExpr = (d: Dim): string => (typeof d === "number" ? String(d) : /^\w+$/.test(d) ? d : `(${d})`);
export const shapeExpr = (s: Shape): string => `[${s.map(dimExpr).join(", ")}]`;
export function sizeExpr(s: Shape): string {
  const k = s.filter((d): d is number => typeof d === "number").reduce((a, b) => a * b, 1);
  const syms = s.filter((d): d is string => typeof d === "string").map(dimExpr);
  return [...syms, ...(k !== 1 || syms.length === 0 ? [String(k)] : [])].join(" * ");
}

const ELEMENTWISE = new Set(["neg", "exp", "log", "sqrt", "recip", "tanh", "sigmoid", "relu", "abs", "sign", "erf", "add", "sub", "mul", "div", "max", "min", "pow", "cmplt", "cmpeq", "select", "cast"]);

export class KernelEmitter {
  private readonly consumers: Node[][];
  /** `nested(body, id)` emits a scan body as a function and returns the start of a call to it. */
  constructor(private readonly fn: Fn, private readonly names: Map<number, string>, private readonly nested: (body: Fn, id: number) => string = () => {
    throw new Error("scan needs a nested-function emitter");
  }) {
    this.consumers = fn.nodes.map(() => []);
    for (const n of fn.nodes) for (const x of n.inputs) this.consumers[x]!.push(n);
  }

  name(id: number): string {
    return this.names.get(id) ?? `t${id}`;
  }

  /** The single number a node holds everywhere, if it is a constant broadcast to some shape. */
  scalar(id: number): string | undefined {
    const n = this.fn.nodes[id]!;
    if (n.op === "const") return fmtLiteral(n.value);
    if (n.op === "reshape" || n.op === "broadcast") return this.scalar(n.inputs[0]!);
    return undefined;
  }

  /** Constants and their broadcasts exist only as numbers when every consumer is elementwise. */
  skip(n: Node): boolean {
    if (this.scalar(n.id) === undefined || this.fn.outputs.some((o) => o.id === n.id)) return false;
    return this.consumers[n.id]!.every((c) => ELEMENTWISE.has(c.op) || this.skip(c));
  }

  private at(id: number): string {
    const s = this.scalar(id);
    if (s !== undefined) return s;
    const n = this.fn.nodes[id]!;
    return n.shape.every((d) => d === 1) ? `${this.name(id)}[0]!` : `${this.name(id)}[i]!`;
  }

  emit(n: Node): string[] {
    if (n.op === "arg" || this.skip(n)) return [];
    const t = this.name(n.id);
    const inShape = (k: number) => shapeExpr(this.fn.nodes[n.inputs[k]!]!.shape);
    const x = this.name(n.inputs[0] ?? -1);
    switch (n.op) {
      case "const": return [`const ${t} = Float32Array.of(${fmtLiteral(n.value)});`];
      case "literal": return [`const ${t} = Float32Array.of(${n.data.map(fmtLiteral).join(", ")});`];
      case "reshape": return [`const ${t} = ${x};`];
      case "broadcast": return [`const ${t} = broadcastTo(${x}, ${inShape(0)}, ${shapeExpr(n.shape)});`];
      case "permute": return [`const ${t} = permute(${x}, ${inShape(0)}, [${n.perm.join(", ")}]);`];
      case "slice": return [`const ${t} = slice(${x}, ${inShape(0)}, [${n.starts.map(dimExpr).join(", ")}], ${shapeExpr(n.shape)});`];
      case "pad": return [`const ${t} = pad(${x}, ${inShape(0)}, [${n.before.map(dimExpr).join(", ")}], ${shapeExpr(n.shape)});`];
      case "sum":
      case "reduce_max": return [`const ${t} = reduce(${x}, ${inShape(0)}, [${n.axes.join(", ")}], ${n.op === "reduce_max"});`];
      case "iota": return [`const ${t} = iota(${shapeExpr(n.shape)}, ${n.axis});`];
      case "random": {
        // The init function's seed is a number; the training step's (dropout) is a tensor.
        const seed = this.fn.nodes[n.inputs[0]!]!.op === "arg" && this.fn.args[(this.fn.nodes[n.inputs[0]!] as { index: number }).index]!.role === "seed" ? x : `${x}[0]!`;
        return [`const ${t} = random(${seed}, ${n.stream}, ${sizeExpr(n.shape)}, ${n.dist === "normal"});`];
      }
      case "matmul": {
        const s = n.shape;
        const a = this.fn.nodes[n.inputs[0]!]!.shape;
        const batch = sizeExpr(s.slice(0, -2));
        return [`const ${t} = matmul(${x}, ${this.name(n.inputs[1]!)}, ${batch}, ${dimExpr(s[s.length - 2]!)}, ${dimExpr(a[a.length - 1]!)}, ${dimExpr(s[s.length - 1]!)});`];
      }
      case "window": return [`const ${t} = windows(${x}, ${inShape(0)}, ${shapeExpr(n.shape)}, [${n.stride.join(", ")}], [${n.dilation.join(", ")}], [${n.padBefore.join(", ")}], ${fmtLiteral(n.fill)});`];
      case "unwindow": return [`const ${t} = unwindows(${x}, ${inShape(0)}, ${shapeExpr(n.shape)}, [${n.stride.join(", ")}], [${n.dilation.join(", ")}], [${n.padBefore.join(", ")}]);`];
      case "gather": {
        const table = this.fn.nodes[n.inputs[0]!]!.shape;
        return [`const ${t} = gatherRows(${x}, ${dimExpr(table[0]!)}, ${sizeExpr(table.slice(1))}, ${this.name(n.inputs[1]!)});`];
      }
      case "scatter_add": return [`const ${t} = scatterRows(${x}, ${dimExpr(n.shape[0]!)}, ${sizeExpr(n.shape.slice(1))}, ${this.name(n.inputs[1]!)});`];
      case "scan": {
        const call = this.nested(n.body, n.id);
        const consts = n.inputs.slice(2).map((i) => `, ${this.name(i)}`).join("");
        return [`const ${t} = scan(${x}, ${this.name(n.inputs[1]!)}, ${inShape(1)}, ${shapeExpr(n.shape)}, ${n.axis}, ${n.reverse}, (c, xt) => ${call}c, xt${consts})[0]!);`];
      }
      default:
        return [`const ${t} = new Float32Array(${sizeExpr(n.shape)});`, `for (let i = 0; i < ${t}.length; i++) ${t}[i] = ${this.elementwise(n)};`];
    }
  }

  private elementwise(n: Node): string {
    const [a, b, c] = n.inputs.map((id) => this.at(id));
    switch (n.op) {
      case "neg": return `-${a}`;
      case "exp": return `Math.exp(${a})`;
      case "log": return `Math.log(${a})`;
      case "sqrt": return `Math.sqrt(${a})`;
      case "recip": return `1 / ${a}`;
      case "tanh": return `Math.tanh(${a})`;
      case "sigmoid": return `sigmoid(${a})`;
      case "relu": return `Math.max(${a}, 0)`;
      case "abs": return `Math.abs(${a})`;
      case "sign": return `Math.sign(${a})`;
      case "erf": return `erf(${a})`;
      case "add": return `${a} + ${b}`;
      case "sub": return `${a} - ${b}`;
      case "mul": return `${a} * ${b}`;
      case "div": return `${a} / ${b}`;
      case "max": return `Math.max(${a}, ${b})`;
      case "min": return `Math.min(${a}, ${b})`;
      case "pow": return b === "2" ? `${a} * ${a}` : `Math.pow(${a}, ${b})`;
      // Two constants compare at compile time (tsc rejects comparing distinct literals).
      case "cmplt": return isNumber(a) && isNumber(b) ? String(num(a!) < num(b!) ? 1 : 0) : `${a} < ${b} ? 1 : 0`;
      case "cmpeq": return isNumber(a) && isNumber(b) ? String(num(a!) === num(b!) ? 1 : 0) : `${a} === ${b} ? 1 : 0`;
      case "select": return `${a} !== 0 ? ${b} : ${c}`;
      case "cast": return n.dtype === "i32" ? `Math.trunc(${a})` : `${a}`;
      default: throw new Error(`not elementwise: ${n.op}`);
    }
  }
}

const isNumber = (s: string | undefined): boolean => s !== undefined && /^\(?-?[\d.e+-]+\)?$|^-?Infinity$/.test(s);
const num = (s: string): number => Number(s.replace(/[()]/g, ""));

function fmtLiteral(v: number): string {
  const s = fmtNum(v);
  return s === "inf" ? "Infinity" : s === "-inf" ? "-Infinity" : s === "nan" ? "NaN" : s.endsWith(".0") ? s.slice(0, -2) : s.startsWith("-") ? `(${s})` : s;
}
