// Runs single IR functions through the TypeScript backend: emits them into one standalone
// module, typechecks it alone with `tsc --strict` (as a user's build would), imports it, and
// calls the functions with float64 data rounded to float32 — so tests can compare the
// generated code with the reference interpreter on the very same IR.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Fn } from "../../src/ir/ir.ts";
import { symbolsOf } from "../../src/ir/dim.ts";
import { emitFunctionsModule, type CpuFlavour } from "../../src/backend/ts/emit.ts";
import { importGenerated, tscCheck, type TscResult } from "./compile-sample.ts";

type Generated = (...args: (number | Float32Array)[]) => Float32Array[];

export interface TsModule {
  /** tsc's verdict on the generated module. */
  tsc: TscResult;
  /** The module's text, for failure messages. */
  text: string;
  /** Calls the function emitted as `name` with the symbols' values from `dims`. */
  run(name: string, args: readonly ArrayLike<number>[], dims?: Readonly<Record<string, number>>): Float32Array[];
  cleanup(): void;
}

/** The symbolic sizes a function's arguments mention, in order of first appearance. */
const symbolsOfFn = (fn: Fn): string[] => [...new Set(fn.args.flatMap((a) => a.shape.flatMap((d) => symbolsOf(d))))];

/** Emits every function of `fns` into one module, exported as fn_<key>; the wasm target's with its flavour. */
export async function compileFns(fns: Readonly<Record<string, Fn>>, flavour?: CpuFlavour): Promise<TsModule> {
  // Prefixed, so no name can clash with a helper of the module (gather, scan, …).
  const entries = Object.entries(fns).map(([name, fn]) => ({ fn, name: `fn_${name}`, symbols: symbolsOfFn(fn) }));
  const text = emitFunctionsModule(entries, flavour);
  const dir = mkdtempSync(join(tmpdir(), "dnnc-fns-"));
  if (process.env.DNNC_KEEP) console.log("kept", dir);
  const file = join(dir, "fns.ts");
  writeFileSync(file, text);
  const tsc = tscCheck(file);
  const mod = await importGenerated<Record<string, Generated>>(file);
  return {
    tsc,
    text,
    run(name, args, dims = {}) {
      const e = entries.find((x) => x.name === `fn_${name}`);
      const f = mod[`fn_${name}`];
      if (!e || !f) throw new Error(`no generated function ${name}`);
      const sym = e.symbols.map((s) => {
        const v = dims[s];
        if (v === undefined) throw new Error(`${name}: no value for ${s}`);
        return v;
      });
      // Seeds are plain numbers in generated code; every other argument is a Float32Array.
      const values = args.map((a, i) => (e.fn.args[i]!.role === "seed" ? a[0]! : Float32Array.from(a)));
      return f(...sym, ...values);
    },
    cleanup: () => (process.env.DNNC_KEEP ? undefined : rmSync(dir, { recursive: true, force: true })),
  };
}
