// What the checker learns about the user's file as it elaborates it, kept for editors: the
// value of every expression and binding it evaluated (hover shows `f32[B, 13, 13, 32]`). The
// batch compiler records nothing; an editor turns recording on around a check. A definition
// elaborated more than once (a layer applied twice, a model checked for forward and for
// training) may give one span several values; each distinct one is kept, in order.
import type { Span } from "../syntax/source.ts";
import { showDim } from "../ir/shape.ts";
import { describe, type Value } from "./values.ts";

export interface TypeFact {
  span: Span;
  /** Distinct descriptions, first seen first: `f32[B, 10]`, `int = 64`, `layer Dense`. */
  types: string[];
}

export class FactSink {
  readonly facts = new Map<string, TypeFact>();
  constructor(readonly file: string) {}

  add(span: Span, v: Value): void {
    if (span.file !== this.file || v.kind === "poison") return;
    const key = `${span.start}:${span.end}`;
    const text = showValue(v);
    const fact = this.facts.get(key);
    if (!fact) this.facts.set(key, { span, types: [text] });
    else if (!fact.types.includes(text) && fact.types.length < 8) fact.types.push(text);
  }
}

let active: FactSink | undefined;

/** Runs `f` with every value the checker computes in `sink.file` recorded into `sink`. */
export function recordingFacts<T>(sink: FactSink, f: () => T): T {
  const outer = active;
  active = sink;
  try {
    return f();
  } finally {
    active = outer;
  }
}

export function noteValue(span: Span, v: Value): void {
  active?.add(span, v);
}

function showValue(v: Value): string {
  switch (v.kind) {
    case "number": return `${v.isInt ? "int" : "float"} = ${v.value}`;
    case "dim": return `int = ${showDim(v.dim)}`;
    case "bool": return `bool = ${v.value}`;
    case "string": return `string = ${JSON.stringify(v.value)}`;
    case "array": return `[${v.items.map(showValue).join(", ")}]`;
    default: return describe(v);
  }
}

/** Whether values are being recorded for an editor: work that skips elaboration must not skip their facts. */
export function isRecordingFacts(): boolean {
  return active !== undefined;
}
