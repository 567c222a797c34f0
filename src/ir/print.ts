// Text form of the IR, stable enough for golden tests: one node a line, in order.
//   %4: f32[B, 32] = matmul %0, %2
import type { Fn, Node, PlainOpName } from "./ir.ts";
import { showShape } from "./shape.ts";

export function printFn(fn: Fn): string {
  const lines = [`fn ${fn.name}(`];
  fn.args.forEach((a, i) => lines.push(`  ${a.name}: ${a.dtype}${showShape(a.shape)} ${a.role}${i < fn.args.length - 1 ? "," : ""}`));
  lines.push(") {");
  const sections = [...(fn.sections ?? [])];
  const heading = (upTo: number) => {
    while (sections.length > 0 && sections[0]!.start <= upTo) lines.push(`  // ${sections.shift()!.name}`);
  };
  for (const n of fn.nodes) {
    if (n.op === "arg") continue;
    heading(n.id);
    lines.push(`  ${printNode(n, fn)}`);
    // A scan's body is a function of its own, printed beneath it.
    if (n.op === "scan") lines.push(...printFn(n.body).trimEnd().split("\n").map((l) => `    ${l}`));
  }
  heading(Infinity);
  lines.push(`  return ${fn.outputs.map((o) => `${o.name}=${ref(fn, o.id)}`).join(", ")}`);
  lines.push("}");
  return lines.join("\n") + "\n";
}

// Arguments print by name so a reader never has to look up what %3 was.
function ref(fn: Fn, id: number): string {
  const n = fn.nodes[id];
  return n?.op === "arg" ? fn.args[n.index]!.name : `%${id}`;
}

export function printNode(n: Node, fn: Fn): string {
  const ins = n.inputs.map((i) => ref(fn, i)).join(", ");
  return `%${n.id}: ${n.dtype}${showShape(n.shape)} = ${n.op}${attrs(n)}${ins ? " " + ins : ""}`;
}

function attrs(n: Node): string {
  switch (n.op) {
    case "arg": return ""; // printed by name where used (ref), never as a line of its own
    case "const": return ` ${fmtNum(n.value)}`;
    case "literal": return ` [${n.data.map(fmtNum).join(", ")}]`;
    case "sum":
    case "reduce_max": return ` axes=[${n.axes.join(", ")}]`;
    case "permute": return ` perm=[${n.perm.join(", ")}]`;
    case "slice": return ` starts=[${n.starts.join(", ")}]`;
    case "pad": return ` before=[${n.before.join(", ")}]`;
    case "iota": return ` axis=${n.axis}`;
    case "random": return ` ${n.dist} stream=${n.stream}`;
    case "window":
    case "unwindow": return ` kernel=${n.kernel.join("x")} stride=${n.stride.join("x")} dilation=${n.dilation.join("x")} pad=[${n.padBefore.join(", ")}]${n.fill !== 0 ? ` fill=${fmtNum(n.fill)}` : ""}`;
    case "scan": return ` axis=${n.axis}${n.reverse ? " reverse" : ""} body=${n.body.name}`;
    default:
      // Every primitive with attributes has its case above: tsc rejects this line while one lacks it.
      n.op satisfies PlainOpName;
      return "";
  }
}

// Shortest text that reads back as the same float32, so goldens don't churn on noise digits.
function fmtNum(v: number): string {
  if (!Number.isFinite(v)) return v > 0 ? "inf" : v < 0 ? "-inf" : "nan";
  if (Number.isInteger(v)) return v.toFixed(1);
  const f = Math.fround(v);
  for (let p = 1; p <= 9; p++) {
    const s = Number(f.toPrecision(p));
    if (Math.fround(s) === f) return String(s);
  }
  return String(f);
}
