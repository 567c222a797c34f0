// dnnc graph: the diagram's nodes and edges are the model's (one box per summary layer row, the
// summary's types on the edges, residual adds as merges of two branches), the SVG is well-formed
// XML, boxes do not overlap, and the command writes the file.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { runFrontEnd } from "../../src/api/compile.ts";
import type { CompiledModel } from "../../src/compiler.ts";
import { showShape } from "../../src/ir/shape.ts";
import { diagramOf, drawModel, layoutDiagram } from "../../src/graph/index.ts";
import { main } from "../../src/cli/main.ts";
import { graph } from "../../src/api.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const sample = (name: string) => join(ROOT, "samples", `${name}.dnn`);

function compiled(name: string, model?: string) {
  const { compilation, diagnostics } = runFrontEnd({ path: sample(name) }, "none");
  expect(diagnostics.filter((d) => d.severity === "error")).toEqual([]);
  const m = model ? compilation.models.find((x) => x.name === model)! : compilation.models.find((x) => x.train) ?? compilation.models[0]!;
  return { compilation, model: m };
}

const unescape = (s: string) => s.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&amp;/g, "&");
const summaryTypes = (m: CompiledModel) => new Set(m.summary.map((r) => `${r.dtype}${showShape(r.shape)}`));
const layerRows = (m: CompiledModel) => m.summary.filter((r) => r.kind === "layer");

interface SvgFacts {
  nodes: { id: string; classes: string[] }[];
  edges: { from: string; to: string; label: string }[];
}

/** The boxes and edges an SVG draws, read from its markup (what a reader of the file sees). */
function readSvg(svg: string): SvgFacts {
  const nodes = [...svg.matchAll(/<g class="node ([^"]*)" data-id="([^"]*)"/g)].map((m) => ({ id: unescape(m[2]!), classes: m[1]!.split(" ") }));
  const edges = [...svg.matchAll(/<g class="edge" data-from="([^"]*)" data-to="([^"]*)">.*?<text class="edge-label"[^>]*>([^<]*)<\/text><\/g>/g)].map((m) => ({
    from: unescape(m[1]!),
    to: unescape(m[2]!),
    label: unescape(m[3]!),
  }));
  return { nodes, edges };
}

/** XML well-formedness, enough for what we write: balanced tags, quoted attributes, known entities. */
function wellFormedXml(xml: string): string | undefined {
  const stack: string[] = [];
  const token = /<!--[\s\S]*?-->|<\/?([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>|<|&(?!(?:amp|lt|gt|quot|apos|#\d+);)/g;
  let roots = 0;
  for (const m of xml.matchAll(token)) {
    const t = m[0];
    if (t.startsWith("<!--")) continue;
    if (t === "<") return `stray < at ${m.index}`;
    if (t.startsWith("&")) return `bad entity at ${m.index}`;
    const name = m[1]!;
    if (t.startsWith("</")) {
      if (stack.pop() !== name) return `</${name}> closes the wrong element at ${m.index}`;
    } else if (m[3] !== "/") {
      if (stack.length === 0) roots++;
      stack.push(name);
    } else if (stack.length === 0) roots++;
  }
  if (stack.length) return `unclosed <${stack.join("> <")}>`;
  if (roots !== 1) return `${roots} root elements`;
  return undefined;
}

describe("dnnc graph: the diagram matches the model", () => {
  for (const name of ["mlp_digits", "mnist_cnn", "resnet_small", "transfer", "sort_transformer", "vit_fashion", "lstm_fashion", "autoencoder_fashion", "regularized_mlp"]) {
    it(`${name}: one box per layer row, summary types on every edge, every layer fed`, () => {
      const { compilation, model } = compiled(name);
      const svg = drawModel(compilation, model, "svg");
      expect(wellFormedXml(svg)).toBeUndefined();
      expect(svg).not.toMatch(/<script|@import|url\(http|href="http/);
      const { nodes, edges } = readSvg(svg);
      const layers = nodes.filter((n) => n.classes.includes("layer"));
      expect(layers.length).toBe(layerRows(model).length);
      expect(nodes.filter((n) => n.classes.includes("input")).length).toBe(model.inputs.length);
      expect(nodes.filter((n) => n.classes.includes("output")).length).toBe(model.outputs.length);
      expect(edges.length).toBe(svg.match(/<g class="edge"/g)!.length);
      const types = summaryTypes(model);
      for (const e of edges) expect(types, `edge ${e.from} → ${e.to}`).toContain(e.label);
      const ids = new Set(nodes.map((n) => n.id));
      for (const e of edges) expect(ids.has(e.from) && ids.has(e.to)).toBe(true);
      // Every layer that is not a group around inner layers, and every output, has an incoming edge.
      for (const n of nodes) if (!n.classes.includes("group") && !n.classes.includes("input")) expect(edges.some((e) => e.to === n.id), n.id).toBe(true);
      // The parameter counts drawn add up to the model's.
      const total = model.params.reduce((a, p) => a + p.shape.reduce<number>((x, d) => x * (d as number), 1), 0);
      expect(svg).toContain(`${total.toLocaleString("en-US")} params`);
    });
  }

  it("mlp_digits is a chain: x → dense → dense_1 → logits, with the types between", () => {
    const { compilation, model } = compiled("mlp_digits");
    const d = diagramOf(compilation, model);
    const label = (id: string) => d.nodes.find((n) => n.id === id)!.label;
    expect(d.edges.map((e) => `${label(e.from)} -${e.label}-> ${label(e.to)}`)).toEqual(["x -f32[B, 64]-> dense", "dense -f32[B, 64]-> dense_1", "dense_1 -f32[B, 10]-> logits"]);
    expect(d.caption).toEqual(["loss = sparse_cross_entropy(logits, y)", "optimizer = adam(lr: 0.003)"]);
  });

  it("resnet_small: each residual block adds two branches in a merge node inside the block", () => {
    const { compilation, model } = compiled("resnet_small");
    const svg = drawModel(compilation, model, "svg");
    const { nodes, edges } = readSvg(svg);
    const merges = nodes.filter((n) => n.classes.includes("merge"));
    expect(merges.length).toBe(layerRows(model).filter((r) => r.kind === "layer" && r.layer === "ResidualBlock").length);
    for (const m of merges) {
      const into = edges.filter((e) => e.to === m.id);
      expect(into.length, m.id).toBe(2);
      expect(into[0]!.label).toBe(into[1]!.label); // a residual add's operands have one type
    }
    const d = diagramOf(compilation, model);
    for (const m of d.nodes.filter((n) => n.kind === "merge")) expect(d.nodes.find((n) => n.id === m.parent)?.layer).toBe("ResidualBlock");
    expect(svg).toContain("optimizer = sgd(lr: 0.1, momentum: 0.9)");
  });

  it("transfer: the frozen base and its layers are marked frozen, the head is not", () => {
    const { compilation, model } = compiled("transfer");
    const d = diagramOf(compilation, model);
    const frozen = d.nodes.filter((n) => n.frozen).map((n) => n.label);
    const rows = layerRows(model).filter((r) => r.kind === "layer" && r.params > 0 && r.trainable === 0).map((r) => (r.kind === "layer" ? r.instance : ""));
    expect(frozen.length).toBeGreaterThan(0);
    expect(frozen).toEqual(rows);
    expect(d.nodes.some((n) => n.kind === "layer" && !n.frozen && (n.params ?? 0) > 0)).toBe(true);
    expect(drawModel(compilation, model, "svg")).toMatch(/class="node layer (group )?frozen"/);
  });
});

describe("dnnc graph: layout", () => {
  for (const name of ["mlp_digits", "mnist_cnn", "resnet_small", "transfer"]) {
    it(`${name}: no two boxes overlap, inner layers lie inside their group`, () => {
      const { compilation, model } = compiled(name);
      const d = diagramOf(compilation, model);
      const laid = layoutDiagram(d);
      const box = (id: string) => laid.boxes.get(id)!;
      const rect = (id: string) => ({ l: box(id).x - box(id).width / 2, r: box(id).x + box(id).width / 2, t: box(id).y - box(id).height / 2, b: box(id).y + box(id).height / 2 });
      const ancestors = (id: string): string[] => {
        const p = d.nodes.find((n) => n.id === id)!.parent;
        return p ? [p, ...ancestors(p)] : [];
      };
      for (const a of d.nodes)
        for (const b of d.nodes) {
          if (a.id >= b.id || ancestors(a.id).includes(b.id) || ancestors(b.id).includes(a.id)) continue;
          const [p, q] = [rect(a.id), rect(b.id)];
          const overlap = p.l < q.r && q.l < p.r && p.t < q.b && q.t < p.b;
          expect(overlap, `${a.label} and ${b.label} overlap`).toBe(false);
        }
      for (const n of d.nodes) {
        if (!n.parent) continue;
        const [c, g] = [rect(n.id), rect(n.parent)];
        expect(c.l >= g.l && c.r <= g.r && c.t >= g.t && c.b <= g.b, `${n.label} inside its group`).toBe(true);
      }
      for (const n of d.nodes) expect(Number.isFinite(box(n.id).x) && box(n.id).width > 0).toBe(true);
    });
  }
});

describe("dnnc graph: the command", () => {
  const dir = mkdtempSync(join(tmpdir(), "dnnc-graph-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const run = async (...args: string[]) => {
    let out = "";
    let err = "";
    const status = await main(args, { out: (s) => (out += s), err: (s) => (err += s), color: false });
    return { status, out, err };
  };

  it("writes an SVG, or HTML for an .html file", async () => {
    const svgPath = join(dir, "resnet.svg");
    const r = await run("graph", sample("resnet_small"), "--out", svgPath);
    expect(r).toMatchObject({ status: 0, err: `wrote ${svgPath} (model ResNetSmall, svg)\n` });
    const svg = readFileSync(svgPath, "utf8");
    expect(svg.startsWith("<svg xmlns=")).toBe(true);
    expect(wellFormedXml(svg)).toBeUndefined();
    const htmlPath = join(dir, "mlp.html");
    expect((await run("graph", sample("mlp_digits"), "--out", htmlPath)).status).toBe(0);
    const html = readFileSync(htmlPath, "utf8");
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain("<svg xmlns=");
    expect(html).toContain("<code>dense_1</code>");
    expect((await run("graph", sample("mlp_digits"), "--format", "svg", "--out", join(dir, "x.html"))).status).toBe(0);
    expect(readFileSync(join(dir, "x.html"), "utf8").startsWith("<svg")).toBe(true);
  });

  it("an unknown or unnamed --model is a diagnostic (exit 1), a missing --out a usage error (exit 2)", async () => {
    const r = await run("graph", sample("mlp_digits"), "--model", "Nope", "--out", join(dir, "n.svg"));
    expect(r.status).toBe(1);
    expect(r.err).toContain("error[DNN0105]: no model `Nope` in this file");
    expect(r.err).not.toMatch(/\n\s+at /);
    const several = await run("graph", sample("gan"), "--out", join(dir, "g.svg"));
    expect(several.status).toBe(1);
    expect(several.err).toContain("DNN0760");
    expect((await run("graph", sample("gan"), "--model", "Gan", "--out", join(dir, "g.svg"))).status).toBe(0);
    expect((await run("graph", sample("mlp_digits"))).status).toBe(2);
  });

  it("the API's graph() draws the same SVG, and refuses an unknown format with a TypeError", () => {
    const { compilation, model } = compiled("mnist_cnn");
    const r = graph({ path: sample("mnist_cnn") });
    expect(r).toMatchObject({ ok: true, model: "MnistCNN", diagnostics: [] });
    expect(r.text).toBe(drawModel(compilation, model, "svg"));
    expect(graph({ path: sample("mnist_cnn"), format: "html" }).text).toMatch(/^<!doctype html>/);
    expect(() => graph({ path: sample("mnist_cnn"), format: "png" as "svg" })).toThrow(TypeError);
  });
});

describe("dnnc graph: the docs' pictures", () => {
  for (const name of ["mnist_cnn", "resnet_small", "transfer"]) {
    it(`docs/images/graph-${name}.svg is what dnnc graph draws today (regenerate: dnnc graph samples/${name}.dnn --out docs/images/graph-${name}.svg)`, () => {
      const { compilation, model } = compiled(name);
      expect(readFileSync(join(ROOT, "docs", "images", `graph-${name}.svg`), "utf8")).toBe(drawModel(compilation, model, "svg"));
    });
  }
});
