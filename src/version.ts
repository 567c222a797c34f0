// The version of dnnc: what `dnnc --version` prints and the language server reports.
export const VERSION = "0.1.0";
