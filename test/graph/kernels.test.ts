// dnnc graph --kernels: the outlines drawn are the kernels of the schedule `dnnc compile --emit
// kernels` prints (same number, same kinds, same costs), each around the boxes whose IR nodes it
// computes (checked against what a ResNet's layers must fuse into), never around a box it does
// not compute, with the boxes still apart; a training step's backward and update kernels are
// chips beside the layers whose gradients they compute and parameters they update; an unknown
// function is DNN0790.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { graph } from "../../src/api.ts";
import { compile } from "../../src/compiler.ts";
import { main } from "../../src/cli/main.ts";
import { fuse } from "../../src/schedule/fuse.ts";
import { scheduleStats } from "../../src/schedule/stats.ts";
import type { Fn } from "../../src/ir/ir.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const sample = (name: string) => join(ROOT, "samples", `${name}.dnn`);

interface Rect { l: number; r: number; t: number; b: number }
interface Drawn {
  nodes: Map<string, { kind: string; label: string; rect: Rect }>;
  kernels: { name: string; kind: string; phase: string; apart?: string; covers: string[]; flops: number; bytes: number; rects: Rect[] }[];
}

const rectOf = (attrs: string): Rect => {
  const v = (k: string) => Number(new RegExp(`${k}="([-\\d.]+)"`).exec(attrs)![1]);
  return { l: v("x"), t: v("y"), r: v("x") + v("width"), b: v("y") + v("height") };
};

/** The boxes and kernel outlines an SVG draws, read from its markup. */
function readSvg(svg: string): Drawn {
  const nodes = new Map<string, { kind: string; label: string; rect: Rect }>();
  for (const m of svg.matchAll(/<g class="node ([^"]*)" data-id="([^"]*)"[^>]*><rect ([^>]*)\/>(?:<text[^>]*>([^<]*)<\/text>)?/g))
    if (!m[1]!.split(" ").includes("group")) nodes.set(m[2]!, { kind: m[1]!.split(" ")[0]!, label: m[4] ?? "", rect: rectOf(m[3]!) });
  const kernels = [...svg.matchAll(/<g class="kernel(?: backward| update)?" data-kernel="(k\d+)" data-kernel-kind="(\w+)" data-phase="(\w+)"(?: data-apart="(loss|step)")? data-covers="([^"]*)" data-flops="(\d+)" data-bytes="(\d+)"><title>[^<]*<\/title>((?:<rect [^>]*\/>)+)/g)].map((m) => ({
    name: m[1]!,
    kind: m[2]!,
    phase: m[3]!,
    apart: m[4],
    covers: m[5]!.split(" "),
    flops: Number(m[6]),
    bytes: Number(m[7]),
    rects: [...m[8]!.matchAll(/<rect ([^>]*)\/>/g)].map((r) => rectOf(r[1]!)),
  }));
  return { nodes, kernels: kernels.sort((a, b) => Number(a.name.slice(1)) - Number(b.name.slice(1))) };
}

/** Whether `chip` lies in the lane of box `id`: on its side (backward left, update right), level
 * with the box and its forward rings (no further above or below it than its outlines reach
 * beside it), with no other box between. */
function beside(nodes: Drawn["nodes"], kernels: Drawn["kernels"], id: string, chip: Rect, phase: string): boolean {
  const box = nodes.get(id)!.rect;
  const around = kernels.filter((k) => k.phase === "forward" && k.covers.includes(id)).flatMap((k) => k.rects.filter((r) => inside(box, r)));
  const rings = Math.max(0, ...around.map((r) => Math.min(box.l - r.l, r.r - box.r))) + 2;
  if (chip.t < box.t - rings || chip.b > box.b + rings) return false;
  const [l, r] = phase === "backward" ? [chip.r, box.l] : [box.r, chip.l];
  if (l > r) return false;
  return ![...nodes.values()].some((n) => n.rect !== box && n.rect.l < r && n.rect.r > l && n.rect.t < chip.b && n.rect.b > chip.t);
}

const inside = (a: Rect, b: Rect) => a.l >= b.l && a.r <= b.r && a.t >= b.t && a.b <= b.b;
const overlap = (a: Rect, b: Rect) => a.l < b.r && b.l < a.r && a.t < b.b && b.t < a.b;

/** The schedule as `dnnc compile --emit kernels` builds it: fuse() of the compiled (simplified) function. */
function emitted(name: string, which: "forward" | "train_step") {
  const m = compile(sample(name)).models[0]!;
  const fn: Fn = which === "forward" ? m.forward : m.train!.fn;
  const s = fuse(fn);
  return { kinds: s.kernels.map((k) => k.kind), flops: scheduleStats(s, Object.fromEntries([["B", 1]])).flops };
}

function drawn(name: string, kernels: string) {
  const r = graph({ path: sample(name), kernels });
  expect(r.diagnostics).toEqual([]);
  return readSvg(r.text!);
}

describe("dnnc graph --kernels: the schedule's kernels, over what they compute", () => {
  for (const name of ["mlp_digits", "resnet_small"])
    for (const fn of ["forward", "train_step"] as const)
      it(`${name} ${fn}: every kernel of the emitted schedule, with its kind and cost; each outline around its boxes and no other`, () => {
        const { nodes, kernels } = drawn(name, fn);
        const schedule = emitted(name, fn);
        const all = graph({ path: sample(name), kernels: fn }).text!;
        expect(all).toContain(`${schedule.kinds.length} kernels of ${fn} at B = 1:`);
        // Every kernel is drawn, a step's backward and update too: the costs add up to the schedule's.
        expect(kernels.map((k) => k.kind)).toEqual(schedule.kinds);
        expect(kernels.reduce((a, k) => a + k.flops, 0)).toBe(schedule.flops);
        if (fn === "forward") expect(kernels.every((k) => k.phase === "forward")).toBe(true);
        for (const k of kernels.filter((k) => k.phase === "forward")) {
          for (const c of k.covers) expect(k.rects.some((r) => inside(nodes.get(c)!.rect, r)), `${k.name} around ${c}`).toBe(true);
          for (const [id, n] of nodes) if (!k.covers.includes(id)) for (const r of k.rects) expect(overlap(n.rect, r), `${k.name} encloses ${id} (${n.label}), which it does not compute`).toBe(false);
        }
        for (const k of kernels.filter((k) => k.phase !== "forward")) {
          expect(k.rects.length, `${k.name}: a chip beside each of its boxes`).toBe(k.covers.length);
          for (const c of k.covers) expect(k.rects.some((r) => beside(nodes, kernels, c, r, k.phase)), `${k.name} beside ${c} (${nodes.get(c)!.label})`).toBe(true);
          for (const [id, n] of nodes) for (const r of k.rects) expect(overlap(n.rect, r), `${k.name}'s chip on ${id} (${n.label})`).toBe(false);
        }
        const boxes = [...nodes.entries()];
        for (const [i, [a, p]] of boxes.entries()) for (const [b, q] of boxes.slice(i + 1)) expect(overlap(p.rect, q.rect), `${a} and ${b} overlap`).toBe(false);
      });

  it("mlp_digits: x / 16.0 is a kernel of its own (an op box), then one matmul kernel per Dense, its bias and ReLU inside", () => {
    const { nodes, kernels } = drawn("mlp_digits", "forward");
    expect(kernels.map((k) => `${k.name} ${k.kind}: ${k.covers.map((c) => nodes.get(c)!.label).join(", ")}`)).toEqual(["k0 elementwise: divide", "k1 matmul: dense (Dense)", "k2 matmul: dense_1 (Dense)"]);
    expect(nodes.get(kernels[0]!.covers[0]!)!.kind).toBe("op");
  });

  it("resnet_small: each Conv2D a window kernel and a matmul, its bias fused with its BatchNorm; each residual add inside the kernel of a branch's last BatchNorm", () => {
    const { nodes, kernels } = drawn("resnet_small", "forward");
    const label = (id: string) => nodes.get(id)!.label.replace(/ \(.*$/, "");
    const byLayer = (prefix: string) => [...nodes.entries()].filter(([, n]) => n.label.includes(`(${prefix})`)).map(([id]) => id);
    const of = (id: string) => kernels.filter((k) => k.covers.includes(id));
    const convs = byLayer("Conv2D");
    expect(convs.length).toBe(15);
    for (const c of convs) {
      expect(of(c).filter((k) => k.kind === "op" && k.covers.length === 1).length, `${label(c)}: its window`).toBe(1);
      // Its matmul: a 1×1 projection's bias is the epilogue of the other branch's matmul, so two.
      expect(of(c).filter((k) => k.kind === "matmul").length, `${label(c)}: its matmul`).toBeGreaterThanOrEqual(1);
      // Its bias add is the matmul's epilogue, or (the last one) the pooling sum's prologue, with the BatchNorm after it.
      expect(of(c).some((k) => k.kind !== "op" && k.covers.some((x) => nodes.get(x)!.label.includes("(BatchNorm)"))), `${label(c)}'s bias and a BatchNorm in one kernel`).toBe(true);
    }
    for (const b of byLayer("BatchNorm")) expect(of(b).some((k) => k.kind === "elementwise" && k.covers.length === 1), `${label(b)}: its scale (variance + epsilon, square root)`).toBe(true);
    const merges = [...nodes.entries()].filter(([, n]) => n.kind === "merge").map(([id]) => id);
    expect(merges.length).toBe(6);
    for (const m of merges) {
      expect(of(m).length, m).toBe(1);
      expect(of(m)[0]!.covers.some((x) => nodes.get(x)!.label.includes("(BatchNorm)"))).toBe(true);
    }
    // The last block's add and ReLU are the prologue of the pooling's sum.
    expect(of(merges[merges.length - 1]!)[0]!.covers.map(label)).toContain("global_avg_pool2d");
    expect(kernels[kernels.length - 1]!.covers.map(label)).toEqual(["dense"]);
  });

  for (const name of ["mlp_digits", "resnet_small"])
    it(`${name} train_step: each Dense and Conv2D has its weight's gradient (a matmul) beside it and its update; few kernels are left to the loss, named`, () => {
      const { nodes, kernels } = drawn(name, "train_step");
      const layers = [...nodes.entries()].filter(([, n]) => /\((Dense|Conv2D)\)$/.test(n.label));
      expect(layers.length).toBe(name === "mlp_digits" ? 2 : 16);
      for (const [id, n] of layers) {
        const of = (phase: string) => kernels.filter((k) => k.phase === phase && k.covers.includes(id));
        expect(of("backward").some((k) => k.kind === "matmul"), `${n.label}: its weight's gradient`).toBe(true);
        expect(of("update").length, `${n.label}: its update`).toBeGreaterThan(0);
      }
      // Matrix products are the layers' alone (the loss has none): each backward one is beside a layer.
      for (const k of kernels.filter((k) => k.phase === "backward" && k.kind === "matmul")) expect(k.covers.some((c) => nodes.get(c)!.kind === "layer"), k.name).toBe(true);
      // The update's kernels are beside the parameters' layers, but one: the finite-step flag, fused
      // with the loss's own first gradient (its mean's), beside that operation of the loss.
      const offLayers = kernels.filter((k) => k.phase === "update" && !k.apart && !k.covers.some((c) => nodes.get(c)!.kind === "layer"));
      expect(offLayers.map((k) => k.covers.map((c) => nodes.get(c)!.label))).toEqual([["divide"]]);
      // What is left beside the loss is a few kernels, each named in the legend.
      const apart = kernels.filter((k) => k.apart);
      expect(apart.length).toBeLessThanOrEqual(3);
      const svg = graph({ path: sample(name), kernels: "train_step" }).text!;
      for (const [phase, what] of [["backward", "gradient"], ["update", "update"]]) {
        const n = apart.filter((k) => k.phase === phase).length;
        if (n > 0) expect(svg).toContain(`beside the loss, ${n} of no layer's ${what}:`);
      }
      for (const k of apart) {
        expect(k.covers).toEqual(["output:loss"]);
        expect(svg).toMatch(new RegExp(`<text [^>]*>\\s*${k.name} ${k.kind} · [^<]*: ${k.apart === "loss" ? "gradients of operations of the loss" : "made for the whole step"}`));
      }
    });

  it("mlp_digits with clip_norm: the global norm's kernels are the whole step's, beside the loss; each gradient's scaling beside its layer", () => {
    const text = readFileSync(sample("mlp_digits"), "utf8").replace("optimizer = adam(lr: 0.003)", "optimizer = adam(lr: 0.003)\n  clip_norm = 1.0");
    const r = graph({ path: sample("mlp_digits"), text, kernels: "train_step" });
    expect(r.diagnostics).toEqual([]);
    const { kernels } = readSvg(r.text!);
    const m = compile(sample("mlp_digits"), text).models[0]!;
    expect(kernels.reduce((a, k) => a + k.flops, 0)).toBe(scheduleStats(fuse(m.train!.fn), { B: 1 }).flops);
    // The norm adds every gradient's squares: somewhere a kernel made for the step alone.
    expect(kernels.some((k) => k.apart === "step")).toBe(true);
    expect(kernels.filter((k) => k.apart).length).toBeLessThanOrEqual(4);
    expect(r.text).toMatch(/made for the whole step \(global gradient norm, finite-step check\)/);
  });

  it("HTML lists the kernels after the layers", () => {
    const r = graph({ path: sample("mlp_digits"), format: "html", kernels: true });
    expect(r.text).toContain("<h2>Kernels</h2>");
    expect(r.text).toContain("<code>k1 matmul · 8.3 kFLOP, 17.4 kB moved · dense</code>");
  });

  it("a function the model lacks is DNN0790, naming its functions", () => {
    const r = graph({ path: sample("mlp_digits"), kernels: "train_stp" });
    expect(r.ok).toBe(false);
    expect(r.diagnostics.map((d) => `${d.code}: ${d.message} (${d.hint})`)).toEqual([
      "DNN0790: model `DigitsMLP` has no function `train_stp` to draw the kernels of (did you mean `train_step`? its functions: forward, train_step)",
    ]);
    const untrained = graph({ path: sample("gan"), model: "Generator", kernels: "train_step" });
    expect(untrained.diagnostics.map((d) => d.code)).toEqual(["DNN0790"]);
    expect(untrained.diagnostics[0]!.hint).toContain("(a train block adds train_step)");
    expect(() => graph({ path: sample("mlp_digits"), kernels: 3 as unknown as string })).toThrow(TypeError);
  });
});

describe("dnnc graph --kernels: the command", () => {
  const dir = mkdtempSync(join(tmpdir(), "dnnc-kernels-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const run = async (...args: string[]) => {
    let err = "";
    const status = await main(args, { out: () => {}, err: (s) => (err += s), color: false });
    return { status, err };
  };

  it("draws the forward's kernels by default, --function another's; --function alone is a usage error", async () => {
    const out = join(dir, "k.svg");
    expect(await run("graph", sample("mlp_digits"), "--kernels", "--out", out)).toEqual({ status: 0, err: `wrote ${out} (model DigitsMLP, kernels of forward, svg)\n` });
    expect(readSvg(readFileSync(out, "utf8")).kernels.length).toBe(3);
    expect((await run("graph", sample("mlp_digits"), "--kernels", "--function", "train_step", "--out", out)).status).toBe(0);
    expect(readFileSync(out, "utf8")).toContain("kernels of train_step at B = 1:");
    const unknown = await run("graph", sample("mlp_digits"), "--kernels", "--function", "backward", "--out", out);
    expect(unknown.status).toBe(1);
    expect(unknown.err).toContain("error[DNN0790]: model `DigitsMLP` has no function `backward` to draw the kernels of");
    const alone = await run("graph", sample("mlp_digits"), "--function", "train_step", "--out", out);
    expect(alone.status).toBe(2);
    expect(alone.err).toContain("give --kernels too");
  });
});

describe("dnnc graph --kernels: the docs' picture", () => {
  it("docs/images/graph-kernels-mnist_cnn.svg is what dnnc graph draws today (regenerate: dnnc graph samples/mnist_cnn.dnn --kernels --out docs/images/graph-kernels-mnist_cnn.svg)", () => {
    expect(readFileSync(join(ROOT, "docs", "images", "graph-kernels-mnist_cnn.svg"), "utf8")).toBe(graph({ path: sample("mnist_cnn"), kernels: true }).text);
  });
});
