// Which implementations a bench/train-speed.ts run measures, from --impl and --dnnc-targets.
//
//   --dnnc-targets ts,wasm   dnnc's targets (default: every target of the registry whose module
//                            runs synchronously on the CPU, bench/lib/dnnc-runner.ts)
//   --impl LIST              any of: dnnc (each of those targets), dnnc-<target> (one), tfjs-cpu,
//                            tfjs-wasm, tfjs (both), pytorch-1t, pytorch-2t, pytorch (both);
//                            default: all of them
//
// dnnc's targets come first, in the order given, then the anchors in ANCHORS's order.
import { ANCHORS, dnncImpl, dnncTarget, isDnnc, type Anchor, type DnncImpl, type ImplName } from "./train-results.ts";

const GROUPS: Record<string, readonly Anchor[]> = { tfjs: ["tfjs-cpu", "tfjs-wasm"], pytorch: ["pytorch-1t", "pytorch-2t"] };

export interface Selection {
  impls: ImplName[];
  dnncImpls: DnncImpl[];
  /** The dnnc target whose weights, logits and first loss every implementation is checked against (compiled even when not timed). */
  reference: string;
}

/**
 * `impl` and `targets`: the options' values (undefined: not given); `usable`: the synchronous CPU
 * targets; `unusable`: the registry's other targets, with why. Throws an Error with the message
 * for the user on a name that is not one of these.
 */
export function selectImpls(impl: string | undefined, targets: string | undefined, usable: readonly string[], unusable: ReadonlyMap<string, string>): Selection {
  const list = (v: string) => v.split(",").map((s) => s.trim()).filter(Boolean);
  const target = (t: string) => {
    if (usable.includes(t)) return t;
    const why = unusable.get(t);
    throw new Error(why ? `dnnc target "${t}" cannot be timed here: ${why}` : `unknown dnnc target "${t}" (the CPU targets: ${usable.join(", ")})`);
  };
  const dnncTargets = targets === undefined ? [...usable] : list(targets).map(target);
  if (dnncTargets.length === 0) throw new Error("--dnnc-targets: no target");
  const picked = new Set<ImplName>();
  for (const name of impl === undefined ? ["dnnc", ...ANCHORS] : list(impl)) {
    if (name === "dnnc") dnncTargets.forEach((t) => picked.add(dnncImpl(t)));
    else if (isDnnc(name)) picked.add(dnncImpl(target(dnncTarget(name))));
    else if ((ANCHORS as readonly string[]).includes(name)) picked.add(name as Anchor);
    else if (GROUPS[name]) GROUPS[name].forEach((a) => picked.add(a));
    else throw new Error(`--impl: unknown "${name}" (one of dnnc, ${usable.map((t) => `dnnc-${t}`).join(", ")}, ${Object.keys(GROUPS).join(", ")}, ${ANCHORS.join(", ")})`);
  }
  const dnncImpls = [...picked].filter(isDnnc);
  const impls: ImplName[] = [...dnncImpls, ...ANCHORS.filter((a) => picked.has(a))];
  return { impls, dnncImpls, reference: dnncImpls[0] ? dnncTarget(dnncImpls[0]) : dnncTargets[0]! };
}
