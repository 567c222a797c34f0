// The model on the CPU: build.ts bundles this same import with the plugin compiling for the
// "wasm" target, so here it is the WebAssembly module, whatever the declarations (the wgsl
// module's) say; the page uses it only through model.ts's DigitsModel, which both satisfy.
export { DigitsMLP } from "../mlp_digits.dnn";
