// TensorFlow.js as an independent oracle: its pure-JavaScript CPU backend, float32, with the
// "install tfjs-node" banner silenced. Tests compare dnnc's forward values and gradients with
// tf.grads and tf.layers on the same weights.
import * as tf from "@tensorflow/tfjs";

let ready: Promise<typeof tf> | undefined;

/** TensorFlow.js on its CPU backend (set once per test file). */
export function tfjs(): Promise<typeof tf> {
  ready ??= (async () => {
    tf.env().set("PROD", true); // no console banner about tfjs-node
    await tf.setBackend("cpu");
    await tf.ready();
    return tf;
  })();
  return ready;
}
