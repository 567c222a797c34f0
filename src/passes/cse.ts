// Common-subexpression elimination: two nodes with the same op, attributes and inputs compute
// the same value (every primitive is pure; random is counter-based, so equal seeds and streams
// draw equal numbers), so the later one is replaced by the earlier.
import { Builder, carrySections, type Fn, type Node } from "../ir/ir.ts";
import { replay } from "../ir/replay.ts";

/** Op, attributes and inputs as text; a scan's body counts by identity (`bodies` numbers them). */
function key(n: Node, ins: number[], bodies: Map<Fn, number>): string {
  const { id: _id, inputs: _inputs, ...rest } = n;
  if (rest.op === "scan" && !bodies.has(rest.body)) bodies.set(rest.body, bodies.size);
  const attrs = rest.op === "scan" ? { ...rest, body: bodies.get(rest.body) } : rest;
  // Infinities, NaN and −0 must not print as null or 0 and meet a different constant. A replacer
  // slows JSON.stringify several times over, so it is used only for attributes holding one.
  const text = hasOddNumber(attrs) ? JSON.stringify(attrs, (_k, v: unknown) => (isOddNumber(v) ? `#${Object.is(v, -0) ? "-0" : v}` : v)) : JSON.stringify(attrs);
  return `${text}|${ins.join(",")}`;
}

const isOddNumber = (v: unknown): boolean => typeof v === "number" && (!Number.isFinite(v) || Object.is(v, -0));
const hasOddNumber = (v: unknown): boolean =>
  isOddNumber(v) || (typeof v === "object" && v !== null && (Array.isArray(v) ? v.some(hasOddNumber) : Object.values(v).some(hasOddNumber)));

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
