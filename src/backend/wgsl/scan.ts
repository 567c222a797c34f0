// The three copies a scan needs around its body on the GPU, as shaders of their own: the carry
// set from the initial value, the step's slice of the sequence gathered into the body's
// argument, and the body's result stored as the new carry and into the stacked output. The step
// index comes from a uniform with a dynamic offset, so one pipeline serves every step.
const HEAD = `@group(0) @binding(0) var<storage, read_write> mem: array<f32>;
@group(0) @binding(1) var<uniform> step: vec4u;`;
const MAIN = `@compute @workgroup_size(64) fn main(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) groups: vec3u) {
  let i = gid.x + gid.y * groups.x * 64u;`;

/** mem[dst + i] = mem[src + i] for i < n. */
export const COPY_SHADER = `// scan: the carry's initial value
${HEAD}
override oSrc: u32;
override oDst: u32;
override n: u32;
${MAIN}
  if (i >= n) { return; }
  mem[oDst + i] = mem[oSrc + i];
}
`;

/** The body's step argument: xs[o, t, j] for every outer index o and inner index j. */
export const LOAD_SHADER = `// scan: the sequence's slice at step t
${HEAD}
override oXs: u32;
override oX: u32;
override count: u32;
override inner: u32;
override outer: u32;
${MAIN}
  if (i >= outer * inner) { return; }
  let o = i / inner;
  mem[oX + i] = mem[oXs + (o * count + step.x) * inner + i % inner];
}
`;

/** The body's result becomes the carry and the output's slice at step t. */
export const STORE_SHADER = `// scan: the new carry, stacked into the output at step t
${HEAD}
override oR: u32;
override oCarry: u32;
override oOut: u32;
override count: u32;
override inner: u32;
override outer: u32;
${MAIN}
  if (i >= outer * inner) { return; }
  let v = mem[oR + i];
  mem[oCarry + i] = v;
  mem[oOut + ((i / inner) * count + step.x) * inner + i % inner] = v;
}
`;
