// Writing a function's instruction list: named locals and the structured loops kernels are made
// of, so a kernel generator reads as the loop nest it emits rather than as stack code.
import type { Func, Instr, ValType } from "./encode.ts";

/** A local variable: its index, and its name for the printed text. */
export interface Local {
  index: number;
  name: string;
}

export class FuncBuilder {
  private readonly body: Instr[] = [];
  private readonly locals: ValType[] = [];
  readonly localNames: string[] = [];
  readonly params: Local[];

  constructor(
    readonly name: string,
    private readonly paramTypes: readonly (readonly [string, ValType])[],
    private readonly results: readonly ValType[] = [],
  ) {
    this.params = paramTypes.map(([n], index) => ({ index, name: n }));
    this.localNames.push(...paramTypes.map(([n]) => n));
  }

  /** A new local of type `type`. */
  local(name: string, type: ValType = "i32"): Local {
    this.locals.push(type);
    this.localNames.push(name);
    return { index: this.paramTypes.length + this.locals.length - 1, name };
  }

  emit(...instrs: Instr[]): this {
    this.body.push(...instrs);
    return this;
  }

  get = (l: Local): Instr => ["local.get", l.index];
  set = (l: Local): Instr => ["local.set", l.index];
  i32 = (v: number): Instr => ["i32.const", v];

  /** `l = <instrs>` */
  assign(l: Local, ...value: Instr[]): this {
    return this.emit(...value, this.set(l));
  }

  /** `l += <instrs>` (i32) */
  addTo(l: Local, ...value: Instr[]): this {
    return this.emit(this.get(l), ...value, ["i32.add"], this.set(l));
  }

  /**
   * `for (l = from; l < to; l += step) body()`, `to` unsigned and read before each iteration.
   * The body runs inside a block and a loop: a branch of depth 0 in it continues, not breaks.
   */
  forRange(l: Local, from: Instr[], to: Instr[], step: number, body: () => void): this {
    this.assign(l, ...from);
    this.emit(["block", ""], this.get(l), ...to, ["i32.ge_u"], ["br_if", 0], ["loop", ""]);
    body();
    this.addTo(l, this.i32(step));
    return this.emit(this.get(l), ...to, ["i32.lt_u"], ["br_if", 0], ["end"], ["end"]);
  }

  /** `if (<cond>) body()` */
  when(cond: Instr[], body: () => void): this {
    this.emit(...cond, ["if", ""]);
    body();
    return this.emit(["end"]);
  }

  /** `if (<cond>) then() else otherwise()` */
  either(cond: Instr[], then: () => void, otherwise: () => void): this {
    this.emit(...cond, ["if", ""]);
    then();
    this.emit(["else"]);
    otherwise();
    return this.emit(["end"]);
  }

  finish(exported = true): Func {
    return {
      name: this.name,
      type: { params: this.paramTypes.map(([, t]) => t), results: this.results },
      locals: this.locals,
      body: this.body,
      exported,
      localNames: this.localNames,
    };
  }
}
