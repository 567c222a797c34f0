// The drawing pad: the user draws a digit with a mouse, a pen or a finger (pointer events), and
// each finished stroke turns the drawing into the model's input the way the UCI digits were
// made: the digit scaled to fit a 32×32 bitmap (its height filling it, as in the data, centred),
// then the ink pixels counted in each 4×4 block, giving 8×8 values of 0..16.

/** The side of the bitmap the UCI digits were drawn on, and of a block counted into one input. */
const BITMAP = 32;
const BLOCK = 4;
/** The pen's width on the 32×32 bitmap: about the width of a stroke in the UCI digits. */
const PEN = 3.5;

type Point = readonly [number, number];

export interface DrawingPad {
  /** Forgets the drawing. */
  clear(): void;
  /** The drawing as the model's input: 64 values of 0..16, row by row; all 0 with nothing drawn. */
  pixels(): Float32Array;
}

/**
 * Lets the user draw on `canvas`; `onStroke` runs after each stroke with the drawing's
 * pixels. Strokes are kept as points, so the bitmap is drawn afresh, scaled, from them.
 */
export function drawingPad(canvas: HTMLCanvasElement, onStroke: (pixels: Float32Array) => void): DrawingPad {
  const context = canvas.getContext("2d")!;
  const strokes: Point[][] = [];
  let drawing: Point[] | undefined;
  const at = (e: PointerEvent): Point => {
    const box = canvas.getBoundingClientRect();
    return [((e.clientX - box.left) / box.width) * canvas.width, ((e.clientY - box.top) / box.height) * canvas.height];
  };
  const redraw = () => {
    context.clearRect(0, 0, canvas.width, canvas.height);
    paint(context, strokes, canvas.width / 16, ([x, y]) => [x, y]);
  };
  canvas.addEventListener("pointerdown", (e) => {
    canvas.setPointerCapture(e.pointerId);
    drawing = [at(e)];
    strokes.push(drawing);
    redraw();
  });
  canvas.addEventListener("pointermove", (e) => {
    if (!drawing) return;
    drawing.push(at(e));
    redraw();
  });
  const end = () => {
    if (!drawing) return;
    drawing = undefined;
    onStroke(pad.pixels());
  };
  canvas.addEventListener("pointerup", end);
  canvas.addEventListener("pointercancel", end);
  const pad: DrawingPad = {
    clear() {
      strokes.length = 0;
      redraw();
    },
    pixels: () => downsample(strokes),
  };
  return pad;
}

/** Strokes the points, each mapped by `to`, with round ends so that a tap leaves a dot. */
function paint(context: CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D, strokes: readonly Point[][], width: number, to: (p: Point) => Point): void {
  context.lineWidth = width;
  context.lineCap = context.lineJoin = "round";
  context.strokeStyle = "#000";
  for (const stroke of strokes) {
    context.beginPath();
    const [first, ...rest] = stroke.map(to);
    context.moveTo(...first!);
    for (const p of rest.length > 0 ? rest : [first!]) context.lineTo(...p);
    context.stroke();
  }
}

/** The strokes as the UCI digits' 8×8 counts: scaled into a 32×32 bitmap, ink counted per 4×4 block. */
export function downsample(strokes: readonly Point[][]): Float32Array {
  const out = new Float32Array((BITMAP / BLOCK) ** 2);
  const points = strokes.flat();
  if (points.length === 0) return out;
  const xs = points.map((p) => p[0]);
  const ys = points.map((p) => p[1]);
  const [left, top] = [Math.min(...xs), Math.min(...ys)];
  const [width, height] = [Math.max(...xs) - left, Math.max(...ys) - top];
  // The larger side fills the bitmap less the pen's width (a dot stays a dot); the other is centred.
  const room = BITMAP - PEN;
  const scale = room / Math.max(width, height, 1e-6);
  const [dx, dy] = [(BITMAP - width * scale) / 2, (BITMAP - height * scale) / 2];
  const bitmap = new OffscreenCanvas(BITMAP, BITMAP).getContext("2d", { willReadFrequently: true })!;
  paint(bitmap, strokes, PEN, ([x, y]) => [dx + (x - left) * scale, dy + (y - top) * scale]);
  const alpha = bitmap.getImageData(0, 0, BITMAP, BITMAP).data;
  for (let y = 0; y < BITMAP; y++)
    for (let x = 0; x < BITMAP; x++) if (alpha[(y * BITMAP + x) * 4 + 3]! >= 128) out[Math.floor(y / BLOCK) * (BITMAP / BLOCK) + Math.floor(x / BLOCK)] += 1;
  return out;
}
