// What the model makes of a drawing: the softmax of its ten logits as bars, the likeliest digit
// named, and the 8×8 input it saw (the drawing downsampled, draw.ts), drawn as grey squares.

/** The probabilities of the ten classes: the softmax of the logits (shifted by their maximum, so exp() cannot overflow). */
export function softmax(logits: Float32Array): number[] {
  const max = Math.max(...logits);
  const exps = [...logits].map((l) => Math.exp(l - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
}

/** Ten rows, one per digit: its name, a bar as wide as its probability, the percentage. */
export function createBars(container: HTMLElement): HTMLElement[] {
  return Array.from({ length: 10 }, (_, digit) => {
    const row = document.createElement("div");
    row.className = "bar";
    row.dataset.digit = String(digit);
    row.innerHTML = `<span class="digit">${digit}</span><span class="track"><span class="fill"></span></span><span class="value"></span>`;
    container.appendChild(row);
    return row;
  });
}

/** Shows `probabilities` on the bars, the likeliest one marked, and returns its digit. */
export function showPrediction(bars: readonly HTMLElement[], probabilities: readonly number[]): number {
  const best = probabilities.indexOf(Math.max(...probabilities));
  bars.forEach((row, digit) => {
    const p = probabilities[digit]!;
    row.dataset.probability = String(p);
    row.classList.toggle("best", digit === best);
    (row.querySelector(".fill") as HTMLElement).style.width = `${(p * 100).toFixed(1)}%`;
    row.querySelector(".value")!.textContent = `${(p * 100).toFixed(1)}%`;
  });
  return best;
}

/** Empties the bars: no probabilities, none marked. */
export function clearBars(bars: readonly HTMLElement[]): void {
  for (const row of bars) {
    delete row.dataset.probability;
    row.classList.remove("best");
    (row.querySelector(".fill") as HTMLElement).style.width = "0";
    row.querySelector(".value")!.textContent = "";
  }
}

/** Draws the model's 8×8 input (0..16 per block) on `canvas`, dark where the count is high. */
export function showInput(canvas: HTMLCanvasElement, pixels: Float32Array): void {
  const context = canvas.getContext("2d")!;
  const cell = canvas.width / 8;
  pixels.forEach((v, i) => {
    const shade = Math.round(255 * (1 - v / 16));
    context.fillStyle = `rgb(${shade}, ${shade}, ${shade})`;
    context.fillRect((i % 8) * cell, Math.floor(i / 8) * cell, cell, cell);
  });
}
