// Inlay hints through a real `dnnc lsp` process: the inferred type of each `let`, pipeline stage
// and layer call, parameter counts at layer calls, and the settings that turn each off.
import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { InlayHintRequest, DidChangeConfigurationNotification, InlayHintRefreshRequest, InlayHintKind, type InlayHint } from "vscode-languageserver-protocol/node";
import { TestClient, uriOf } from "../helpers/lsp-client.ts";

const clients: TestClient[] = [];
afterEach(async () => void (await Promise.all(clients.splice(0).map((c) => c.stop()))));
async function started(init?: Parameters<typeof TestClient.start>[0]) {
  const c = await TestClient.start(init);
  clients.push(c);
  return c;
}

/** The text with every hint written in where it is shown, as ⟨label⟩. */
function rendered(text: string, hints: InlayHint[]): string {
  const lines = text.split("\n");
  for (const h of [...hints].reverse()) {
    const l = lines[h.position.line]!;
    lines[h.position.line] = l.slice(0, h.position.character) + `⟨${String(h.label)}⟩` + l.slice(h.position.character);
  }
  return lines.join("\n");
}

const whole = (text: string) => ({ start: { line: 0, character: 0 }, end: { line: text.split("\n").length, character: 0 } });

/** The hints in `range` (all by default); opens the document unless this client has. */
async function hintsOf(client: TestClient, path: string, range?: (text: string) => ReturnType<typeof whole>) {
  const text = readFileSync(path, "utf8");
  const uri = uriOf(path);
  if (!client.latest.has(uri)) await client.open(uri, text);
  const hints = (await client.connection.sendRequest(InlayHintRequest.type, { textDocument: { uri }, range: (range ?? whole)(text) })) ?? [];
  return { text, hints, shown: rendered(text, hints) };
}

describe("inlay hints", { timeout: 30_000 }, () => {
  it("every stage of a pipeline: its type and, for a layer with parameters, their count", async () => {
    const { shown, hints } = await hintsOf(await started(), "samples/mnist_cnn.dnn");
    expect(shown).toContain("|> Conv2D(32, 3, activation: relu)⟨f32[B, 26, 26, 32]⟩⟨320 params⟩ |> MaxPool2D(2)⟨f32[B, 13, 13, 32]⟩\n");
    expect(shown).toContain("|> Flatten()⟨f32[B, 576]⟩\n");
    expect(shown).toContain("|> Dense(10)⟨f32[B, 10]⟩⟨650 params⟩\n}");
    // Parameter counts add up to the model's, as model.summary() reports it.
    const total = hints.filter((h) => /params$/.test(String(h.label))).reduce((s, h) => s + Number(String(h.label).replace(/\D/g, "")), 0);
    expect(total).toBe(93_322);
    expect(hints.find((h) => String(h.label) === "f32[B, 10]")).toMatchObject({ kind: InlayHintKind.Type, paddingLeft: true });
    // Nothing outside models' bodies: no hint on the train block.
    expect(shown.slice(shown.indexOf("train MnistCNN"))).not.toContain("⟨");
  });

  it("a let without a type gets one, and its last stage does not repeat it; a layer applied again says shared", async () => {
    const { shown } = await hintsOf(await started(), "samples/resnet_small.dnn");
    expect(shown).toContain('let stem⟨: f32[B, 32, 32, 16]⟩ = x |> Conv2D(16, 3, padding: "same")⟨f32[B, 32, 32, 16]⟩⟨448 params⟩ |> BatchNorm()⟨f32[B, 32, 32, 16]⟩⟨64 params⟩ |> relu\n');
    const gan = await hintsOf(await started(), "samples/gan.dnn");
    expect(gan.shown).toContain("fake_score = reshape(fake |> discriminator⟨f32[B, 1]⟩⟨shared⟩, [B])");
  });

  it("only the requested range is answered", async () => {
    const client = await started();
    const all = await hintsOf(client, "samples/mnist_cnn.dnn");
    const line = all.text.split("\n").findIndex((l) => l.includes("Flatten()"));
    const some = await hintsOf(client, "samples/mnist_cnn.dnn", () => ({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } }));
    expect(some.hints.map((h) => String(h.label))).toEqual(["f32[B, 576]"]);
  });

  it("initializationOptions turn types or parameter counts off", async () => {
    const counts = await hintsOf(await started({ initializationOptions: { inlayHints: { types: false } } }), "samples/mnist_cnn.dnn");
    expect(counts.hints.length).toBeGreaterThan(0);
    expect(counts.hints.every((h) => /params$/.test(String(h.label)))).toBe(true);
    const types = await hintsOf(await started({ initializationOptions: { inlayHints: { parameterCounts: false } } }), "samples/mnist_cnn.dnn");
    expect(types.hints.length).toBeGreaterThan(0);
    expect(types.hints.every((h) => /^f32\[/.test(String(h.label)))).toBe(true);
  });

  it("workspace/didChangeConfiguration changes them and asks a client that can refresh to", async () => {
    const client = await started({ capabilities: { workspace: { inlayHint: { refreshSupport: true } } } });
    let refreshed = 0;
    client.connection.onRequest(InlayHintRefreshRequest.type, () => void refreshed++);
    expect((await hintsOf(client, "samples/mnist_cnn.dnn")).hints.length).toBe(13);
    await client.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: { dnnc: { inlayHints: { types: false, parameterCounts: false } } } });
    expect((await hintsOf(client, "samples/mnist_cnn.dnn")).hints).toEqual([]);
    expect(refreshed).toBe(1);
    await client.connection.sendNotification(DidChangeConfigurationNotification.type, { settings: { dnnc: { inlayHints: { parameterCounts: true } } } });
    expect((await hintsOf(client, "samples/mnist_cnn.dnn")).hints.map((h) => String(h.label))).toEqual(["320 params", "18,496 params", "36,928 params", "36,928 params", "650 params"]);
  });
});
