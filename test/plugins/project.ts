// A small project a bundler builds in the plugin tests, written into a fresh temporary folder:
// an entry that imports a model straight from its .dnn file, which imports a module of the
// project's and the standard library's, and a tsconfig as an editor reads it.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const NET = `import std.layers.{Dense}
import std.losses.{sparse_cross_entropy}
import std.optimizers.{sgd}
import scale.{Scale}

model Net {
  input  x: f32[B, 4]
  output logits: f32[B, 3]
  logits = Scale(x) |> Dense(3)
}

train Net {
  target y: i32[B]
  loss      = sparse_cross_entropy(logits, y)
  optimizer = sgd(lr: 0.1)
}
`;
export const SCALE = "fn Scale(x: f32[...]) -> f32[...] = x * 0.5\n";

/** The entry: trains one step and runs the model, and says what it saw. */
export const MAIN = `import { Net } from "./net.dnn";

const model = Net.create({ seed: 1 });
const x = new Float32Array([1, 2, 3, 4, 4, 3, 2, 1]);
const loss = model.trainStep({ x, y: new Int32Array([0, 2]) });
const { logits } = model.forward({ x });
export const seen: { logits: number; loss: number } = { logits: logits.length, loss };
`;

export interface Project {
  dir: string;
  path: (name: string) => string;
  write: (name: string, text: string) => void;
  remove: () => void;
}

export function project(prefix: string): Project {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const path = (name: string) => join(dir, name);
  const write = (name: string, text: string) => writeFileSync(path(name), text);
  write("net.dnn", NET);
  write("scale.dnn", SCALE);
  write("main.ts", MAIN);
  return { dir, path, write, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Resolves when `check` holds, polling; rejects after `ms`. */
export async function until(check: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}
