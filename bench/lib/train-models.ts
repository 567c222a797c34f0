// The two networks of bench/train-speed.ts, described once: the benchmark builds the TensorFlow.js
// side from these descriptions, checks them against the dnnc models' parameter lists, and counts
// each training step's matrix-multiply FLOPs from them.

export type LayerSpec =
  | { kind: "dense"; units: number; relu: boolean }
  | { kind: "conv2d"; filters: number; kernel: number; relu: boolean } // stride 1, "valid" padding
  | { kind: "maxpool"; size: number } // stride = size, "valid"
  | { kind: "flatten" };

export interface ModelSpec {
  /** Short name used in tables and JSON. */
  key: "mlp" | "cnn";
  title: string;
  /** The .dnn file, relative to the repository root. */
  dnn: string;
  /** Shape of one example (the batch dimension excluded). */
  input: number[];
  classes: number;
  layers: LayerSpec[];
  /** The parameter count Keras's model.summary() reports. */
  params: number;
}

export const MLP: ModelSpec = {
  key: "mlp",
  title: "MLP 784-256-128-10",
  dnn: "bench/models/mlp_784.dnn",
  input: [784],
  classes: 10,
  layers: [
    { kind: "dense", units: 256, relu: true },
    { kind: "dense", units: 128, relu: true },
    { kind: "dense", units: 10, relu: false },
  ],
  params: 235_146,
};

export const CNN: ModelSpec = {
  key: "cnn",
  title: "Keras MNIST CNN",
  dnn: "samples/mnist_cnn.dnn",
  input: [28, 28, 1],
  classes: 10,
  layers: [
    { kind: "conv2d", filters: 32, kernel: 3, relu: true },
    { kind: "maxpool", size: 2 },
    { kind: "conv2d", filters: 64, kernel: 3, relu: true },
    { kind: "maxpool", size: 2 },
    { kind: "conv2d", filters: 64, kernel: 3, relu: true },
    { kind: "flatten" },
    { kind: "dense", units: 64, relu: true },
    { kind: "dense", units: 10, relu: false },
  ],
  params: 93_322,
};

/** One matrix product C[M×N] = A[M×K] · B[K×N]: 2·M·K·N FLOPs. */
export interface Gemm {
  what: string;
  M: number;
  K: number;
  N: number;
}

export const gemmFlops = (g: Gemm) => 2 * g.M * g.K * g.N;
export const sumFlops = (gs: readonly Gemm[]) => gs.reduce((s, g) => s + gemmFlops(g), 0);

export interface StepGemms {
  /** The forward pass (inference). */
  forward: Gemm[];
  /** The backward pass: every weight gradient, and every input gradient except the first layer's. */
  backward: Gemm[];
  /** Parameter shapes in creation order (kernel, bias per layer), as dnnc and Keras list them. */
  paramShapes: number[][];
}

/**
 * The matrix products of one training step, counted analytically: a dense layer (in → out) is
 * X[B×in]·W[in×out] forward, Xᵀ·dY for the kernel's gradient and dY·Wᵀ for the input's; a
 * convolution is the same three products on its im2col matrices (M = B·OH·OW output positions,
 * K = kh·kw·Cin, N = Cout). The first layer's input gradient is not needed (its input is the
 * data), so it is not counted. Pooling, activations, biases, the loss and the optimizer are not
 * counted either: they are O(size of the activations or parameters), not O(a product).
 */
export function stepGemms(spec: ModelSpec, batch: number): StepGemms {
  const forward: Gemm[] = [];
  const backward: Gemm[] = [];
  const paramShapes: number[][] = [];
  let shape = [...spec.input];
  let first = true;
  let n = 0;
  for (const layer of spec.layers) {
    switch (layer.kind) {
      case "dense": {
        if (shape.length !== 1) throw new Error(`${spec.key}: dense layer on a ${shape.length}-d input; flatten first`);
        const [inp] = shape as [number];
        const name = `dense ${++n} (${inp}→${layer.units})`;
        forward.push({ what: `${name} forward`, M: batch, K: inp, N: layer.units });
        backward.push({ what: `${name} dW`, M: inp, K: batch, N: layer.units });
        if (!first) backward.push({ what: `${name} dX`, M: batch, K: layer.units, N: inp });
        paramShapes.push([inp, layer.units], [layer.units]);
        shape = [layer.units];
        break;
      }
      case "conv2d": {
        const [h, w, cin] = shape as [number, number, number];
        const oh = h - layer.kernel + 1, ow = w - layer.kernel + 1;
        const positions = batch * oh * ow, patch = layer.kernel * layer.kernel * cin;
        const name = `conv ${++n} (${h}×${w}×${cin}→${oh}×${ow}×${layer.filters})`;
        forward.push({ what: `${name} forward`, M: positions, K: patch, N: layer.filters });
        backward.push({ what: `${name} dW`, M: patch, K: positions, N: layer.filters });
        if (!first) backward.push({ what: `${name} dX`, M: positions, K: layer.filters, N: patch });
        paramShapes.push([layer.kernel, layer.kernel, cin, layer.filters], [layer.filters]);
        shape = [oh, ow, layer.filters];
        break;
      }
      case "maxpool": {
        const [h, w, c] = shape as [number, number, number];
        shape = [Math.floor(h / layer.size), Math.floor(w / layer.size), c];
        break;
      }
      case "flatten":
        shape = [shape.reduce((a, b) => a * b, 1)];
        break;
    }
    if (layer.kind === "dense" || layer.kind === "conv2d") first = false;
  }
  if (shape.length !== 1 || shape[0] !== spec.classes) throw new Error(`${spec.key}: the layers end in [${shape}], not [${spec.classes}]`);
  const params = paramShapes.reduce((s, p) => s + p.reduce((a, b) => a * b, 1), 0);
  if (params !== spec.params) throw new Error(`${spec.key}: the layers have ${params} parameters, the spec says ${spec.params}`);
  return { forward, backward, paramShapes };
}
