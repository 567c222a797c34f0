// Pairing a dnnc model's layers with a PyTorch file's modules. An explicit map pairs first: an
// entry names a dnnc layer (`"dense": "fc"`, a module) or a parameter (`"dense.kernel":
// "head.w"`, a tensor, which then stands for the role the parameter reads). The rest pair
// automatically: the layers in model order against the modules in file order, a layer and a
// module compatible when the module has exactly the tensors the layer's kind reads, each of the
// shape the layer's parameters imply. The pairing kept is the one pairing the most layers
// (a longest common subsequence); where several do so differently, the layers concerned are
// ambiguous and left unpaired, with their candidates, for a map to settle. A file whose tensors
// are in name order (safetensors' save_file sorts them) has lost the module order: there, each
// kind of layer is paired on its own against the modules sorted by name.
import { expectedTensors, layerPlan, type DnncLayer, type ParamPlan } from "./rules.ts";
import { isFloat, moduleOf, type PtModule } from "./pytorch-modules.ts";
import { showShape } from "./layout.ts";

export interface Pair {
  layer: DnncLayer;
  plans: ParamPlan[];
  module: PtModule;
  how: "map" | "auto";
}

export interface Matching {
  pairs: Pair[];
  /** Layers left unpaired: why (no PyTorch equivalent, a mapped module that does not fit, no module left that fits), and, when ambiguous, the modules each could take. */
  layers: { layer: DnncLayer; reason: string; candidates?: string[] }[];
  /** Map entries that name nothing, or name it twice. */
  problems: string[];
  /** How the automatic pairing went, where it did something to say. */
  notes: string[];
}

/** Why `module` cannot be `layer`'s, or undefined when it can. */
export function mismatch(plans: ParamPlan[], module: PtModule): string | undefined {
  const expected = expectedTensors(plans);
  const missing = [...expected.keys()].filter((r) => !module.tensors.has(r));
  const extra = [...module.tensors.keys()].filter((r) => !expected.has(r));
  if (missing.length || extra.length)
    return [missing.length ? `it has no ${missing.join(", ")}` : "", extra.length ? `it has ${extra.join(", ")}, which the layer has no parameter for` : ""].filter(Boolean).join("; ");
  for (const [role, shape] of expected) {
    const t = module.tensors.get(role)!;
    if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) return `${t.name} is ${showShape(t.shape)}, the layer needs ${showShape(shape)}`;
    if (!isFloat(t)) return `${t.name} is ${t.dtype}, not a float type`;
  }
  return undefined;
}

export function matchLayers(layers: DnncLayer[], modules: PtModule[], map: Record<string, string> = {}): Matching {
  const out: Matching = { pairs: [], layers: [], problems: [], notes: [] };
  const plans = new Map(layers.map((l) => [l, layerPlan(l)]));
  const byPrefix = new Map(layers.map((l) => [l.prefix, l]));
  const byParam = new Map(layers.flatMap((l) => l.params.map((p) => [p.name, { layer: l, suffix: p.suffix }] as const)));
  const byKey = new Map(modules.map((m) => [m.key, m]));
  const byTensor = new Map(modules.flatMap((m) => [...m.tensors.values()].map((t) => [t.name, t] as const)));
  const taken = new Set<PtModule>();
  const mapped = new Map<DnncLayer, PtModule>();

  // The map's entries, a layer's combined into the module it reads (a copy, with the tensors named for the roles they stand for).
  for (const [dnncName, ptName] of Object.entries(map)) {
    const param = byParam.get(dnncName);
    const layer = byPrefix.get(dnncName) ?? param?.layer;
    if (!layer) {
      out.problems.push(`map: the model has no layer or parameter ${JSON.stringify(dnncName)}`);
      continue;
    }
    const plan = plans.get(layer)!;
    if (typeof plan === "string") {
      out.problems.push(`map: ${JSON.stringify(dnncName)}: ${plan}`);
      continue;
    }
    if (!param) {
      const found = moduleNamed(ptName, modules, byKey);
      if (typeof found === "string") out.problems.push(`map: ${JSON.stringify(dnncName)} → ${JSON.stringify(ptName)}: ${found}`);
      else if (mapped.has(layer)) out.problems.push(`map: the layer ${layer.prefix} is mapped twice`);
      else mapped.set(layer, { key: found.key, tensors: new Map(found.tensors), ignored: found.ignored }), taken.add(found); // a copy: a parameter's entry may change it
      continue;
    }
    const tensor = byTensor.get(ptName);
    const roles = plan.find((p) => p.param.name === dnncName)!.roles;
    if (!tensor) out.problems.push(`map: ${JSON.stringify(dnncName)} → ${JSON.stringify(ptName)}: the file has no tensor ${JSON.stringify(ptName)}`);
    else if (roles.length !== 1) out.problems.push(`map: ${dnncName} is made of ${roles.length} PyTorch tensors (${roles.join(", ")}): map its layer ${JSON.stringify(layer.prefix)} to their module instead`);
    else {
      const home = byKey.get(moduleOf(ptName).key)!;
      const module = mapped.get(layer) ?? { key: home.key, tensors: new Map(home.tensors), ignored: home.ignored };
      for (const [role, t] of module.tensors) if (t === tensor && role !== roles[0]) module.tensors.delete(role);
      module.tensors.set(roles[0]!, tensor);
      mapped.set(layer, module);
      taken.add(home);
    }
  }
  for (const [layer, module] of mapped) {
    const plan = plans.get(layer) as ParamPlan[];
    const why = mismatch(plan, module);
    if (why) out.layers.push({ layer, reason: `mapped to ${module.key}, which does not fit: ${why}` });
    else out.pairs.push({ layer, plans: plan, module, how: "map" });
  }

  // The rest, aligned in order.
  const rest = layers.filter((l) => !mapped.has(l));
  for (const l of rest) {
    const plan = plans.get(l)!;
    if (typeof plan === "string") out.layers.push({ layer: l, reason: plan });
  }
  const left = rest.filter((l) => typeof plans.get(l) !== "string");
  const free = modules.filter((m) => !taken.has(m) && m.tensors.size > 0);
  let auto = inOrder(left, free, plans);
  if (auto.unpaired.length > 0 && inNameOrder(free)) {
    // The file lost the module order (safetensors' save_file writes tensors sorted by name): pair
    // each kind of layer on its own, against the modules in natural name order (`layer2` before
    // `layer10`), and keep that only where it pairs every layer, each with a module of its own.
    const sorted = [...free].sort((a, b) => naturalCompare(a.key, b.key));
    const perKind = [...new Set(left.map((l) => l.kind))].map((kind) => inOrder(left.filter((l) => l.kind === kind), sorted, plans));
    const pairs = perKind.flatMap((r) => r.pairs);
    if (perKind.every((r) => r.unpaired.length === 0) && new Set(pairs.map((p) => p.module)).size === pairs.length) {
      auto = { pairs, unpaired: [] };
      out.notes.push("the file's tensors are in name order, not the model's (as safetensors' save_file writes them): each kind of layer was paired in order with the modules of its kind sorted by name, numbers by value");
    }
  }
  out.pairs.push(...auto.pairs);
  out.layers.push(...auto.unpaired);
  out.pairs.sort((a, b) => layers.indexOf(a.layer) - layers.indexOf(b.layer));
  return out;
}

/** `left` paired with `free` in order: the pairs every longest order-preserving pairing has; the others unpaired, with why. */
function inOrder(left: DnncLayer[], free: PtModule[], plans: Map<DnncLayer, ParamPlan[] | string>): { pairs: Pair[]; unpaired: Matching["layers"] } {
  const result: { pairs: Pair[]; unpaired: Matching["layers"] } = { pairs: [], unpaired: [] };
  const fits = left.map((l) => free.map((m) => mismatch(plans.get(l) as ParamPlan[], m) === undefined));
  const partners = align(fits);
  const best = longest(fits);
  left.forEach((l, i) => {
    const js = partners[i]!;
    // Certain when every longest pairing has it: without it, the longest is shorter.
    if (js.length === 1 && longest(fits.map((row, k) => (k === i ? row.map((f, j) => f && j !== js[0]) : row))) < best)
      result.pairs.push({ layer: l, plans: plans.get(l) as ParamPlan[], module: free[js[0]!]!, how: "auto" });
    else if (js.length > 0)
      result.unpaired.push({ layer: l, reason: js.length > 1 ? "ambiguous: more than one module fits it in order" : "ambiguous: the module that fits it, paired in order, leaves another layer unpaired", candidates: js.map((j) => free[j]!.key) });
    else result.unpaired.push({ layer: l, reason: describeNoFit(l, plans.get(l) as ParamPlan[]) });
  });
  return result;
}

/** Whether the modules' tensors, in the file's data order, are sorted by name within each dtype (as safetensors' save_file sorts them). */
function inNameOrder(modules: PtModule[]): boolean {
  const all = modules.flatMap((m) => [...m.tensors.values()]).sort((a, b) => a.bytes.byteOffset - b.bytes.byteOffset);
  const last = new Map<string, string>();
  for (const t of all) {
    const previous = last.get(t.dtype);
    if (previous !== undefined && previous > t.name) return false;
    last.set(t.dtype, t.name);
  }
  return all.length > 1;
}

/** Names compared with their runs of digits as numbers: `layer2` < `layer10`. */
function naturalCompare(a: string, b: string): number {
  const parts = (s: string) => s.match(/\d+|\D+/g) ?? [];
  const x = parts(a);
  const y = parts(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const p = x[i]!;
    const q = y[i]!;
    const diff = /^\d/.test(p) && /^\d/.test(q) ? Number(p) - Number(q) : p < q ? -1 : p > q ? 1 : 0;
    if (diff !== 0) return diff;
  }
  return x.length - y.length;
}

/** A map's module name: a module's key, or a prefix only one module has (`lstm` for `lstm[l0]`). */
function moduleNamed(name: string, modules: PtModule[], byKey: Map<string, PtModule>): PtModule | string {
  const exact = byKey.get(name);
  if (exact) return exact;
  const under = modules.filter((m) => m.key.startsWith(`${name}[`));
  if (under.length === 1) return under[0]!;
  if (under.length > 1) return `the file has several modules under it (${under.map((m) => m.key).join(", ")}): name one`;
  return `the file has no module ${JSON.stringify(name)}`;
}

function describeNoFit(layer: DnncLayer, plans: ParamPlan[]): string {
  const wanted = [...expectedTensors(plans)].map(([role, shape]) => `${role} ${showShape(shape)}`).join(", ");
  return `no module left in order has the tensors a ${layer.kind} of these shapes reads (${wanted})`;
}

/**
 * For each row i, the columns j it is paired with in some longest order-preserving pairing of
 * rows with columns where fits[i][j]: (i, j) is in one exactly when the longest pairing of what
 * comes before both, plus one, plus the longest of what comes after both, is the longest overall.
 */
function align(fits: boolean[][]): number[][] {
  const { before, after, best } = tables(fits);
  return fits.map((row, i) => row.flatMap((fit, j) => (fit && before[i]![j]! + 1 + after[i + 1]![j + 1]! === best ? [j] : [])));
}

/** The size of the longest order-preserving pairing. */
const longest = (fits: boolean[][]): number => tables(fits).best;

function tables(fits: boolean[][]): { before: number[][]; after: number[][]; best: number } {
  const n = fits.length;
  const m = n ? fits[0]!.length : 0;
  const grid = () => Array.from({ length: n + 2 }, () => new Array<number>(m + 2).fill(0));
  const before = grid(); // before[i][j]: rows < i with columns < j
  const after = grid(); // after[i][j]: rows ≥ i with columns ≥ j
  for (let i = 1; i <= n; i++)
    for (let j = 1; j <= m; j++) before[i]![j] = Math.max(before[i - 1]![j]!, before[i]![j - 1]!, before[i - 1]![j - 1]! + (fits[i - 1]![j - 1] ? 1 : 0));
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--) after[i]![j] = Math.max(after[i + 1]![j]!, after[i]![j + 1]!, after[i + 1]![j + 1]! + (fits[i]![j] ? 1 : 0));
  return { before, after, best: before[n]![m]! };
}

