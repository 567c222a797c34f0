// The model on WebGPU: build.ts bundles this file with the esbuild plugin compiling .dnn imports
// for the "wgsl" target (whose declarations, samples/mlp_digits.dnn.d.ts, type the import).
export { DigitsMLP } from "../mlp_digits.dnn";
