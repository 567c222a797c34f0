// The samples `npm run results` trains (scripts/results.ts), with what docs/results.md says about
// each: the network, its target, and the nearest figure the Fashion-MNIST README's benchmark lists.
export interface Published {
  accuracy: number;
  row: string; // the table's "Classifier" cell, verbatim
  preprocessing: string;
  submitter: string;
  note?: string;
}

export interface SampleInfo {
  name: string; // samples/<name>.dnn
  network: string;
  target?: { accuracy: number; note: string };
  published?: Published;
  comparison?: string; // why there is no published figure, or how it compares
  /** Measured before any full run, for planning: per epoch of the header's command. */
  perEpoch: string;
  /** What the test set is, when not Fashion-MNIST's test images. */
  testSet?: string;
}

// The rows of the Fashion-MNIST README's "Benchmark" table (commit b2617bb of 2022-03-21). The
// README warns that the maintainers have not tested the submitted results.
const MLP_ROW: Published = { accuracy: 0.8833, row: "MLP 256-128-100", preprocessing: "None", submitter: "@heitorrapela" };
const GRU_ROW: Published = { accuracy: 0.888, row: "GRU+SVM", preprocessing: "None", submitter: "@AFAgarap", note: "the same submitter lists 0.897 for GRU+SVM with dropout" };

export const SAMPLES: SampleInfo[] = [
  {
    name: "mlp_fashion",
    perEpoch: "20 s",
    network: "MLP 784-256-128-100-10 (ReLU), Adam",
    target: { accuracy: 0.88, note: "MLP ≥ 0.88" },
    published: MLP_ROW,
  },
  {
    name: "cnn_fashion",
    perEpoch: "4.2 min with 2 threads (4.7 with one); on wasm, one thread, 31.5 s for a whole 60,000-image epoch (`bench/epoch-speed.ts`, 7 December)",
    network: "the Keras MNIST CNN: Conv 32 → pool → Conv 64 → pool → Conv 64 → Dense 64 → Dense 10, Adam",
    target: { accuracy: 0.91, note: "CNN ≥ 0.91" },
    published: { accuracy: 0.916, row: "2 Conv+pooling", preprocessing: "None", submitter: "TensorFlow's doc (tensorflow.org/tutorials/layers)", note: "a wider network: two 5×5 convolutions (32, 64) and a 1024-unit dense layer with dropout" },
  },
  {
    name: "gru_fashion",
    perEpoch: "4.1 min",
    network: "GRU(128) over the 28 rows, Dense 10, Adam",
    target: { accuracy: 0.88, note: "GRU or LSTM ≥ 0.88" },
    published: GRU_ROW,
  },
  {
    name: "lstm_fashion",
    perEpoch: "5.9 min",
    network: "LSTM(128) over the 28 rows, Dense 10, Adam",
    target: { accuracy: 0.88, note: "GRU or LSTM ≥ 0.88" },
    published: GRU_ROW,
    comparison: "the table has no LSTM row; GRU+SVM is the nearest recurrent network",
  },
  {
    name: "resnet_fashion",
    perEpoch: "5.2 min with 2 threads (7.3 with one)",
    network: "small ResNet: stem Conv 16 + BatchNorm + max pool, four basic residual blocks (16; 32, 32; 64 filters), global average pool, Dense 10, SGD with momentum and a cosine learning-rate schedule; random flips and 2-pixel shifts",
    target: { accuracy: 0.92, note: "ResNet ≥ 0.92" },
    published: { accuracy: 0.949, row: "ResNet18", preprocessing: "Normalization, random horizontal flip, random vertical flip, random translation, random rotation.", submitter: "Kyriakos Efthymiadis", note: "ResNet18 has about 11 million parameters, this network 97,514; the same submitter lists a 2-conv network with the same augmentation at 0.919" },
  },
  {
    name: "transfer_fashion",
    perEpoch: "2.3 min pretraining, 1.0 min fine-tuning (27,000 images each)",
    network: "CNN pretrained on classes 0–4, then its frozen convolutional base with a new head on classes 5–9",
    comparison: "no published row: two 5-class problems, not comparable with the table's 10-class accuracies",
  },
  {
    name: "vit_fashion",
    perEpoch: "about 6 min on wasm, one thread, on a loaded machine (7 December)",
    network: "a small Vision Transformer: 4×4 patches as 49 tokens of width 64, learned positions, four pre-norm encoder blocks (4 heads of 16, GELU MLP 128), mean token, Dense 10, Adam with a cosine schedule",
    target: { accuracy: 0.88, note: "ViT ≥ 0.88 (issue 20)" },
    comparison: "the table has no Transformer row",
  },
  {
    name: "sort_transformer",
    perEpoch: "about 1.5 min on wasm, one thread, at load 3 (7 December; 57,000 sequences)",
    network: "a causal Transformer decoder (synthetic task, not Fashion-MNIST): token and learned position embeddings of width 64, two pre-norm blocks of causal MultiHeadAttention (4 heads of 16) and a GELU MLP, Dense 11; it reads eight digits and a separator and writes them sorted. Trained with teacher forcing by scripts/train-sort.ts; tested by greedy decoding, every predicted digit fed back before the next and nothing after it in the input, so a model that read ahead would fail",
    target: { accuracy: 0.99, note: "causal Transformer ≥ 0.99 token accuracy (issue 20)" },
    comparison: "a synthetic task; the accuracy is per token of the sorted half, on 10,000 test sequences not in the training set",
    testSet: "test sequences (token accuracy, greedy decoding)",
  },
  {
    name: "regularized_fashion",
    perEpoch: "46 s",
    network: "MLP 784-512-256-10 with dropout 0.3, L1 on the first kernel and L2 on every kernel, Adam",
    published: MLP_ROW,
    comparison: "the nearest row is an unregularized MLP",
  },
  {
    name: "autoencoder_fashion",
    perEpoch: "on wasm, 73–277 s per 54,000-image epoch in its first full run (7 December, load average 8–11: the machine shared with three other runs)",
    network: "convolutional autoencoder (TensorFlow's \"Intro to Autoencoders\" network): Conv 16 and Conv 8 with strides 2 to a 7×7×8 code, Conv2DTranspose 8 and 16 with strides 2, Conv 1 with a sigmoid; MSE against the input, Adam",
    comparison: "no published row: the table lists classifiers; the figure here is the test reconstruction MSE per pixel (lower is better), and the report shows test images beside their reconstructions",
  },
];
