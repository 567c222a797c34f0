// The catalogue of diagnostic codes. Codes are stable: never renumber, only add.
// Ranges: 00xx syntax, 01xx names, 02xx types and arguments, 03xx shapes, 04xx program structure,
// 072x `dnnc import`, 076x export requests, 077x–078x what a target cannot express (reported by
// `dnnc compile --target`).
// docs/diagnostics.md shows each with a failing example; a test keeps the two in step.
import type { Severity } from "./diagnostic.ts";

export const CODES = {
  DNN0001: { severity: "error", title: "unexpected character" },
  DNN0002: { severity: "error", title: "syntax error" },
  DNN0003: { severity: "error", title: "invalid number literal" },
  DNN0004: { severity: "warning", title: "text direction character in a comment or string" },
  DNN0005: { severity: "error", title: "expression nested too deeply" },

  DNN0101: { severity: "error", title: "unknown name" },
  DNN0102: { severity: "error", title: "unknown module" },
  DNN0103: { severity: "error", title: "name not exported by module" },
  DNN0104: { severity: "error", title: "duplicate definition" },
  DNN0105: { severity: "error", title: "unknown model" },
  DNN0106: { severity: "error", title: "no parameter matches" },
  DNN0107: { severity: "error", title: "imported file cannot be read" },
  DNN0108: { severity: "error", title: "imported file is not a regular file or too large" },
  DNN0109: { severity: "error", title: "wildcard import" },

  DNN0201: { severity: "error", title: "type mismatch" },
  DNN0202: { severity: "error", title: "not callable" },
  DNN0203: { severity: "error", title: "unknown named argument" },
  DNN0204: { severity: "error", title: "missing argument" },
  DNN0205: { severity: "error", title: "too many arguments" },
  DNN0206: { severity: "error", title: "argument given twice" },
  DNN0207: { severity: "error", title: "compile-time value expected" },
  DNN0208: { severity: "error", title: "unknown type" },
  DNN0209: { severity: "error", title: "unsupported operation" },
  DNN0210: { severity: "error", title: "condition not known at compile time" },
  DNN0211: { severity: "error", title: "recursion" },
  DNN0212: { severity: "error", title: "only available in an initializer" },
  DNN0213: { severity: "error", title: "only available while training" },
  DNN0214: { severity: "error", title: "layer definition used as a layer" },
  DNN0215: { severity: "error", title: "positional argument after a named one" },
  DNN0216: { severity: "error", title: "requirement not met" },
  DNN0217: { severity: "error", title: "parameter declared twice" },

  DNN0301: { severity: "error", title: "dimension mismatch" },
  DNN0302: { severity: "error", title: "rank mismatch" },
  DNN0303: { severity: "error", title: "shapes do not broadcast" },
  DNN0304: { severity: "error", title: "matmul inner dimensions differ" },
  DNN0305: { severity: "error", title: "index out of range" },
  DNN0306: { severity: "error", title: "array literal is not rectangular" },
  DNN0307: { severity: "error", title: "window larger than input" },
  DNN0308: { severity: "error", title: "unknown dimension" },
  DNN0309: { severity: "error", title: "size does not divide evenly" },
  DNN0310: { severity: "error", title: "parameter with a symbolic size" },
  DNN0311: { severity: "error", title: "library layer needs a dimension of known size" },

  DNN0401: { severity: "error", title: "output never assigned" },
  DNN0402: { severity: "error", title: "loss is not a scalar" },
  DNN0403: { severity: "error", title: "train block incomplete" },
  DNN0404: { severity: "error", title: "assignment to a non-output" },
  DNN0405: { severity: "error", title: "layer has no forward" },
  DNN0406: { severity: "warning", title: "unused binding" },
  DNN0407: { severity: "error", title: "defined twice in a model" },
  DNN0408: { severity: "error", title: "parameters created inside a scan cell" },
  DNN0409: { severity: "error", title: "layer applied outside its model" },
  DNN0410: { severity: "error", title: "clip_norm is not a positive number" },
  DNN0411: { severity: "error", title: "name the generated module cannot export" },
  DNN0412: { severity: "error", title: "defined twice in a train block" },
  DNN0413: { severity: "error", title: "defined twice in a definition" },
  DNN0414: { severity: "error", title: "loss computed from argmax" },
  DNN0415: { severity: "error", title: "a training program trains nothing" },
  DNN0416: { severity: "error", title: "program name the generated API cannot carry" },
  DNN0417: { severity: "error", title: "model applied as a layer without one input and one output" },
  DNN0418: { severity: "error", title: "shared layer used inconsistently" },
  DNN0419: { severity: "error", title: "repeated block changes its input's type" },
  DNN0420: { severity: "error", title: "output declared with a value" },

  // 07xx: `dnnc import` (an ONNX file, not a .dnn file, is what is wrong).
  DNN0720: { severity: "error", title: "not an ONNX model" },
  DNN0721: { severity: "error", title: "unsupported ONNX operator" },
  DNN0722: { severity: "error", title: "ONNX operator in a form the import does not support" },
  DNN0723: { severity: "error", title: "unsupported ONNX input or output" },

  // 076x: what `dnnc export` (exportModel) is asked for, beyond the file itself.
  DNN0760: { severity: "error", title: "model not named" },
  DNN0761: { severity: "error", title: "no model" },
  DNN0762: { severity: "error", title: "weights do not fit the model" },

  // 077x–078x: what a target cannot express (`dnnc compile --target`).
  DNN0770: { severity: "error", title: "not expressible by the PyTorch target" },

  // 079x: what `dnnc graph` is asked for, beyond the model.
  DNN0790: { severity: "error", title: "no such function to draw" },
} as const satisfies Record<string, { severity: Severity; title: string }>;

export type Code = keyof typeof CODES;
