// A straight-line model of `lines` lines: one input, a chain of `let`s each reading the one
// before (a multiply and an add, so fusion, memory planning and emission all see every line),
// one output. Compile time must grow linearly with it (bench/compile-speed.ts,
// test/check/linear-time.test.ts): once it was quadratic, 8,000 lines taking 20 s.
export function straightLineModel(lines: number): string {
  const out = ["model Straight {", "  input  x: f32[B, 16]", "  output y: f32[B, 16]", "  let a0 = x"];
  for (let i = 1; i < lines - 6; i++) out.push(`  let a${i} = a${i - 1} * 0.5 + x`);
  out.push(`  y = a${Math.max(0, lines - 7)}`, "}");
  return out.join("\n") + "\n";
}
