// TypeScript projects with every strict setting of test/helpers/strictest.ts (library checks on,
// so the declarations are checked too): one importing the `.ts` output, one the `--emit js`
// output (`.js` + `.d.ts`). Each builds with tsc (the `.ts` one rewriting `./x.ts` imports to
// `./x.js`, TypeScript 5.7's rewriteRelativeImportExtensions) and runs with node, training. The
// same program of mistakes, checked against each, gets the same errors: the `.d.ts` is the
// `.ts` module's API, not a looser or stricter one.
import { spawnSync } from "node:child_process";
import { afterAll, describe, expect, it } from "vitest";
import { STRICTEST } from "../helpers/strictest.ts";
import { expectLearning, packageJson, project, trainingProgram, TSC, type Project } from "./project.ts";

const made: Project[] = [];
afterAll(() => made.forEach((p) => p.remove()));

/** tsconfig.json: the strictest settings as options (`--noUnusedLocals` → `"noUnusedLocals": true`). */
function tsconfig(extra: Record<string, unknown>): string {
  const strictest = Object.fromEntries(STRICTEST.map((flag) => [flag.slice(2), true]));
  const compilerOptions = { target: "ES2022", module: "ESNext", moduleResolution: "bundler", lib: ["ES2022", "DOM"], types: [], ...strictest, moduleDetection: "force", ...extra };
  return JSON.stringify({ compilerOptions, include: ["main.ts", "model"] }, null, 2) + "\n";
}

/** A program of mistakes a user might make with the model's API: each line must be an error. */
const MISTAKES = (specifier: string) => `import { DigitsMLP, NonFiniteError, type DigitsMLPBatch, type DigitsMLPInputs } from ${JSON.stringify(specifier)};
interface LookAlike extends Pick<DigitsMLP, keyof DigitsMLP> {} // every public member, none of the others
const model = DigitsMLP.create({ seed: 1 });
model.forward({ x: new Int32Array(64) });
model.trainStep({ x: new Float32Array(64) });
DigitsMLP.create({ seed: "1" });
new DigitsMLP();
const fake: DigitsMLP = {} as LookAlike;
const inputs: DigitsMLPInputs = { x: new Float32Array(64), extra: 1 };
const batch: DigitsMLPBatch = { x: new Float32Array(64), y: new Float32Array(1) };
model.params;
model.forward({ x: new Float32Array(64) }).probabilities;
model.steps = 3;
DigitsMLP.parameters.push({ name: "w", dtype: "f32", shape: [1] });
new NonFiniteError("m", 1, undefined, 2).index = 3;
model.load(new Uint8Array(0), { ignoreUnknown: undefined });
model.compile();
export { fake, inputs, batch };
`;

/** tsc -p `config` in project `p`: its diagnostics, one per line. */
function tsc(p: Project, config: string): string {
  const r = spawnSync(process.execPath, [TSC, "-p", config, "--pretty", "false"], { cwd: p.dir, encoding: "utf8", timeout: 120_000 });
  if (r.error) throw r.error;
  return r.stdout + r.stderr;
}

const setups = [
  { name: ".ts output", emit: "ts", specifier: "./model/mlp_digits.ts", options: { rewriteRelativeImportExtensions: true } },
  { name: ".js + .d.ts output (--emit js)", emit: "js", specifier: "./model/mlp_digits.js", options: {} },
] as const;

describe("TypeScript projects with the strictest settings", () => {
  const mistakes: string[] = [];

  for (const setup of setups) {
    it(`${setup.name}: tsc builds it, node runs it, the loss finite and falling`, () => {
      const p = project(`typescript-${setup.emit}`);
      made.push(p);
      p.write({
        "package.json": packageJson("digits-typescript"),
        "tsconfig.json": tsconfig(setup.options),
        "main.ts": trainingProgram(setup.specifier, (losses) => `console.log(JSON.stringify(${losses}))`),
        "mistakes.ts": MISTAKES(setup.specifier),
        "tsconfig.mistakes.json": JSON.stringify({ extends: "./tsconfig.json", compilerOptions: { noEmit: true }, include: ["mistakes.ts"] }),
      });
      p.compile("mlp_digits.dnn", "ts", setup.emit, "model");
      expect(tsc(p, "tsconfig.json")).toBe("");
      const losses = expectLearning(p.node("main.js"));
      console.log(`TypeScript (strictest), ${setup.name}: loss ${losses[0]!.toFixed(3)} → ${losses.at(-1)!.toFixed(3)}`);
      mistakes.push(tsc(p, "tsconfig.mistakes.json"));
    }, 60_000);
  }

  it("the same mistakes are the same errors against the .ts and against the .d.ts", () => {
    expect(mistakes).toHaveLength(2);
    const [againstTs, againstDts] = mistakes.map((m) => m.replaceAll("mlp_digits.ts", "mlp_digits.js"));
    // Every line of the program after its first three is one mistake.
    const lines = new Set([...againstTs!.matchAll(/^mistakes\.ts\((\d+),\d+\): error/gm)].map((m) => Number(m[1])));
    expect([...lines].sort((a, b) => a - b)).toEqual(Array.from({ length: 14 }, (_, i) => i + 4));
    expect(againstDts).toBe(againstTs);
    // The class is nominal in both: a look-alike with every public member is not a DigitsMLP.
    expect(againstTs).toMatch(/^mistakes\.ts\(8,7\): error TS2740: Type 'Pick<u_DigitsMLP, keyof u_DigitsMLP>' is missing the following properties from type 'u_DigitsMLP':/m);
  });
});
