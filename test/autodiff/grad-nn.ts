// Finite-difference cases of the neural-network primitives (window, unwindow, gather,
// scatter_add, scan), registered by grad.test.ts so its coverage check sees them; erf is
// among the unary cases there.
import fc from "fast-check";
import { Builder, type Fn, type Window } from "../../src/ir/ir.ts";
import type { Shape } from "../../src/ir/shape.ts";
import { distinct, fdProperty, real, tensor, type Case } from "./fd.ts";

interface Geometry {
  name: string;
  image: number[];
  w: Window;
  after: [number, number];
}

const geometry = (name: string, image: number[], kernel: [number, number], stride: [number, number], dilation: [number, number], padBefore: [number, number], after: [number, number], fill = 0): Geometry => ({
  name,
  image,
  w: { kernel, stride, dilation, padBefore, fill },
  after,
});

// Every way a window position can map to its source: strided, dilated, padded on either side,
// and cropped (a negative padding after, so the last rows and columns are read by no window).
const GEOMETRIES: Geometry[] = [
  geometry("stride 2×1, dilation 1×2, padding", [2, 5, 6, 2], [2, 3], [2, 1], [1, 2], [1, 1], [1, 0]),
  geometry("plain 2×2, stride 2", [1, 4, 4, 1], [2, 2], [2, 2], [1, 1], [0, 0], [0, 0]),
  geometry("stride 2 and dilation 2 on both axes, padding on both sides", [1, 7, 7, 2], [2, 2], [2, 2], [2, 2], [1, 1], [1, 1]),
  geometry("cropped: the last rows and columns unread", [1, 7, 6, 1], [2, 2], [2, 2], [1, 1], [0, 0], [-2, -1]),
];

const windowShape = (g: Geometry): number[] => {
  const probe = new Builder("probe");
  return probe.node(probe.window(probe.arg("x", "input", g.image), g.w, g.after)).shape as number[];
};

/** A scan body (carry, x_t, ...consts) → carry, built by `f`. */
function body(name: string, args: [string, Shape, ("f32" | "i32")?][], f: (b: Builder, xs: number[]) => number): Fn {
  const b = new Builder(name);
  const xs = args.map(([n, s, t]) => b.arg(n, "input", s, t ?? "f32"));
  b.output("carry", f(b, xs));
  return b.fn;
}

/** c' = tanh(x_t @ W + c @ U), with the batch `n` (a number or the symbol B). */
const rnnCell = (n: number | string) =>
  body("cell", [["carry", [n, 3]], ["x_t", [n, 2]], ["W", [2, 3]], ["U", [3, 3]]], (b, [c, x, W, U]) => b.unary("tanh", b.binary("add", b.matmul(x!, W!), b.matmul(c!, U!))));

export function nnGradientCases(): void {
  for (const g of GEOMETRIES)
    fdProperty(
      `conv2d as window + matmul: ${g.name}`,
      ["window"],
      (() => {
        const C = g.image[3]!;
        const patch = g.w.kernel[0] * g.w.kernel[1] * C;
        return fc.tuple(tensor(g.image, real), tensor([patch, 3], real)).map(([x, k]): Case => ({
          inputs: [{ shape: g.image, data: x }, { shape: [patch, 3], data: k }],
          build: (b, [xi, ki]) => {
            const win = b.window(xi!, g.w, g.after);
            const [N, OH, OW] = b.node(win).shape as number[];
            return b.matmul(b.reshape(win, [N! * OH! * OW!, patch]), ki!);
          },
        }));
      })(),
      20,
    );

  // Windows partly over the −∞ padding: those positions must get no gradient (and no NaN).
  for (const g of [geometry("2×2, stride 2, padding after", [1, 5, 5, 2], [2, 2], [2, 2], [1, 1], [0, 0], [1, 1], -Infinity), geometry("stride 2, dilation 2, padding", [1, 6, 6, 2], [2, 2], [2, 2], [2, 2], [1, 1], [1, 1], -Infinity)])
    fdProperty(
      `max pooling as window (fill −∞) + reduce_max: ${g.name}`,
      ["window", "reduce_max"],
      distinct(g.image).map((x): Case => ({ inputs: [{ shape: g.image, data: x }], build: (b, [xi]) => b.reduce("reduce_max", b.window(xi!, g.w, g.after), [3, 4]) })),
      30,
    );

  for (const g of GEOMETRIES)
    fdProperty(
      `unwindow (the adjoint of window): ${g.name}`,
      ["unwindow"],
      tensor(windowShape(g), real).map((d): Case => ({ inputs: [{ shape: windowShape(g), data: d }], build: (b, [x]) => b.unwindow(x!, g.w, g.image) })),
      20,
    );

  fdProperty(
    "gather (embedding lookup, rows out of range read 0)",
    ["gather"],
    fc.tuple(tensor([4, 3], real), tensor([2, 3], fc.integer({ min: -1, max: 4 }))).map(([t, i]): Case => ({
      inputs: [{ shape: [4, 3], data: t }, { shape: [2, 3], data: i, dtype: "i32" }],
      build: (b, [table, idx]) => b.gather(table!, idx!),
    })),
  );
  fdProperty(
    "gather from a 1-D table (scalar rows)",
    ["gather"],
    fc.tuple(tensor([5], real), tensor([4], fc.integer({ min: -1, max: 5 }))).map(([t, i]): Case => ({
      inputs: [{ shape: [5], data: t }, { shape: [4], data: i, dtype: "i32" }],
      build: (b, [table, idx]) => b.gather(table!, idx!),
    })),
  );
  fdProperty(
    "scatter_add (repeated and out-of-range indices)",
    ["scatter_add"],
    fc.tuple(tensor([2, 3, 2], real), tensor([2, 3], fc.integer({ min: -1, max: 4 }))).map(([u, i]): Case => ({
      inputs: [{ shape: [2, 3, 2], data: u }, { shape: [2, 3], data: i, dtype: "i32" }],
      build: (b, [upd, idx]) => b.scatterAdd(upd!, idx!, 4),
    })),
  );

  // ---- scan: backpropagation through time -------------------------------------------------------

  // An RNN over 4 steps along axis 1, batch 2: gradients wrt the initial carry, the sequence and
  // both weight matrices (the constants).
  for (const reverse of [false, true])
    fdProperty(
      `scan: an RNN over 4 steps${reverse ? ", in reverse" : ""} (init, sequence and weights)`,
      ["scan"],
      fc.tuple(tensor([2, 3], real), tensor([2, 4, 2], real), tensor([2, 3], real), tensor([3, 3], real)).map(([c0, xs, w, u]): Case => ({
        inputs: [{ shape: [2, 3], data: c0 }, { shape: [2, 4, 2], data: xs }, { shape: [2, 3], data: w }, { shape: [3, 3], data: u }],
        build: (b, [c, x, W, U]) => b.scan(rnnCell(2), c!, x!, [W!, U!], 1, reverse),
      })),
      25,
    );

  // Time on axis 0, no constants, a carry of rank 1, and x_t entering nonlinearly.
  const sumSquares = body("sum_squares", [["carry", [3]], ["x_t", [3]]], (b, [c, x]) => b.binary("add", b.binary("mul", c!, x!), b.binary("mul", x!, x!)));
  for (const reverse of [false, true])
    fdProperty(
      `scan along axis 0 without constants: c' = c·x + x²${reverse ? ", in reverse" : ""}`,
      ["scan"],
      fc.tuple(tensor([3], real), tensor([4, 3], real)).map(([c0, xs]): Case => ({
        inputs: [{ shape: [3], data: c0 }, { shape: [4, 3], data: xs }],
        build: (b, [c, x]) => b.scan(sumSquares, c!, x!, [], 0, reverse),
      })),
      30,
    );

  // A symbolic batch (B = 2), and sequences of one step (the shifted carries are then empty).
  for (const T of [1, 3])
    fdProperty(
      `scan over a symbolic batch B, ${T} step${T > 1 ? "s" : ""}`,
      ["scan"],
      fc.tuple(tensor([2, 3], real), tensor([2, T, 2], real), tensor([2, 3], real), tensor([3, 3], real), tensor([2], real)).map(([c0, xs, w, u, rows]): Case => ({
        inputs: [{ shape: ["B", 3], data: c0 }, { shape: ["B", T, 2], data: xs }, { shape: [2, 3], data: w }, { shape: [3, 3], data: u }, { shape: ["B"], data: rows }],
        dims: { B: 2 },
        // Weighting each batch row by an input, then summing B away, leaves a loss of known shape.
        build: (b, [c, x, W, U, r]) => {
          const y = b.scan(rnnCell("B"), c!, x!, [W!, U!], 1);
          return b.reduce("sum", b.binary("mul", y, b.broadcast(b.reshape(r!, ["B", 1, 1]), ["B", T, 3])), [0]);
        },
      })),
      20,
    );

  // Integer steps (token ids) looked up in an embedding table passed as a constant.
  const embedCell = body("embed_cell", [["carry", [2, 3]], ["x_t", [2], "i32"], ["E", [5, 3]]], (b, [c, x, E]) => b.unary("tanh", b.binary("add", c!, b.gather(E!, x!))));
  fdProperty(
    "scan over integer steps with an embedding in the body (gradient reaches the table)",
    ["scan"],
    fc.tuple(tensor([2, 3], real), tensor([2, 4], fc.integer({ min: -1, max: 5 })), tensor([5, 3], real)).map(([c0, ids, e]): Case => ({
      inputs: [{ shape: [2, 3], data: c0 }, { shape: [2, 4], data: ids, dtype: "i32" }, { shape: [5, 3], data: e }],
      build: (b, [c, x, E]) => b.scan(embedCell, c!, x!, [E!], 1),
    })),
    25,
  );

  // A scan inside a scan's body: the backward body differentiates the inner scan with a scan.
  const inner = body("inner", [["carry", [2]], ["x_t", [2]], ["w", [2]]], (b, [c, x, w]) => b.unary("tanh", b.binary("add", b.binary("mul", c!, w!), x!)));
  const outer = body("outer", [["carry", [2]], ["x_t", [3]], ["w", [2]]], (b, [c, x, w]) => {
    const seq = b.broadcast(b.reshape(x!, [3, 1]), [3, 2]);
    return b.reshape(b.slice(b.scan(inner, c!, seq, [w!], 0), [2, 0], [1, 2]), [2]);
  });
  fdProperty(
    "nested scans (an inner scan in the body)",
    ["scan"],
    fc.tuple(tensor([2], real), tensor([3, 3], real), tensor([2], real)).map(([c0, xs, w]): Case => ({
      inputs: [{ shape: [2], data: c0 }, { shape: [3, 3], data: xs }, { shape: [2], data: w }],
      build: (b, [c, x, wi]) => b.scan(outer, c!, x!, [wi!], 0, true),
    })),
    15,
  );
}
