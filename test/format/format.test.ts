// The formatter on small tricky inputs, each pinned as the exact text it must produce. Every
// case also checks the formatter's promises (helpers.ts): same tokens, comments and line
// breaks, and formatting the result again changes nothing.
import { describe, expect, it } from "vitest";
import { format } from "../../src/format/format.ts";
import { formatted, lines } from "./helpers.ts";

describe("spacing", () => {
  it("one space around binary operators, |>, =, -> and after , and :; none inside brackets", () => {
    expect(formatted("model  M{\ninput x : f32[ B,8 ]\noutput y:f32[B,8]\ny=x*2.0+x@ w|>relu\n}\nfn f( a:f32[...,n] ,b : int=3 )->f32[...,n]=a^2/b\n")).toBe(
      lines(
        "model M {",
        "  input x: f32[B, 8]",
        "  output y: f32[B, 8]",
        "  y = x * 2.0 + x @ w |> relu",
        "}",
        "fn f(a: f32[..., n], b: int = 3) -> f32[..., n] = a ^ 2 / b",
      ),
    );
  });

  it("imports are tight: dots and braces", () => {
    expect(formatted("import   std.layers . { Dense ,Conv2D}\nimport std.optimizers.{ adam }\n")).toBe(
      lines("import std.layers.{Dense, Conv2D}", "import std.optimizers.{adam}"),
    );
  });

  it("negative numbers: unary minus is tight, binary minus spaced, also at the start of a line", () => {
    expect(formatted("fn n(x: f32[N, n]) -> f32[...] {\n  let a = reshape(x, [N, - 1]) - -1.0 * -(x ^ -2)\n  sum(a-1, axis: - 1)\n    -mean(x)\n}\n")).toBe(
      lines(
        "fn n(x: f32[N, n]) -> f32[...] {",
        "  let a = reshape(x, [N, -1]) - -1.0 * -(x ^ -2)",
        "  sum(a - 1, axis: -1)",
        "    - mean(x)", // a `-` after a complete line continues it (docs/language.md §6.9)
        "}",
      ),
    );
  });

  it("index and slices: colons inside [ ] are tight, a call or index hugs what it applies to", () => {
    expect(formatted("fn s(z: f32[N, n], units: int) -> f32[N] {\n  let a = z[ :, : units ]\n  let b = z[:,units : 2*units]\n  let c = z [ : , 2 * units : ] [0]\n  let d = z[ -1 , ... ]\n  f (a) (b)[ c ]\n}\n")).toBe(
      lines(
        "fn s(z: f32[N, n], units: int) -> f32[N] {",
        "  let a = z[:, :units]",
        "  let b = z[:, units:2 * units]",
        "  let c = z[:, 2 * units:][0]",
        "  let d = z[-1, ...]",
        "  f(a)(b)[c]",
        "}",
      ),
    );
  });

  it("slice steps: both colons tight, a negative step's minus hugs its number", () => {
    expect(formatted("fn s(z: f32[N, n]) -> f32[N, n] {\n  let a = z[ :, : : -1 ]\n  let b = z[:,1 : n : 2]\n  z[ ::-1 , 4:0:-2]\n}\n")).toBe(
      lines("fn s(z: f32[N, n]) -> f32[N, n] {", "  let a = z[:, ::-1]", "  let b = z[:, 1:n:2]", "  z[::-1, 4:0:-2]", "}"),
    );
  });

  it("if / else: spaces inside braces, else-if chains, an else on its own line is a continuation", () => {
    const input = `layer L(rate:float){
forward(x:f32[...])->f32[...]=
if training{where(less(rand_like(x),rate),0.0,x/(1.0-rate))}else{x}
}
fn g(x: f32[...], c: bool) -> f32[...] =
  if c {
  let y = x*2.0
  y
  } else if false {
      x
  }
  else { -x }
`;
    expect(formatted(input)).toBe(
      lines(
        "layer L(rate: float) {",
        "  forward(x: f32[...]) -> f32[...] =",
        "    if training { where(less(rand_like(x), rate), 0.0, x / (1.0 - rate)) } else { x }",
        "}",
        "fn g(x: f32[...], c: bool) -> f32[...] =",
        "  if c {",
        "    let y = x * 2.0",
        "    y",
        "  } else if false {",
        "    x",
        "  }",
        "  else { -x }",
      ),
    );
  });

  it("keeps a space where two tokens would otherwise lex as one (`5 .x` is not the float `5.`)", () => {
    expect(formatted("fn m(x) = 5 .foo\n")).toBe("fn m(x) = 5 .foo\n");
  });

  it("empty braces stay empty", () => {
    expect(formatted("model Empty {\n}\nmodel E2 { }\n")).toBe(lines("model Empty {", "}", "model E2 {}"));
  });
});

describe("indentation and line breaks", () => {
  it("indents by nesting; a continuation line goes one level deeper than its item's first line", () => {
    const input = `model P {
input x: f32[B, 28, 28, 1]
        output logits: f32[B, 10]
  logits = x|>Conv2D(32,3,activation:relu)|>MaxPool2D(2)
  |> Flatten()
      |> Dense(10)
}
`;
    expect(formatted(input)).toBe(
      lines(
        "model P {",
        "  input x: f32[B, 28, 28, 1]",
        "  output logits: f32[B, 10]",
        "  logits = x |> Conv2D(32, 3, activation: relu) |> MaxPool2D(2)",
        "    |> Flatten()",
        "    |> Dense(10)",
        "}",
      ),
    );
  });

  it("nested calls broken over lines: arguments one level in, closing brackets back at their line's indent", () => {
    const input = `model Calls {
  input x: f32[B, 8]
  output y: f32[B, 8]
  y = concat( [ relu( x ),sigmoid(tanh( x ) )] ,axis : -1 )[:, :8]
    + foo(
    a,
            bar(b, c),
      baz(
    d
    ),
  [1, 2,
     3]
    )
}
`;
    expect(formatted(input)).toBe(
      lines(
        "model Calls {",
        "  input x: f32[B, 8]",
        "  output y: f32[B, 8]",
        "  y = concat([relu(x), sigmoid(tanh(x))], axis: -1)[:, :8]",
        "    + foo(",
        "      a,",
        "      bar(b, c),",
        "      baz(",
        "        d",
        "      ),",
        "      [1, 2,",
        "        3]",
        "    )",
        "}",
      ),
    );
  });

  it("brackets opened mid-line add one level, not one per bracket (stdlib's erfinv polynomial)", () => {
    const input = "fn p(c: f32[...]) -> f32[...] {\n  let central = (((2.0 * c + 3.0) * c\n      + 0.5) * c + 1.5)\n  central\n}\n";
    expect(formatted(input)).toBe(lines("fn p(c: f32[...]) -> f32[...] {", "  let central = (((2.0 * c + 3.0) * c", "    + 0.5) * c + 1.5)", "  central", "}"));
  });

  it("never joins or splits lines: a long argument list stays on its line, a `[` starting a line stays there", () => {
    const long = "fn cell(h: f32[N, units], x: f32[N, d], kernel: f32[d, units], recurrent_kernel: f32[units, units], bias: f32[units]) -> f32[N, units] =";
    expect(long.length).toBeGreaterThan(100);
    expect(formatted(`${long}\n  x @ kernel + h @ recurrent_kernel + bias\n`)).toBe(lines(long, "  x @ kernel + h @ recurrent_kernel + bias"));
    // `[1.0, 2.0]` on its own line is the body's value, not an index of relu(x): the break is the meaning.
    expect(formatted("fn f(x: f32[...]) -> f32[2] {\n  let _a = relu(x)\n      [1.0, 2.0]\n}\n")).toBe(lines("fn f(x: f32[...]) -> f32[2] {", "  let _a = relu(x)", "  [1.0, 2.0]", "}"));
  });

  it("blank lines: runs become one; none at the start or end of the file or of a block", () => {
    const input = "\n\n// a\n\n\n\nmodel M {\n\n  input x: f32[B, 3]\n\n\n  output y: f32[B, 3]\n  y = x\n\n}\n\n\n";
    expect(formatted(input)).toBe(lines("// a", "", "model M {", "  input x: f32[B, 3]", "", "  output y: f32[B, 3]", "  y = x", "}"));
  });

  it("tabs, trailing spaces and a missing final newline", () => {
    expect(formatted("model M {\t\n\tinput x: f32[B, 3]   \n\t\toutput y: f32[B, 3]\n\ty = x}")).toBe(lines("model M {", "  input x: f32[B, 3]", "  output y: f32[B, 3]", "  y = x }"));
  });

  it("indent: 4 uses four spaces per level", () => {
    expect(formatted("layer L() {\n  forward(x) {\n    let y = x\n  y\n  }\n}\n", { indent: 4 })).toBe(lines("layer L() {", "    forward(x) {", "        let y = x", "        y", "    }", "}"));
  });

  it("keeps CRLF line endings", () => {
    expect(formatted("model M {\r\n input x: f32[B, 3]\r\n  output y: f32[B, 3]\r\ny = x\r\n}\r\n")).toBe("model M {\r\n  input x: f32[B, 3]\r\n  output y: f32[B, 3]\r\n  y = x\r\n}\r\n");
  });

  it("an empty file, or one of whitespace only, becomes empty", () => {
    expect(formatted("")).toBe("");
    expect(formatted(" \n\n\t\n")).toBe("");
  });
});

describe("comments", () => {
  it("stay on their line; own-line comments take the indent of the code after them", () => {
    const input = `/// A doc comment with three slashes.
// and a second line
fn f(x: f32[...]) -> f32[...] {   // after the opener
    // first in the block
      let a = x    // trailing
   let bb = a  // trailing
  a + bb        // the value
        // last in the block
}
model M {
  input x: f32[B, 3]
  output y: f32[B, 3]
  y = x       // between the lines of one expression
      // an own-line comment inside the expression
          * 2.0
}
// at the end


`;
    expect(formatted(input)).toBe(
      lines(
        "/// A doc comment with three slashes.",
        "// and a second line",
        "fn f(x: f32[...]) -> f32[...] {   // after the opener",
        "  // first in the block",
        "  let a = x    // trailing",
        "  let bb = a  // trailing",
        "  a + bb        // the value",
        "  // last in the block",
        "}",
        "model M {",
        "  input x: f32[B, 3]",
        "  output y: f32[B, 3]",
        "  y = x       // between the lines of one expression",
        "    // an own-line comment inside the expression",
        "    * 2.0",
        "}",
        "// at the end",
      ),
    );
  });

  it("a trailing comment keeps its column relative to the line's indent, moving right only when code reaches it", () => {
    expect(formatted("model M {\n      input x: f32[B,3]      // col 29\n  output y: f32[B, 3]// touching\n  y = x\n}\n")).toBe(
      lines("model M {", "  input x: f32[B, 3]     // col 29", "  output y: f32[B, 3] // touching", "  y = x", "}"),
    );
  });

  it("a run of trailing comments that started in one column stays in one column when code grows", () => {
    expect(formatted("model M {\n  input x: f32[B,3,4,5]  // a\n  output y: f32[B]       // b\n  y = sum(x, axis: [1, 2, 3])\n}\n")).toBe(
      lines("model M {", "  input x: f32[B, 3, 4, 5] // a", "  output y: f32[B]         // b", "  y = sum(x, axis: [1, 2, 3])", "}"),
    );
  });
});

describe("alignment (the house style of samples/)", () => {
  it("train blocks: `loss` and `optimizer` aligned at `=` when the author aligned them", () => {
    const input = "train M{\ntarget y:i32[B]\nloss =  mse(logits,y)\noptimizer=sgd(lr:0.5)\n  clip_norm  = 1.0\n}\n";
    expect(formatted(input)).toBe(lines("train M {", "  target y: i32[B]", "  loss      = mse(logits, y)", "  optimizer = sgd(lr: 0.5)", "  clip_norm = 1.0", "}"));
  });

  it("no extra spaces anywhere in a run: not aligned (stdlib's params)", () => {
    const input = "layer D(units: int) {\n  param kernel: f32[in, units] = glorot_uniform()\n  param bias: f32[units] = zeros()\n  forward(x: f32[..., in]) = x @ kernel + bias\n}\n";
    expect(formatted(input)).toBe(input);
  });

  it("input/output keywords, types and `=` realigned after a rename; a blank line ends a run", () => {
    const input = `model Net {
  input  x: f32[B, 2]
  output hidden: f32[B, 2]
  output a: f32[B, 1]

  param W_h: f32[2, 2] = [[0.3, -0.1], [0.5, 0.2]]
  param bias_h: f32[2]    = [0.4, -0.3]
  param s:   f32[] = 1.0
  param z:   f32[1]
  param q: f32[1] = zeros()
  hidden = sigmoid(x @ W_h + bias_h)
  a = hidden
}
`;
    expect(formatted(input)).toBe(
      lines(
        "model Net {",
        "  input  x: f32[B, 2]",
        "  output hidden: f32[B, 2]",
        "  output a: f32[B, 1]",
        "",
        "  param W_h:    f32[2, 2] = [[0.3, -0.1], [0.5, 0.2]]",
        "  param bias_h: f32[2]    = [0.4, -0.3]",
        "  param s:      f32[]     = 1.0", // `param z` has no `=`: it ends the `=` run
        "  param z:      f32[1]",
        "  param q:      f32[1] = zeros()",
        "  hidden = sigmoid(x @ W_h + bias_h)",
        "  a = hidden",
        "}",
      ),
    );
  });

  it("continuation lines do not end a run; `forward(…) =` and `let` keywords are never aligned", () => {
    const input = "train M {\n  loss  = a\n      + b\n  optimizer = sgd()\n}\nlayer L() {\n  let  k = 1\n  forward(x)   = x\n}\n";
    expect(formatted(input)).toBe(lines("train M {", "  loss      = a", "    + b", "  optimizer = sgd()", "}", "layer L() {", "  let k = 1", "  forward(x) = x", "}"));
  });
});

describe("text that does not parse", () => {
  it("comes back unchanged, with the syntax diagnostics", () => {
    const broken = "model   M {\n  input x f32[B, 4]\n    output y: f32[B, 4]\n}\n";
    const r = format("broken.dnn", broken);
    expect(r.text).toBe(broken);
    expect(r.diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual(["DNN0002 expected ':', found 'f32'"]);
    expect(r.diagnostics[0]!.span.file).toBe("broken.dnn");
  });

  it("a character the lexer does not know, brackets nested too deep, a literal too large: unchanged", () => {
    for (const text of ["model M {\n  input x: f32[B, 3]; output y: f32[B, 3]\n  y = x\n}\n", "fn f(x) = " + "(".repeat(60) + "x" + ")".repeat(60) + "\n", "fn f(x) =   x * 1e39\n"]) {
      const r = format("bad.dnn", text);
      expect(r.text).toBe(text);
      expect(r.diagnostics.length).toBeGreaterThan(0);
    }
  });

  it("a clean file gives no diagnostics, and the width option changes nothing", () => {
    const r = format("ok.dnn", "fn   f(x) = x\n", { width: 10 });
    expect(r).toEqual({ text: "fn f(x) = x\n", diagnostics: [] });
  });
});
