// Images in the training report: a model trained to reproduce its input (an autoencoder) is shown
// by test images beside what it makes of them. Each image is an uncompressed 24-bit BMP in a data
// URI, so the report stays one file with no scripts: a 28×28 image is 2.4 kB.

export interface Reconstructions {
  /** [height, width, channels] of one example, channels 1 (grey) or 3 (RGB). */
  shape: [number, number, number];
  inputs: Float32Array[];
  outputs: Float32Array[];
}

/** The example shape as an image, [height, width, channels], or undefined when it is not one. */
export function imageShape(shape: readonly number[]): [number, number, number] | undefined {
  const [h, w, c = 1] = shape;
  if (shape.length < 2 || shape.length > 3 || h === undefined || w === undefined) return undefined;
  return c === 1 || c === 3 ? [h, w, c] : undefined;
}

/** Rows of input | reconstruction pairs, both drawn on the input's value range. */
export function reconstructionPanel(r: Reconstructions): string {
  const cells = r.inputs.map((x, i) => {
    let lo = Infinity, hi = -Infinity;
    for (const v of x) (lo = Math.min(lo, v)), (hi = Math.max(hi, v));
    const img = (v: Float32Array, alt: string) => `<img alt="${alt} ${i + 1}" src="data:image/bmp;base64,${bmp(v, r.shape, lo, hi)}">`;
    return `<figure>${img(x, "test image")}${img(r.outputs[i]!, "reconstruction")}<figcaption>${i + 1}</figcaption></figure>`;
  });
  return `<p>Test images (left of each pair) and the model's output for them (right), each pair on the input's range of values.</p><div class="recon">${cells.join("")}</div>`;
}

/** One example as a bottom-up 24-bit BMP, values mapped from [lo, hi] to 0–255 and clamped. */
function bmp(values: Float32Array, [h, w, c]: [number, number, number], lo: number, hi: number): string {
  const stride = Math.ceil((w * 3) / 4) * 4;
  const bytes = new Uint8Array(54 + stride * h);
  const view = new DataView(bytes.buffer);
  bytes.set([0x42, 0x4d]); // "BM"
  view.setUint32(2, bytes.length, true);
  view.setUint32(10, 54, true); // where the pixels start
  view.setUint32(14, 40, true); // BITMAPINFOHEADER
  view.setInt32(18, w, true);
  view.setInt32(22, h, true); // positive: the last row first
  view.setUint16(26, 1, true); // planes
  view.setUint16(28, 24, true); // bits per pixel
  const scale = hi > lo ? 255 / (hi - lo) : 0;
  const byte = (v: number) => Math.max(0, Math.min(255, Math.round((v - lo) * scale)));
  for (let y = 0; y < h; y++) {
    const row = 54 + (h - 1 - y) * stride;
    for (let x = 0; x < w; x++) {
      const at = (y * w + x) * c;
      const [r, g, b] = c === 3 ? [values[at]!, values[at + 1]!, values[at + 2]!] : [values[at]!, values[at]!, values[at]!];
      bytes.set([byte(b), byte(g), byte(r)], row + x * 3); // BMP stores blue, green, red
    }
  }
  return Buffer.from(bytes).toString("base64");
}
