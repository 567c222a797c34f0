// dnnc graph --kernels: the outlines drawn are the kernels of the schedule `dnnc compile --emit
// kernels` prints (same number, same kinds, same costs), each around the boxes whose IR nodes it
// computes (checked against what a ResNet's layers must fuse into), never around a box it does
// not compute, with the boxes still apart; an unknown function is DNN0790.
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
  kernels: { name: string; kind: string; covers: string[]; flops: number; bytes: number; rects: Rect[] }[];
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
  const kernels = [...svg.matchAll(/<g class="kernel" data-kernel="(k\d+)" data-kernel-kind="(\w+)" data-covers="([^"]*)" data-flops="(\d+)" data-bytes="(\d+)"><title>[^<]*<\/title>((?:<rect [^>]*\/>)+)/g)].map((m) => ({
    name: m[1]!,
    kind: m[2]!,
    covers: m[3]!.split(" "),
    flops: Number(m[4]),
    bytes: Number(m[5]),
    rects: [...m[6]!.matchAll(/<rect ([^>]*)\/>/g)].map((r) => rectOf(r[1]!)),
  }));
  return { nodes, kernels: kernels.sort((a, b) => Number(a.name.slice(1)) - Number(b.name.slice(1))) };
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
        // A forward's kernels all compute something drawn; a step's backward and update are counted.
        if (fn === "forward") expect(kernels.map((k) => k.kind)).toEqual(schedule.kinds);
        else for (const k of kernels) expect(k.kind).toBe(schedule.kinds[Number(k.name.slice(1))]);
        const notDrawn = [...all.matchAll(/(\d+) more kernels? computing no layer's forward/g)].reduce((a, m) => a + Number(m[1]), 0);
        expect(kernels.length + notDrawn).toBe(schedule.kinds.length);
        if (fn === "forward") expect(kernels.reduce((a, k) => a + k.flops, 0)).toBe(schedule.flops);
        for (const k of kernels) {
          for (const c of k.covers) expect(k.rects.some((r) => inside(nodes.get(c)!.rect, r)), `${k.name} around ${c}`).toBe(true);
          for (const [id, n] of nodes) if (!k.covers.includes(id)) for (const r of k.rects) expect(overlap(n.rect, r), `${k.name} encloses ${id} (${n.label}), which it does not compute`).toBe(false);
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
