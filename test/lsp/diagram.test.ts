// The language server's diagram command, end to end: a real `dnnc lsp` process and a protocol
// client over stdio. `dnnc.graph` draws the open document's current text (unsaved edits
// included) as `dnnc graph` would, with its kernels when asked; a broken file or an unknown
// function comes back as diagnostics, malformed arguments as InvalidParams.
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ExecuteCommandRequest, ResponseError } from "vscode-languageserver-protocol/node";
import { TestClient, uriOf } from "../helpers/lsp-client.ts";
import { graph } from "../../src/api.ts";

let client: TestClient;
beforeAll(async () => void (client = await TestClient.start()), 60_000);
afterAll(async () => await client?.stop());

interface Drawn {
  ok: boolean;
  model?: string;
  text?: string;
  diagnostics: { code: string; message: string; hint?: string }[];
}
const draw = (argument: unknown) => client.connection.sendRequest(ExecuteCommandRequest.type, { command: "dnnc.graph", arguments: [argument] }) as Promise<Drawn>;
const sample = (name: string) => `samples/${name}.dnn`;

describe("dnnc.graph (workspace/executeCommand)", () => {
  it("is advertised in the server's capabilities", () => {
    expect(client.initialized?.capabilities.executeCommandProvider?.commands).toEqual(["dnnc.graph"]);
  });

  it("draws an open document as `dnnc graph` does, SVG by default or HTML", async () => {
    const uri = uriOf(sample("mnist_cnn"));
    await client.open(uri, readFileSync(sample("mnist_cnn"), "utf8"));
    const svg = await draw({ uri });
    expect(svg).toMatchObject({ ok: true, model: "MnistCNN", diagnostics: [] });
    expect(svg.text).toBe(graph({ path: sample("mnist_cnn") }).text);
    const html = await draw({ uri, format: "html" });
    expect(html.text).toMatch(/^<!doctype html>/);
    expect(html.text).toContain("<svg xmlns=");
  });

  it("draws the current text, edits not yet saved included, and its kernels when asked", async () => {
    const uri = "untitled:diagram.dnn";
    const text = readFileSync(sample("mlp_digits"), "utf8");
    await client.open(uri, text);
    expect((await draw({ uri })).text).toContain("4,160 params");
    const at = text.indexOf("Dense(64");
    const line = text.slice(0, at).split("\n").length - 1;
    const character = at - (text.lastIndexOf("\n", at - 1) + 1) + "Dense(".length;
    await client.change(uri, [{ range: { start: { line, character }, end: { line, character: character + 2 } }, text: "32" }]);
    const edited = await draw({ uri, format: "svg" });
    expect(edited.text).toContain("2,080 params"); // 64·32 + 32
    expect(edited.text).not.toContain("4,160 params");
    const kernels = await draw({ uri, kernels: true, format: "html" });
    expect(kernels.ok).toBe(true);
    expect(kernels.text).toContain('data-kernel="k1" data-kernel-kind="matmul"');
    expect(kernels.text).toContain("<h2>Kernels</h2>");
    expect((await draw({ uri, kernels: "train_step" })).text).toContain("kernels of train_step at B = 1:");
  });

  it("in a file of several models, draws the one at the position given (the cursor), or the one named", async () => {
    const uri = uriOf(sample("gan"));
    const text = readFileSync(sample("gan"), "utf8");
    await client.open(uri, text);
    const lineOf = (needle: string) => text.slice(0, text.indexOf(needle)).split("\n").length - 1;
    expect((await draw({ uri })).diagnostics.map((d) => d.code)).toEqual(["DNN0760"]);
    expect(await draw({ uri, position: { line: lineOf("model Discriminator") + 2, character: 4 } })).toMatchObject({ ok: true, model: "Discriminator" });
    // In a train block: its model. The name given wins over the position.
    expect((await draw({ uri, position: { line: lineOf("train Gan.generator") + 1, character: 2 } })).model).toBe("Gan");
    expect((await draw({ uri, model: "Generator", position: { line: lineOf("model Discriminator"), character: 0 } })).model).toBe("Generator");
    // Outside every model (the file's opening comment), none is picked.
    expect((await draw({ uri, position: { line: 0, character: 0 } })).diagnostics.map((d) => d.code)).toEqual(["DNN0760"]);
  });

  it("a file with errors, or a function the model lacks, is not ok, with the diagnostics", async () => {
    const uri = "untitled:broken.dnn";
    await client.open(uri, readFileSync("test/fixtures/shape_error.dnn", "utf8"));
    const broken = await draw({ uri });
    expect(broken.ok).toBe(false);
    expect(broken.text).toBeUndefined();
    expect(broken.diagnostics.map((d) => d.code)).toEqual(["DNN0304"]);
    const unknown = await draw({ uri: uriOf(sample("mnist_cnn")), kernels: "backward" });
    expect(unknown.ok).toBe(false);
    expect(unknown.diagnostics.map((d) => `${d.code}: ${d.message}`)).toEqual(["DNN0790: model `MnistCNN` has no function `backward` to draw the kernels of"]);
  });

  it("wrong arguments are InvalidParams naming the field; another command is refused", async () => {
    const refused = async (p: Promise<unknown>) => {
      const e = await p.then(() => undefined, (x: unknown) => x);
      expect(e).toBeInstanceOf(ResponseError);
      return e as ResponseError<unknown>;
    };
    const bad = await refused(draw({ uri: uriOf(sample("mnist_cnn")), format: "png" }));
    expect(bad.code).toBe(-32602);
    expect(bad.message).toContain('arguments[0].format must be "svg" or "html", not "png"');
    expect((await refused(draw({ format: "svg" }))).message).toContain("arguments[0].uri is missing");
    expect((await refused(draw({ uri: uriOf(sample("mnist_cnn")), position: { line: -1, character: 0 } }))).message).toContain("arguments[0].position.line must be an integer from 0");
    expect((await refused(draw({ uri: "untitled:never-opened.dnn" }))).message).toContain("untitled:never-opened.dnn is not open");
    const other = await refused(client.connection.sendRequest(ExecuteCommandRequest.type, { command: "dnnc.nothing", arguments: [] }));
    expect(other.message).toContain("unknown command dnnc.nothing");
    // The server is still there.
    expect((await draw({ uri: uriOf(sample("mnist_cnn")) })).ok).toBe(true);
  });
});
