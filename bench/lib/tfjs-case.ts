// TensorFlow.js's side of one model in bench/train-speed.ts: the spec's network in the layers API
// (tf.sequential, model.compile, model.trainOnBatch for a step, model.predict for inference) on
// the cpu or wasm backend, from the case's weights, timed and checked against the reference.
import type * as TF from "@tensorflow/tfjs";
import { lossChecks, logitsCheck, type ModelCase } from "./train-case.ts";
import { buildTfjsModel, tfjs } from "./tfjs-backends.ts";
import { measure } from "./timing.ts";
import { TASKS } from "./train-results.ts";

export async function runTfjs(c: ModelCase, impl: "tfjs-cpu" | "tfjs-wasm"): Promise<void> {
  const { spec, check, out, policy } = c;
  const backend = impl === "tfjs-cpu" ? "cpu" : "wasm";
  let t: typeof TF;
  try {
    t = await tfjs(backend);
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    check(`${impl} starts`, false, reason);
    for (const task of TASKS) c.cells[task][impl] = { status: "cannot", reason };
    return;
  }
  const tm = buildTfjsModel(t, spec);
  const tfShapes = tm.weights.map((w) => w.shape);
  check(`${spec.key} ${impl}: the Keras model's weights have dnnc's shapes`, JSON.stringify(tfShapes) === JSON.stringify(c.paramShapes), JSON.stringify(tfShapes));
  check(`${spec.key} ${impl}: countParams() is ${spec.params}`, tm.countParams() === spec.params, String(tm.countParams()));
  tm.setWeights(c.weights.map((w, i) => t.tensor(w, tfShapes[i] as number[])));
  // Sparse softmax cross-entropy on the logits, as dnnc's sparse_cross_entropy: TF.js has no
  // sparse form, so the labels go in one-hot (encoded once, outside the timed calls).
  tm.compile({
    optimizer: t.train.adam(c.lr), // epsilon: the backend's, 1e-7, as dnnc's adam()
    loss: (yTrue: TF.Tensor, yPred: TF.Tensor) => t.losses.softmaxCrossEntropy(yTrue, yPred, undefined, undefined, t.Reduction.NONE),
  });
  const xT = t.tensor(c.x, [c.batch, ...spec.input]);
  const yT = t.tidy(() => t.oneHot(t.tensor1d(c.y, "int32"), spec.classes).toFloat());
  const predict = () => {
    const p = tm.predict(xT, { batchSize: c.batch }) as TF.Tensor;
    const v = p.dataSync() as Float32Array;
    p.dispose();
    return v;
  };
  logitsCheck(c, impl, predict());

  out(`  ${impl}: forward …`);
  let tensors = 0;
  const noLeak = (what: string) => check(`${spec.key} ${impl}: ${what} leaks no tensors`, t.memory().numTensors === tensors, `${tensors} → ${t.memory().numTensors} tensors`);
  c.cells.forward[impl] = { status: "ok", timing: await measure(predict, policy, () => void (tensors = t.memory().numTensors)) };
  noLeak("predict");

  if (c.quick && impl === "tfjs-cpu" && spec.key === "cnn") {
    c.cells.step[impl] = { status: "skipped", reason: "--quick (a step takes ~30 s)" };
  } else {
    out(`  ${impl}: train step …`);
    const losses: number[] = [];
    try {
      const ts = await measure(async () => losses.push((await tm.trainOnBatch(xT, yT)) as number), policy, () => void (tensors = t.memory().numTensors));
      c.cells.step[impl] = { status: "ok", timing: ts, losses };
      noLeak("trainOnBatch");
      lossChecks(c, impl, losses);
    } catch (e) {
      const reason = (e instanceof Error ? e.message : String(e)).split("\n")[0]!;
      c.cells.step[impl] = { status: "cannot", reason };
      out(`  ${impl}: cannot train: ${reason}`);
    }
  }
  xT.dispose();
  yT.dispose();
  tm.dispose();
}
