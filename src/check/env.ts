// Lexical environments: local bindings, then the module's top-level definitions, then intrinsics.
import type { Module } from "./modules.ts";
import { POISON, type Value } from "./values.ts";
import { INTRINSIC_NAMES } from "./intrinsic-names.ts";

export class Env {
  private readonly vars = new Map<string, Value>();
  constructor(readonly module: Module, private readonly parent?: Env) {}

  child(): Env {
    return new Env(this.module, this);
  }

  set(name: string, v: Value): void {
    this.vars.set(name, v);
  }

  /** Bound in this scope or an enclosing local one (not module scope). */
  getLocal(name: string): Value | undefined {
    return this.vars.get(name) ?? this.parent?.getLocal(name);
  }

  lookup(name: string): Value | undefined {
    const local = this.getLocal(name);
    if (local) return local;
    const top = this.module.scope.get(name);
    if (top) return { kind: "decl", decl: top.decl, module: top.module };
    if (this.module.poisoned.has(name)) return POISON;
    if (INTRINSIC_NAMES.has(name)) return { kind: "intrinsic", name };
    return undefined;
  }

  names(): string[] {
    const own = [...this.vars.keys()];
    return [...own, ...(this.parent ? this.parent.names() : [...this.module.scope.keys(), ...INTRINSIC_NAMES])];
  }
}
