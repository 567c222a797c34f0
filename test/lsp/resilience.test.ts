// Resilient analysis, through a real `dnnc lsp` process: an error in one place leaves hover,
// inlay hints, definition and completion unchanged everywhere it does not touch. Each broken
// variant is the clean file with one mistake elsewhere — another model, a later line of the
// same model, the train block, an import — and must answer exactly what the clean file does.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HoverRequest, DefinitionRequest, CompletionRequest, InlayHintRequest, type Hover, type InlayHint, type Location } from "vscode-languageserver-protocol/node";
import { TestClient } from "../helpers/lsp-client.ts";

let client: TestClient;
beforeAll(async () => void (client = await TestClient.start()), 60_000);
afterAll(async () => await client?.stop());

const CNN = `model MnistCNN {
  input  x: f32[B, 28, 28, 1]
  output logits: f32[B, 10]

  let features = x
    |> Conv2D(32, 3, activation: relu) |> MaxPool2D(2)
    |> Conv2D(64, 3, activation: relu) |> MaxPool2D(2)
  let flat = features |> Flatten()
  logits = flat |> Dense(64, activation: relu) |> Dense(10)
}
`;
const TRAIN = `
train MnistCNN {
  target y: i32[B]
  loss      = sparse_cross_entropy(logits, y)
  optimizer = adam(lr: 0.001)
}
`;
const IMPORTS = "import std.layers.{Conv2D, MaxPool2D, Flatten, Dense}\nimport std.losses.{sparse_cross_entropy}\nimport std.optimizers.{adam}\n\n";
const OTHER = (body: string) => `\nmodel Other {\n  input x: f32[B, 3]\n  output y: f32[B, 4]\n  ${body}\n}\n`;
const CLEAN = IMPORTS + CNN + OTHER("y = x |> Dense(4)") + TRAIN;

/** One mistake each, away from MnistCNN's layers (or after them, in the same model). */
const BROKEN: Record<string, string> = {
  "a name error in another model": IMPORTS + CNN + OTHER("y = x |> Dense(undefined_units)") + TRAIN,
  "a shape error in another model": IMPORTS + CNN + OTHER("y = x |> Dense(5)") + TRAIN,
  "a parse error in another model": IMPORTS + CNN + OTHER("y = x |> Dense(4") + TRAIN,
  "a broken model before this one": IMPORTS + "model Before {\n  input x: f32[B, 3]\n  outptu y: f32[B, 3]\n  y = x\n}\n\n" + CNN + OTHER("y = x |> Dense(4)") + TRAIN,
  // On the blank line before the first let: every line keeps its number.
  "an error on an earlier line of the same model": IMPORTS + CNN.replace("f32[B, 10]\n\n  let features", "f32[B, 10]\n  let bad = undefined_thing * 2.0\n  let features") + OTHER("y = x |> Dense(4)") + TRAIN,
  "an error on a later line of the same model": IMPORTS + CNN.replace("|> Dense(10)\n", "|> Dense(10)\n  let unused = logits @ logits\n") + OTHER("y = x |> Dense(4)") + TRAIN,
  "an error in the model's train block": IMPORTS + CNN + OTHER("y = x |> Dense(4)") + TRAIN.replace("lr: 0.001", "lr: learning_rate"),
  "an unknown name imported": IMPORTS.replace("{adam}", "{adam, adamw_typo}") + CNN + OTHER("y = x |> Dense(4)") + TRAIN,
};

/** Where to ask, as text to find inside MnistCNN (the cursor `k` characters in). */
const PLACES: [string, number][] = [
  ["Conv2D(32", 2], ["MaxPool2D(2)", 3], ["Conv2D(64", 2], ["let features", 6], ["let flat", 6], ["features |>", 3], ["Flatten()", 2],
  ["Dense(64", 2], ["Dense(10)", 2], ["logits = flat", 2], ["input  x", 7],
];

function posIn(text: string, needle: string, k = 0) {
  const o = text.indexOf(needle, text.indexOf("model MnistCNN"));
  if (CNN.indexOf(needle) < 0 || o < 0) throw new Error(`no ${needle}`);
  const before = text.slice(0, o + k);
  return { line: before.split("\n").length - 1, character: o + k - (before.lastIndexOf("\n") + 1) };
}
const hoverText = (h: Hover | null) => (h && typeof h.contents === "object" && "value" in h.contents ? h.contents.value : "");

/** What the server says about MnistCNN in `text`, in terms that do not depend on where the model starts. */
async function answers(name: string, text: string) {
  const uri = `untitled:resilience-${name.replace(/\W+/g, "-")}.dnn`;
  const d = await client.open(uri, text);
  const doc = { textDocument: { uri } };
  const first = posIn(text, "model MnistCNN").line;
  const last = posIn(text, "\n}").line;
  const hovers: Record<string, string> = {};
  for (const [needle, k] of PLACES) hovers[needle] = hoverText(await client.connection.sendRequest(HoverRequest.type, { ...doc, position: posIn(text, needle, k) }));
  const hints = ((await client.connection.sendRequest(InlayHintRequest.type, { ...doc, range: { start: { line: first, character: 0 }, end: { line: last + 1, character: 0 } } })) ?? [])
    .map((h: InlayHint) => `${h.position.line - first}:${h.position.character} ${String(h.label)}`);
  const def = (await client.connection.sendRequest(DefinitionRequest.type, { ...doc, position: posIn(text, "features |>", 2) })) as Location | null;
  const completion = await client.connection.sendRequest(CompletionRequest.type, { ...doc, position: posIn(text, "flat |> Dense", 5) });
  const labels = (Array.isArray(completion) ? completion : (completion?.items ?? [])).map((c) => c.label).sort();
  return { diagnostics: d.diagnostics, hovers, hints, definition: def && { line: def.range.start.line - first, character: def.range.start.character }, completion: labels };
}

describe("resilient analysis", () => {
  let clean: Awaited<ReturnType<typeof answers>>;
  beforeAll(async () => void (clean = await answers("clean", CLEAN)), 60_000);

  it("the clean file: no diagnostics; shapes and parameter counts in hovers and hints", () => {
    expect(clean.diagnostics).toEqual([]);
    expect(clean.hovers["Conv2D(32"]).toContain("`conv2d` → `f32[B, 26, 26, 32]` · 320 parameters");
    expect(clean.hovers["Dense(64"]).toContain("`dense` → `f32[B, 64]` · 102,464 parameters");
    expect(clean.hovers["let flat"]).toContain("let flat: f32[B, 1600]");
    expect(clean.hints).toEqual(expect.arrayContaining(["4:14 : f32[B, 5, 5, 64]", "5:38 f32[B, 26, 26, 32]", "5:38 320 params", "7:10 : f32[B, 1600]", "8:46 f32[B, 64]", "8:46 102,464 params", "8:59 650 params"]));
    expect(clean.definition).toEqual({ line: 4, character: 6 });
    expect(clean.completion).toEqual(expect.arrayContaining(["Dense", "features", "flat"]));
  });

  for (const [what, text] of Object.entries(BROKEN))
    it(`with ${what}: an error is reported, and every answer about MnistCNN's layers is the clean file's`, async () => {
      const broken = await answers(what, text);
      expect(broken.diagnostics.filter((d) => d.severity === 1).length).toBeGreaterThan(0);
      expect(broken.hovers).toEqual(clean.hovers);
      expect(broken.hints).toEqual(clean.hints);
      expect(broken.definition).toEqual(clean.definition);
      // The broken model before MnistCNN, and the broken let, are names like any other.
      expect(broken.completion.filter((l) => l !== "Before" && l !== "bad")).toEqual(clean.completion);
    }, 30_000);
});
