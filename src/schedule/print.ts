// Text form of a schedule, stable enough for golden tests: each kernel with the IR nodes it
// computes, where each value lives, then the buffers with their lifetimes.
import { printNode } from "../ir/print.ts";
import type { Schedule } from "./kernel.ts";
import { planBuffers } from "./memory.ts";

export function printSchedule(s: Schedule): string {
  const fn = s.fn;
  const lines = [`schedule ${fn.name}: ${fn.nodes.filter((n) => n.op !== "arg").length} primitives in ${s.kernels.length} kernels`];
  s.kernels.forEach((k, i) => {
    lines.push(`  k${i} ${k.kind}`);
    for (const id of [...(k.head !== undefined ? [k.head] : []), ...k.body]) {
      const where = s.storage[id] === "buffer" ? "stored" : s.storage[id] === "local" ? "in registers" : s.storage[id]!;
      lines.push(`    ${printNode(fn.nodes[id]!, fn)}  ; ${where}`);
    }
  });
  const buffers = planBuffers(s);
  lines.push(`  buffers (${buffers.length}), live from the kernel writing them to the last reading them:`);
  for (const b of buffers) lines.push(`    %${b.node}: ${b.size} floats, k${b.first}..${b.last === s.kernels.length ? "end (an output)" : `k${b.last}`}`);
  return lines.join("\n") + "\n";
}
