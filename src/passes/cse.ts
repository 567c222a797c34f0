// Common-subexpression elimination: two nodes with the same op, attributes and inputs compute
// the same value (every primitive is pure; random is counter-based, so equal seeds and streams
// draw equal numbers), so the later one is replaced by the earlier.
import { Builder, carrySections, isBinary, isUnary, type Fn, type Node } from "../ir/ir.ts";
import { replay } from "../ir/replay.ts";

/** Op, attributes, shape, dtype and inputs as text; a scan's body counts by identity (`bodies`
 * numbers them). Written out by hand rather than with JSON.stringify, which was most of the pass. */
function key(n: Node, ins: number[], bodies: Map<Fn, number>): string {
  // These ops' shape and dtype follow from their inputs (replay passes nothing else), so the op
  // and the inputs are the whole key: most nodes.
  if (isUnary(n.op) || isBinary(n.op) || n.op === "select" || n.op === "matmul" || n.op === "gather") return `${n.op}|${ins.join(",")}`;
  let text = `${n.op}|${n.dtype}|${listKey(n.shape)}|${ins.join(",")}`;
  if (n.op === "reshape" || n.op === "broadcast") return text; // no attributes: the next most common
  if (n.op === "const") return `${text}|${valueKey(n.value)}`;
  for (const [k, v] of Object.entries(n)) {
    if (k === "op" || k === "id" || k === "inputs" || k === "shape" || k === "dtype") continue;
    if (k === "body") {
      const body = v as Fn;
      if (!bodies.has(body)) bodies.set(body, bodies.size);
      text += `|body=${bodies.get(body)}`;
    } else text += `|${k}=${Array.isArray(v) ? listKey(v) : valueKey(v)}`;
  }
  return text;
}

// Infinities, NaN and −0 must not meet a different constant: String() keeps the first two apart
// but prints −0 as 0. Strings are quoted so that no symbolic size reads as a number.
const valueKey = (v: unknown): string => (typeof v === "number" ? (Object.is(v, -0) ? "-0" : String(v)) : typeof v === "string" ? JSON.stringify(v) : String(v));
const listKey = (vs: readonly unknown[]): string => {
  let text = "[";
  for (const v of vs) text += (Array.isArray(v) ? listKey(v) : valueKey(v)) + ",";
  return text + "]";
};

export function eliminateCommonSubexpressions(fn: Fn): Fn {
  const b = new Builder(fn.name);
  const seen = new Map<string, number>();
  const bodies = new Map<Fn, number>();
  const remap: number[] = [];
  const firstNew: number[] = [];
  for (const n of fn.nodes) {
    firstNew.push(b.fn.nodes.length);
    const ins = n.inputs.map((x) => remap[x]!);
    if (n.op === "arg") {
      remap.push(replay(b, n, ins, fn));
      continue;
    }
    const k = key(n, ins, bodies);
    const hit = seen.get(k);
    if (hit !== undefined) {
      remap.push(hit);
      continue;
    }
    const id = replay(b, n, ins, fn);
    seen.set(k, id);
    remap.push(id);
  }
  for (const o of fn.outputs) b.output(o.name, remap[o.id]!);
  return carrySections(fn, b.fn, firstNew);
}
