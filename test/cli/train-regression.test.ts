// `dnnc train` on regressions: f32 targets read from a CSV's last columns, measured by MSE and
// MAE (chosen because the targets are f32), a model with several outputs and targets, and the
// mistakes said in one line.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { dnncIn, ROOT } from "../helpers/dnnc-cli.ts";

const TIMEOUT = 120_000;
const dnnc = (cwd: string, ...args: string[]) => dnncIn(cwd, TIMEOUT, ...args);

/** y = 2a − b + c/2 + 0.3 and z = ab, for uniform a, b, c in [−1, 1], from a fixed generator;
 * `columns` picks and orders what is written. */
function writeCsv(path: string, n: number, seed: number, columns = ["a", "b", "c", "y", "z"]) {
  let s = seed;
  const rand = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1;
  const rows = [columns.join(",")];
  for (let i = 0; i < n; i++) {
    const [a, b, c] = [rand(), rand(), rand()];
    const values: Record<string, number> = { a, b, c, y: 2 * a - b + 0.5 * c + 0.3, z: a * b };
    rows.push(columns.map((k) => values[k]!.toFixed(5)).join(","));
  }
  writeFileSync(path, rows.join("\n") + "\n");
}

const model = (name: string, loss: string) => `import std.layers.{Dense}
import std.losses.{mse, mae}
import std.optimizers.{adam}

model ${name} {
  input  x: f32[B, 3]
  output y: f32[B, 1]
  y = x |> Dense(1)
}

train ${name} {
  target t: f32[B, 1]
  loss      = ${loss}(y, t)
  optimizer = adam(lr: 0.05)
}
`;

describe("dnnc train: regressions", () => {
  it("learns a linear function from a CSV's last column: MSE and MAE per epoch, for validation and the test set", () => {
    const dir = mkdtempSync(join(tmpdir(), "dnnc-regression-"));
    writeCsv(join(dir, "train.csv"), 500, 1, ["a", "b", "c", "y"]);
    writeCsv(join(dir, "test.csv"), 200, 2, ["a", "b", "c", "y"]);
    writeFileSync(join(dir, "lin.dnn"), model("Lin", "mse"));
    // One target: the last column.
    const r = dnnc(dir, "train", "lin.dnn", "--data", "train.csv", "--test-data", "test.csv", "--epochs", "25", "--json");
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    // A linear model fits y exactly: features and targets stayed aligned through shuffling and the split.
    expect(out.testMetrics.mse).toBeLessThan(1e-3);
    // With an MSE loss, the test MSE is the test loss.
    expect(out.testMetrics.mse).toBeCloseTo(out.testLoss, 5);
    const last = out.history.at(-1);
    expect(Object.keys(last.metrics)).toEqual(["mse", "mae"]);
    expect(Object.keys(last.valMetrics)).toEqual(["mse", "mae"]);
    expect(last.valMetrics.mse).toBeCloseTo(last.valLoss, 5);
    expect(r.stderr).toMatch(/^epoch 25: loss \S+  mse \S+  mae \S+  val_loss \S+  val_mse \S+  val_mae \S+/m);
    expect(r.stderr).toMatch(/^test: MSE \S+, MAE \S+, loss \S+ on 200 examples$/m);
    const report = readFileSync(join(dir, "lin.report.html"), "utf8");
    expect(report).toContain('aria-label="Mean squared error"');
    expect(report).toContain('aria-label="Mean absolute error"');
    expect(report).not.toContain('aria-label="Accuracy"');
    expect(report).toMatch(/Test set: MSE \S+, MAE \S+, loss/);

    // --label names the target's column where it is not the last; z = ab is no linear function.
    writeCsv(join(dir, "z.csv"), 500, 1, ["z", "a", "b", "c"]);
    const z = dnnc(dir, "train", "lin.dnn", "--data", "z.csv", "--label", "z", "--epochs", "25", "--json", "--checkpoint", "z.safetensors");
    expect(z.status, z.stderr).toBe(0);
    expect(JSON.parse(z.stdout).history.at(-1).valMetrics.mse).toBeGreaterThan(0.02);
    const first = dnnc(dir, "train", "lin.dnn", "--data", "z.csv", "--label", "0", "--epochs", "2", "--json", "--checkpoint", "z0.safetensors");
    expect(JSON.parse(first.stdout).history.at(-1).valLoss).toBe(JSON.parse(z.stdout).history[1].valLoss); // the same column

    // An MAE loss: the test MAE is the test loss.
    writeFileSync(join(dir, "lin_mae.dnn"), model("LinMae", "mae"));
    const m = dnnc(dir, "train", "lin_mae.dnn", "--data", "train.csv", "--test-data", "test.csv", "--epochs", "3", "--json");
    expect(m.status, m.stderr).toBe(0);
    const mo = JSON.parse(m.stdout);
    expect(mo.testMetrics.mae).toBeCloseTo(mo.testLoss, 5);
  }, TIMEOUT);

  it("trains a model with two outputs and two targets, measuring the output that matches the first target", () => {
    const dir = mkdtempSync(join(tmpdir(), "dnnc-regression-"));
    writeCsv(join(dir, "train.csv"), 500, 3);
    writeFileSync(
      join(dir, "two.dnn"),
      `import std.layers.{Dense}
import std.losses.{mse}
import std.optimizers.{adam}

model Two {
  input  x: f32[B, 3]
  output hidden: f32[B, 8]
  output y: f32[B, 1]
  output z: f32[B, 1]
  hidden = x |> Dense(8, activation: relu)
  y = x |> Dense(1)
  z = hidden |> Dense(1)
}

train Two {
  target ty: f32[B, 1]
  target tz: f32[B, 1]
  loss      = mse(y, ty) + mse(z, tz)
  optimizer = adam(lr: 0.05)
}
`,
    );
    // The targets take the last two columns, in the train block's order: ty is y, tz is z.
    const r = dnnc(dir, "train", "two.dnn", "--data", "train.csv", "--epochs", "25", "--json");
    expect(r.status, r.stderr).toBe(0);
    const h = JSON.parse(r.stdout).history;
    // The output measured is y (hidden has 8 values per example): it fits ty, a linear function.
    expect(h.at(-1).valMetrics.mse).toBeLessThan(1e-3);
    expect(h.at(-1).valLoss).toBeGreaterThan(h.at(-1).valMetrics.mse); // the loss adds z's error
  }, TIMEOUT);

  it("says in one line what a regression needs", () => {
    const dir = mkdtempSync(join(tmpdir(), "dnnc-regression-"));
    writeFileSync(join(dir, "lin.dnn"), model("Lin", "mse"));
    const digits = dnnc(dir, "train", "lin.dnn", "--data", "digits");
    expect(digits.status).toBe(2);
    expect(digits.stderr).toMatch(/--data digits: a regression \(f32 targets\) trains on a \.csv file whose last columns are the targets' values/);
    writeFileSync(join(dir, "bad.csv"), "a,b,c,y\n1,2,3,4\n1,2,x,4\n");
    const bad = dnnc(dir, "train", "lin.dnn", "--data", "bad.csv");
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/bad\.csv:3:5: "x" is not a number/);
    writeCsv(join(dir, "train.csv"), 50, 1, ["a", "b", "c", "y"]);
    const classes = dnnc(dir, "train", "lin.dnn", "--data", "train.csv", "--classes", "0-1");
    expect(classes.status).toBe(2);
    expect(classes.stderr).toMatch(/--classes picks classes, and Lin is a regression/);
  }, TIMEOUT);
});
