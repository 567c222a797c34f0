// The Vite plugin with the real Vite: `vite build` of a project importing a model from its .dnn
// file, whose output runs; an error in the .dnn file fails the build with its file, line and
// column; the dev server runs the module, and editing the .dnn file or a module it imports
// sends a hot update for it and serves the new module.
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { build, createServer, type Plugin, type ViteDevServer } from "vite";
import { afterAll, describe, expect, it } from "vitest";
import { dnnc } from "../../src/plugins/vite.ts";
import { NET, project, SCALE, until } from "./project.ts";

const p = project("dnnc-vite-");
afterAll(() => p.remove());

const libraryBuild = (outDir: string) =>
  build({
    root: p.dir,
    configFile: false,
    logLevel: "silent",
    plugins: [dnnc()],
    build: { outDir: p.path(outDir), lib: { entry: p.path("main.ts"), formats: ["es"], fileName: "main" }, minify: false, emptyOutDir: true },
  });

type Seen = { seen: { logits: number; loss: number } };
type PluginError = { message: string; plugin?: string; id?: string; loc?: { file?: string; line: number; column: number }; frame?: string };

describe("Vite plugin", () => {
  it("vite build bundles a project that imports a model from its .dnn file, and the output runs", async () => {
    await libraryBuild("dist");
    const { seen } = (await import(pathToFileURL(p.path("dist/main.mjs")).href)) as Seen;
    expect(seen.logits).toBe(6);
    expect(Number.isFinite(seen.loss) && seen.loss > 0).toBe(true);
    expect(readFileSync(p.path("net.dnn.d.ts"), "utf8")).toMatch(/export \{ \w+ as Net \}/);
  }, 40_000);

  it("an error in the .dnn file fails vite build with its file, line and column", async () => {
    p.write("net.dnn", NET.replace("Dense(3)", "Dense(5)"));
    const error = (await libraryBuild("broken").then(
      () => undefined,
      (e: unknown) => e,
    )) as (PluginError & { errors?: PluginError[] }) | undefined;
    p.write("net.dnn", NET);
    expect(error).toBeDefined();
    expect(error!.message).toContain(`${p.path("net.dnn")}:9:12: output \`logits\` expects f32[B, 3], found f32[B, 5] [DNN0301]`);
    // Vite 8 (Rolldown) throws one error holding each plugin's; Rollup's locations have 0-based columns.
    const [e] = error!.errors ?? [error!];
    expect(e).toMatchObject({ plugin: "dnnc", id: p.path("net.dnn"), loc: { file: p.path("net.dnn"), line: 9, column: 11 } });
    expect(e!.frame).toContain("9 |   logits = Scale(x) |> Dense(5)\n  |            ^^^^^^^^^^^^^^^^^^^^");
  }, 40_000);

  it("the dev server runs the module, and an edit of the .dnn file or of a module it imports is a hot update serving the new module", async () => {
    const updates: { environment: string; file: string; modules: string[] }[] = [];
    const recorder: Plugin = {
      name: "record-hot-updates",
      hotUpdate(ctx) {
        updates.push({ environment: this.environment.name, file: ctx.file, modules: ctx.modules.map((m) => m.id ?? "") });
      },
    };
    const updated = (file: string) => updates.filter((u) => u.file === p.path(file) && u.environment === "ssr").flatMap((u) => u.modules);
    let server: ViteDevServer | undefined;
    try {
      server = await createServer({ root: p.dir, configFile: false, logLevel: "silent", plugins: [dnnc(), recorder], server: { middlewareMode: true, ws: false } });
      const ssr = server.environments.ssr;
      const run = async () => ((await server!.ssrLoadModule("/main.ts")) as Seen).seen;
      const served = async () => (await ssr.transformRequest("/net.dnn"))!.code;
      const first = await run();
      expect(first.logits).toBe(6);
      expect(await served()).toContain("0.5");
      // The modules net.dnn was compiled from are its dependencies in Vite's module graph.
      const imported = [...ssr.moduleGraph.getModuleById(p.path("net.dnn"))!.importedModules].map((m) => m.id);
      expect(imported).toEqual(expect.arrayContaining([p.path("scale.dnn"), expect.stringMatching(/stdlib\/layers\.dnn$/), expect.stringMatching(/stdlib\/initializers\.dnn$/)]));

      // The model's own file: three outputs become four.
      p.write("net.dnn", NET.replaceAll("3)", "4)").replace("f32[B, 3]", "f32[B, 4]"));
      await until(() => updated("net.dnn").length > 0, 20_000, "a hot update for net.dnn");
      expect(updated("net.dnn")).toEqual([p.path("net.dnn")]);
      expect((await run()).logits).toBe(8);

      // A module it imports: a hot update of that module and of net.dnn, which imports it, and the new module served.
      p.write("scale.dnn", SCALE.replace("0.5", "0.125"));
      await until(() => updated("scale.dnn").length > 0, 20_000, "a hot update for scale.dnn");
      expect(updated("scale.dnn")).toEqual([p.path("scale.dnn"), p.path("net.dnn")]);
      expect([...ssr.moduleGraph.getModuleById(p.path("scale.dnn"))!.importers].map((m) => m.id)).toEqual([p.path("net.dnn")]);
      const after = await served();
      expect(after).toContain("0.125");
      expect(after).not.toContain("0.5");
      expect((await run()).loss).not.toBe(first.loss);
    } finally {
      await server?.close();
      p.write("net.dnn", NET);
      p.write("scale.dnn", SCALE);
    }
  }, 60_000);

  it("a module that failed to compile on its first load is compiled again when the imported module at fault is fixed", async () => {
    const updates: string[][] = [];
    const recorder: Plugin = { name: "record-hot-updates", hotUpdate: (ctx) => void (ctx.file === p.path("scale.dnn") && updates.push(ctx.modules.map((m) => m.id ?? ""))) };
    p.write("scale.dnn", SCALE.replace("0.5", "bye"));
    let server: ViteDevServer | undefined;
    try {
      server = await createServer({ root: p.dir, configFile: false, logLevel: "silent", plugins: [dnnc(), recorder], server: { middlewareMode: true, ws: false } });
      await expect(server.ssrLoadModule("/main.ts")).rejects.toThrow(/scale\.dnn:1:\d+: unknown name `bye` \[DNN0101\]/);
      p.write("scale.dnn", SCALE);
      await until(() => updates.some((u) => u.includes(p.path("net.dnn"))), 20_000, "a hot update of net.dnn for scale.dnn");
      expect(((await server.ssrLoadModule("/main.ts")) as Seen).seen.logits).toBe(6);
    } finally {
      await server?.close();
      p.write("scale.dnn", SCALE);
    }
  }, 60_000);
});
