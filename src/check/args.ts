// Arguments of a prelude operation, read by the operation's own parameter names.
import type * as A from "../syntax/ast.ts";
import type { Span } from "../syntax/source.ts";
import { normAxis } from "../ir/shape.ts";
import type { CallArg, ElabContext } from "./context.ts";
import { likelyArgument } from "./suggest.ts";
import { describe, type Tensor, type Value } from "./values.ts";

export type Impl = (el: ElabContext, a: Args, span: Span) => Value;

/** Positional-or-named argument access with the intrinsic's own parameter names. */
export class Args {
  /** `variadic`: positional arguments past `names` are allowed and read with extras(). */
  constructor(private readonly el: ElabContext, private readonly fn: string, private readonly list: CallArg[], private readonly names: string[], span: Span, variadic = false) {
    for (const a of list) if (a.name && !names.includes(a.name.name)) unknownArgument(el, fn, a.name, names, list);
    const firstNamed = list.findIndex((a) => a.name);
    const late = firstNamed >= 0 ? list.slice(firstNamed).find((a) => !a.name) : undefined;
    if (late) el.error("DNN0215", late.span, `a positional argument cannot follow the named argument \`${list[firstNamed]!.name!.name}\``, { hint: "name this argument too, or move it before the named ones" });
    const positional = list.filter((a) => !a.name);
    if (!variadic && positional.length > names.length) el.error("DNN0205", span, `\`${fn}\` takes at most ${names.length} argument${names.length === 1 ? "" : "s"}`);
    for (const a of list) {
      const i = a.name ? names.indexOf(a.name.name) : -1;
      if (i >= 0 && i < positional.length) el.error("DNN0206", a.name!.span, `\`${a.name!.name}\` of \`${fn}\` is given twice: by position and by name`);
    }
  }

  /** Positional arguments past the named parameters (scan's constants). */
  extras(): CallArg[] {
    return this.list.filter((a) => !a.name).slice(this.names.length);
  }

  /** A string argument that must be one of `choices`. */
  choice<C extends string>(name: string, choices: readonly C[], fallback: C): C | undefined {
    const a = this.get(name);
    if (!a) return fallback;
    if (a.value.kind === "string" && (choices as readonly string[]).includes(a.value.value)) return a.value.value as C;
    if (a.value.kind !== "poison") this.el.error("DNN0201", a.span, `\`${name}\` of \`${this.fn}\` must be one of ${choices.map((c) => `"${c}"`).join(", ")}, found ${a.value.kind === "string" ? `"${a.value.value}"` : describe(a.value)}`);
    return undefined;
  }

  /** A positive integer or a pair of them (`kernel: 3` or `kernel: [3, 5]`), as [rows, columns]. */
  pair(name: string, fallback: readonly [number, number] | undefined, span: Span): [number, number] | undefined {
    const a = this.get(name);
    if (!a) return fallback ? [...fallback] : void this.el.error("DNN0204", span, `\`${this.fn}\` needs an argument for \`${name}\``);
    const items = a.value.kind === "array" ? a.value.items : [a.value, a.value];
    const ns = items.map((v) => (v.kind === "number" && Number.isInteger(v.value) && v.value > 0 ? v.value : undefined));
    if (ns.length !== 2 || ns.some((n) => n === undefined)) {
      if (a.value.kind !== "poison") this.el.error("DNN0207", a.span, `\`${name}\` of \`${this.fn}\` must be a positive integer or a pair of them, found ${describe(a.value)}`);
      return undefined;
    }
    return ns as [number, number];
  }

  get(name: string): CallArg | undefined {
    const i = this.names.indexOf(name);
    return this.list.find((a) => a.name?.name === name) ?? this.list.filter((a) => !a.name)[i];
  }

  tensor(name: string, span: Span): Tensor | undefined {
    const a = this.get(name);
    if (!a) return void this.el.error("DNN0204", span, `\`${this.fn}\` needs an argument for \`${name}\``);
    return this.el.asTensor(a.value, a.span, `\`${name}\` of \`${this.fn}\``);
  }

  /**
   * Tensor arguments that combine elementwise (`maximum`, `where`, comparisons): a whole number
   * among them is an i32 when a tensor argument is i32, so `maximum(labels, 0)` stays integer.
   */
  tensors(names: readonly string[], span: Span): (Tensor | undefined)[] {
    const like = names.map((n) => this.get(n)?.value).find((v) => v?.kind === "tensor");
    return names.map((n) => {
      const a = this.get(n);
      if (!a) return void this.el.error("DNN0204", span, `\`${this.fn}\` needs an argument for \`${n}\``);
      return this.el.asTensor(a.value, a.span, `\`${n}\` of \`${this.fn}\``, like?.kind === "tensor" ? like.dtype : undefined);
    });
  }

  int(name: string, fallback?: number): number | undefined {
    const a = this.get(name);
    return a ? this.el.int(a.value, a.span, `\`${name}\` of \`${this.fn}\``) : fallback;
  }

  bool(name: string, fallback: boolean): boolean {
    const a = this.get(name);
    if (!a) return fallback;
    if (a.value.kind === "bool") return a.value.value;
    this.el.error("DNN0201", a.span, `\`${name}\` of \`${this.fn}\` must be a bool, found ${describe(a.value)}`);
    return fallback;
  }

  /** `axis: 1` or `axis: [0, 1]`; absent means every axis. */
  axes(rank: number): number[] | undefined {
    const a = this.get("axis");
    if (!a) return [...Array(rank).keys()];
    const items = a.value.kind === "array" ? a.value.items : [a.value];
    const out: number[] = [];
    for (const v of items) {
      const i = this.el.int(v, a.span, "an axis");
      if (i === undefined) return undefined;
      const ax = normAxis(i, rank);
      if (ax < 0 || ax >= rank) return void this.el.error("DNN0305", a.span, `axis ${i} is out of range for a tensor of rank ${rank}`);
      if (out.includes(ax)) return void this.el.error("DNN0305", a.span, `axis ${i} is given twice (as axis ${ax} of a rank-${rank} tensor)`);
      out.push(ax);
    }
    return out;
  }
}

/** DNN0203 for an intrinsic, naming the parameter the argument most likely meant (one not given yet). */
function unknownArgument(el: ElabContext, fn: string, name: A.Ident, names: string[], list: CallArg[]): void {
  const given = new Set(list.map((a) => a.name?.name));
  const positional = list.filter((a) => !a.name).length;
  const alt = likelyArgument(name.name, names, names.filter((n, i) => i >= positional && !given.has(n)));
  el.error("DNN0203", name.span, `\`${fn}\` has no parameter \`${name.name}\`${alt ? `; did you mean \`${alt}\`?` : ""}`, {
    hint: alt ? `rename it to \`${alt}\`` : `its parameters are ${names.map((n) => `\`${n}\``).join(", ")}`,
  });
}
