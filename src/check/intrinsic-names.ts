// Names of the built-in operations in scope everywhere (the prelude). Their meaning is in
// intrinsics.ts; this list is separate so the binder and the environment need not import it.
export const INTRINSIC_NAMES = new Set([
  "exp", "log", "sqrt", "abs", "tanh", "sigmoid", "relu", "erf", "sin", "cos",
  "maximum", "minimum", "where", "greater", "less", "greater_equal", "less_equal", "equal", "not_equal",
  "sum", "mean", "reduce_max", "argmax", "argmin", "range", "tril", "triu",
  "one_hot", "float", "reshape", "transpose",
  "rank",
  "conv2d", "max_pool2d", "avg_pool2d", "take", "concat", "scan", "rand_like", "params", "frozen", "full",
  // true in the training step, false in forward: `if training { … } else { … }`
  "training",
  // a compile-time check of a definition's arguments (DNN0216)
  "require",
  // only inside an `init` body: the parameter being initialised
  "rand_uniform", "rand_normal", "fan_in", "fan_out",
]);
