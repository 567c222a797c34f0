// Sliding windows of an NHWC image (im2col, so a convolution is one matrix product) and their
// adjoint, in WebAssembly SIMD128: the loops of windowsOf (runtime/cpu/nn.ts), which is the
// reference semantics, over linear memory.
//
// Each window row (b, oh, ow, kh) is at most three runs: KW·C floats split into the columns left
// of the image (fill), those inside it, those right of it (fill). The inside kw range [lo, hi) is
// found once per window, as windowsOf does, so the runs themselves test no bounds; without
// dilation the inside run is one contiguous span of the image row, (hi − lo)·C floats, moved four
// floats at a time with v128 loads and stores and a scalar tail. With dilation each kw is its own
// run of C floats. A run of a single channel (C = 1) costs a few compares, not a vector set-up per
// float, so a first convolution stays cheap.
//
// Every bound is computed in unsigned arithmetic on non-negative numbers: a column u = ow·sw +
// kw·dw (padding not yet taken off) lies inside the image when u − pw <u W, which is false both
// for u < pw (the subtraction wraps) and for u ≥ W + pw; likewise a row h < 0 wraps past H.
// Addresses are computed modulo 2³², so one computed from a row above the image (h < 0) is still
// right once the row steps inside it.
//
// The adjoint zeroes the image, then adds each window element into its source pixel in window
// order (b, oh, ow, kh, kw, c): a vector add takes four different pixels of one run, so every
// pixel still receives its terms one by one in that order, and its float32 sum rounds as
// windowsOf's (the first term is 0 + x, as there).
import { FuncBuilder, type Local } from "./builder.ts";
import type { Func, Instr } from "./encode.ts";

/** The sizes both functions take after their two pointers, all i32. */
const SIZES = ["N", "H", "W", "C", "OH", "OW", "KH", "KW", "sh", "sw", "dh", "dw", "ph", "pw"] as const;

/**
 * `window(win, img, N, H, W, C, OH, OW, KH, KW, sh, sw, dh, dw, ph, pw, fill: f32)`: win
 * [N, OH, OW, KH, KW, C] ← the windows of img [N, H, W, C], positions outside the image `fill`.
 * `unwindow(img, win, N, H, W, C, OH, OW, KH, KW, sh, sw, dh, dw, ph, pw)`: img ← 0, then
 * img += each element of win at its source. Pointers in bytes; strides sh, sw and dilations dh,
 * dw at least 1; ph, pw the padding before (padding after follows from OH and OW).
 */
export function windowFuncs(): Func[] {
  return [windowFunc(false), windowFunc(true)];
}

type Run = "fill" | "copy" | "add";

function windowFunc(adjoint: boolean): Func {
  const pointers = adjoint ? (["img", "win"] as const) : (["win", "img"] as const);
  const f = new FuncBuilder(adjoint ? "unwindow" : "window", [
    ...pointers.map((n) => [n, "i32"] as const),
    ...SIZES.map((n) => [n, "i32"] as const),
    ...(adjoint ? [] : [["fill", "f32"] as const]),
  ]);
  const param = (name: string): Local => f.params.find((p) => p.name === name)!;
  const [win, img, N, H, W, C, OH, OW, KH, KW, sh, sw, dh, dw, ph, pw] = ["win", "img", ...SIZES].map(param) as [Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local, Local];
  const { get, i32 } = f;
  const b = f.local("b");
  const oh = f.local("oh");
  const ow = f.local("ow");
  const kh = f.local("kh");
  const kw = f.local("kw");
  const u = f.local("u");
  const lo = f.local("lo");
  const hi = f.local("hi");
  const h = f.local("h");
  const w = f.local("w");
  const src = f.local("src");
  const dst = f.local("dst");
  const i = f.local("i");
  const whole = f.local("whole");
  const end = f.local("end");
  const chanBytes = f.local("chanBytes");
  const rowBytes = f.local("rowBytes");
  const imgRowStep = f.local("imgRowStep");
  const kwStep = f.local("kwStep");
  const first = f.local("first");
  const left = f.local("left");
  const span = f.local("span");
  const fillVector = f.local("fillVector", "v128");
  const fillScalar: Instr = adjoint ? ["f32.const", 0] : get(param("fill"));
  const mul = (...xs: Instr[]): Instr[] => [xs[0]!, ...xs.slice(1).flatMap((x) => [x, ["i32.mul"] as Instr])];
  const at = (p: Local): Instr[] => [get(p), get(i), ["i32.add"]];

  /**
   * `count` floats at byte `to`: the fill value, or copied from byte `from`, or `from`'s added to
   * them. Whole vectors first, then the last one to three floats.
   */
  const run = (kind: Run, to: Local, from: Local | undefined, count: Instr[]) => {
    f.assign(end, ...count, i32(4), ["i32.mul"]);
    f.assign(whole, get(end), i32(-16), ["i32.and"]);
    const body = (vector: boolean) => () => {
      const [load, store, plus]: Instr[] = vector ? [["v128.load", 0, 2], ["v128.store", 0, 2], ["f32x4.add"]] : [["f32.load", 0], ["f32.store", 0], ["f32.add"]];
      if (kind === "fill") f.emit(...at(to), vector ? get(fillVector) : fillScalar, store);
      else if (kind === "copy") f.emit(...at(to), ...at(from!), load, store);
      else f.emit(...at(to), ...at(to), load, ...at(from!), load, plus, store);
    };
    f.forRange(i, [i32(0)], [get(whole)], 16, body(true));
    f.forRange(i, [get(whole)], [get(end)], 4, body(false));
  };

  f.assign(fillVector, fillScalar, ["f32x4.splat"]);
  f.assign(chanBytes, get(C), i32(4), ["i32.mul"]);
  f.assign(rowBytes, ...mul(get(KW), get(chanBytes)));
  f.assign(imgRowStep, ...mul(get(dh), get(W), get(chanBytes)));
  f.assign(kwStep, ...mul(get(dw), get(chanBytes)));
  // The adjoint's image starts at 0: every pixel's sum starts from 0 + its first term.
  if (adjoint) run("fill", img, undefined, mul(get(N), get(H), get(W), get(C)));
  f.assign(w, get(win));
  f.forRange(b, [i32(0)], [get(N)], 1, () =>
    f.forRange(oh, [i32(0)], [get(OH)], 1, () =>
      f.forRange(ow, [i32(0)], [get(OW)], 1, () => {
        // lo: the kw whose column lies left of the image; hi − lo: those inside it. The same for
        // every kh, so counted once per window (KW steps, against KH·KW·C floats moved).
        f.assign(lo, i32(0)).assign(hi, i32(0)).assign(u, ...mul(get(ow), get(sw)));
        f.forRange(kw, [i32(0)], [get(KW)], 1, () => {
          f.addTo(lo, get(u), get(pw), ["i32.lt_u"]);
          f.addTo(hi, get(u), get(pw), ["i32.sub"], get(W), ["i32.lt_u"]);
          f.addTo(u, get(dw));
        });
        f.addTo(hi, get(lo));
        // Row kh = 0 of the window: image row h, its pixel at column kw = lo (address modulo
        // 2³², right whenever the row is inside); each kh moves both by one step.
        f.assign(h, ...mul(get(oh), get(sh)), get(ph), ["i32.sub"]);
        f.assign(first, get(img), ...mul(get(b), get(H)), get(h), ["i32.add"], get(W), ["i32.mul"], ...mul(get(ow), get(sw)), ["i32.add"], ...mul(get(lo), get(dw)), ["i32.add"], get(pw), ["i32.sub"], get(chanBytes), ["i32.mul"], ["i32.add"]);
        f.assign(left, ...mul(get(lo), get(chanBytes)));
        f.assign(span, get(hi), get(lo), ["i32.sub"], get(C), ["i32.mul"]);
        f.forRange(kh, [i32(0)], [get(KH)], 1, () => {
          const inside = () => {
            if (!adjoint) f.when([get(lo)], () => run("fill", w, undefined, mul(get(lo), get(C))));
            f.assign(src, get(first));
            f.assign(dst, get(w), get(left), ["i32.add"]);
            const [to, from] = adjoint ? [src, dst] : [dst, src];
            const kind: Run = adjoint ? "add" : "copy";
            f.either(
              [get(dw), i32(1), ["i32.sub"], ["i32.eqz"]],
              () => run(kind, to, from, [get(span)]),
              // Dilated: one run of C floats per kw, dw pixels apart in the image.
              () =>
                f.forRange(kw, [get(lo)], [get(hi)], 1, () => {
                  run(kind, to, from, [get(C)]);
                  f.addTo(src, get(kwStep));
                  f.addTo(dst, get(chanBytes));
                }),
            );
            if (!adjoint)
              f.when([get(hi), get(KW), ["i32.lt_u"]], () => {
                f.assign(dst, get(w), ...mul(get(hi), get(chanBytes)), ["i32.add"]);
                run("fill", dst, undefined, [get(KW), get(hi), ["i32.sub"], get(C), ["i32.mul"]]);
              });
          };
          // Row h inside the image (h < 0 wraps past H) and some column inside it.
          const rowInside: Instr[] = [get(h), get(H), ["i32.lt_u"], get(lo), get(hi), ["i32.lt_u"], ["i32.and"]];
          if (adjoint) f.when(rowInside, inside);
          else f.either(rowInside, inside, () => run("fill", w, undefined, [get(KW), get(C), ["i32.mul"]]));
          f.addTo(h, get(dh)).addTo(first, get(imgRowStep)).addTo(w, get(rowBytes));
        });
      }),
    ),
  );
  return f.finish(true);
}
