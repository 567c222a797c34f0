// The IR's primitives, named once, by group. Every per-primitive table of the compiler (the
// interpreter's arithmetic, VJP rules, fusion classes, FLOP counts, each backend's kernels) is
// keyed by these unions — a `Record<UnaryOp, …>`, a `Record<OpName, …>`, or a switch whose
// default states which primitives may reach it (`n.op satisfies UnaryOp | BinaryOp`) — so a
// primitive added here and missing from any of them is a tsc error there (docs/recipes.md,
// "How to add a primitive"). A table where every member of a group behaves alike (one FLOP per
// element for any unary op) takes the group's entry instead of listing its members; a new
// member then needs no edit there at all.
// The attributes each primitive carries (axes, perm, window geometry…) are in ir.ts's Op union.
//
// Why per-phase tables rather than one entry per primitive holding its shape rule, arithmetic,
// derivative and lowerings (as JAX registers them side by side): such an entry would make the
// IR import both backends' code generation, and a backend would no longer be one folder; the
// phases would also lose their one-file-per-concern shape. The keyed tables give the same
// guarantee (nothing is forgotten) with every layer importing only the layers below it.

export const OP_GROUPS = {
  /** Values from nothing but attributes (random reads only a scalar seed). */
  source: ["arg", "const", "literal", "iota", "random"],
  /** Elementwise, one operand: f32 → f32 of the same shape. */
  unary: ["neg", "exp", "log", "sqrt", "recip", "tanh", "sigmoid", "relu", "abs", "sign", "erf", "sin", "cos", "nonfinite"],
  /** Elementwise, two operands of one shape (comparisons give 1 or 0). */
  binary: ["add", "sub", "mul", "div", "max", "min", "pow", "cmplt", "cmpeq"],
  /** Elementwise, but not arithmetic: select(cond, then, else) and the f32/i32 conversion. */
  elementwiseOther: ["select", "cast"],
  /** Fold the listed axes away. */
  reduction: ["sum", "reduce_max"],
  /** Move or copy elements without arithmetic. */
  structural: ["reshape", "permute", "broadcast", "slice", "pad"],
  /** Contraction: batched matrix product. */
  contraction: ["matmul"],
  /** The neural-network primitives (docs/decisions/0003): sliding windows and row lookups, each with its adjoint. */
  nn: ["window", "unwindow", "gather", "scatter_add"],
  /** Control flow: a recurrence over a sequence axis, its body a function. */
  control: ["scan"],
} as const;

export type OpGroup = keyof typeof OP_GROUPS;
export type OpName = (typeof OP_GROUPS)[OpGroup][number];
export type UnaryOp = (typeof OP_GROUPS.unary)[number];
export type BinaryOp = (typeof OP_GROUPS.binary)[number];
export type ReductionOp = (typeof OP_GROUPS.reduction)[number];
/** The ops whose output element is an expression of the same element of each input. */
export type ElementwiseOp = UnaryOp | BinaryOp | (typeof OP_GROUPS.elementwiseOther)[number];

export const UNARY: readonly UnaryOp[] = OP_GROUPS.unary;
export const BINARY: readonly BinaryOp[] = OP_GROUPS.binary;
/** Every primitive, group by group. */
export const OP_NAMES: readonly OpName[] = Object.values(OP_GROUPS).flat();

const unarySet: ReadonlySet<string> = new Set(UNARY);
const binarySet: ReadonlySet<string> = new Set(BINARY);
const reductionSet: ReadonlySet<string> = new Set(OP_GROUPS.reduction);
const elementwiseSet: ReadonlySet<string> = new Set([...UNARY, ...BINARY, ...OP_GROUPS.elementwiseOther]);

export const isUnary = (op: string): op is UnaryOp => unarySet.has(op);
export const isBinary = (op: string): op is BinaryOp => binarySet.has(op);
export const isReduction = (op: string): op is ReductionOp => reductionSet.has(op);
export const isElementwise = (op: string): op is ElementwiseOp => elementwiseSet.has(op);
