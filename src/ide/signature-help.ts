// Signature help: the parameters of the definition or built-in being called, with the one the
// cursor is on.
import type { Analysis } from "./analysis.ts";
import { cursorContext } from "./call-context.ts";
import { builtinDoc } from "./builtins.ts";
import { intrinsicParams } from "../check/intrinsics.ts";
import { constructorParams, signature } from "./hover.ts";

export interface SignatureInfo {
  label: string;
  parameters: string[]; // each a substring of label
  active: number;
  documentation?: string;
}

export function signatureHelp(a: Analysis, offset: number): SignatureInfo | undefined {
  const call = cursorContext(a.text, offset).call;
  if (!call) return undefined;
  const found = a.entry.scope.get(call.callee);
  let label: string, names: string[], parameters: string[], documentation: string | undefined;
  if (found) {
    const d = found.decl;
    label = signature(d, found.module.source.text);
    parameters = constructorParams(d).map((p) => found.module.source.text.slice(p.span.start, p.span.end));
    names = constructorParams(d).map((p) => p.name.name);
    documentation = d.kind === "model" ? undefined : d.doc;
  } else {
    const params = intrinsicParams(call.callee);
    if (!params) return undefined;
    names = [...params];
    parameters = names;
    label = `${call.callee}(${names.join(", ")})`;
    documentation = builtinDoc(call.callee)?.meaning;
  }
  // A piped function gets the pipe's input as its first argument; a piped layer's arguments
  // are its constructor's, and the input goes to its forward.
  const shift = call.piped && !(found?.decl.kind === "layer" || found?.decl.kind === "model") ? 1 : 0;
  const active = call.named !== undefined ? names.indexOf(call.named) : call.before.some((b) => b.name) ? -1 : call.before.length + shift;
  return { label, parameters, active: Math.max(-1, Math.min(active, names.length - 1)), documentation };
}
