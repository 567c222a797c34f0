// The dataset layer of `dnnc train`, in one import.
export * from "./dataset.ts";
export * from "./idx.ts";
export * from "./csv.ts";
export * from "./builtin.ts";
export * from "./augment.ts";
export * from "./batches.ts";
