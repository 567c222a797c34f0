// A small deterministic random number generator for benchmark inputs: the same seed always gives
// the same workload, so runs (and machines) can be compared.
export { mulberry32 } from "../../src/runtime/random-order.ts";
