/**
 * tree-sitter grammar for .dnn, for highlighting and structure in editors (Neovim, Helix) and
 * tree-sitter based viewers. The language's truth is grammar/tokens.ts and grammar/parser.ts (the
 * compiler's chevrotain lexer and parser; docs/language.md describes them): this grammar follows
 * them rule for rule, with two deliberate differences, both where it accepts more:
 *   - operators are nested by precedence here (the compiler's parser keeps a flat operand list and
 *     groups it later, decision 0010); the grouping is the same;
 *   - an import's tail (`.{A, B}` or `.*`) may be any segment of its path, which keeps the grammar
 *     LR(1); the checker, not the highlighter, is where a misplaced one is reported.
 * After editing, regenerate with `tree-sitter generate --abi 14` (README.md) and commit src/.
 */

// Binding strength, loosest first: `|>`, then + -, then * / @, then unary minus, then `^`
// (right-associative, tighter than a minus on its left: -x^2 = -(x^2)), then calls and indexing.
const PREC = { pipe: 1, add: 2, multiply: 3, unary: 4, power: 5, postfix: 6 };

// Hard keywords can never be names, but may be segments of an import path (grammar/parser.ts's
// pathSegment), so that `import std.fn.{…}` reaches the checker as an unknown module.
const HARD_KEYWORDS = ['import', 'model', 'layer', 'fn', 'init', 'optimizer', 'train', 'let', 'if', 'else', 'true', 'false'];

const commaSep1 = (rule) => seq(rule, repeat(seq(',', rule)));
const commaSep = (rule) => optional(commaSep1(rule));

module.exports = grammar({
  name: 'dnn',

  // A byte order mark is skipped like whitespace (the compiler skips it only at a file's start).
  extras: ($) => [/[ \t\r\n\uFEFF]/, $.comment],

  // `_same_line` is a zero-width token the scanner (src/scanner.c) produces before a `(` or `[`
  // on the same line as the expression before it: only then is it a call or an index — a `(` or
  // `[` that starts a line begins a new expression (docs/language.md §6.9). `_error_sentinel` is
  // never in a rule; it being valid tells the scanner the parser is recovering from an error.
  externals: ($) => [$._same_line, $._error_sentinel],

  // Keywords are lexed as identifiers first, so `modelx` stays a name; soft keywords (`input`,
  // `loss`, …) are keywords only where one can start an item, and names everywhere else.
  word: ($) => $.identifier,

  rules: {
    source_file: ($) => repeat($._declaration),

    _declaration: ($) =>
      choice(
        $.import_declaration,
        $.model_declaration,
        $.layer_declaration,
        $.function_declaration,
        $.init_declaration,
        $.optimizer_declaration,
        $.train_declaration,
      ),

    // import std.layers.{Dense, Conv2D}   import std.layers.Dense   import std.layers.*
    import_declaration: ($) =>
      seq('import', $.module_name, repeat(seq('.', choice($.module_name, $.import_list, $.wildcard)))),
    module_name: ($) => choice($.identifier, ...HARD_KEYWORDS),
    import_list: ($) => seq('{', commaSep1($.identifier), '}'),
    wildcard: (_) => '*',

    model_declaration: ($) => seq('model', field('name', $.identifier), field('body', $.model_body)),
    model_body: ($) =>
      seq(
        '{',
        repeat(choice($.input_declaration, $.output_declaration, $.parameter_declaration, $.let_declaration, $.assignment)),
        '}',
      ),
    input_declaration: ($) => seq('input', field('name', $.identifier), ':', field('type', $.type)),
    // `output y: T = …` is not the language, but the compiler reads it to report one mistake.
    output_declaration: ($) =>
      seq('output', field('name', $.identifier), ':', field('type', $.type), optional(seq('=', field('value', $._expression)))),
    // `param` is trained; `state` (a layer's moving statistics) is not.
    parameter_declaration: ($) =>
      seq(choice('param', 'state'), field('name', $.identifier), ':', field('type', $.type), optional(seq('=', field('init', $._expression)))),
    let_declaration: ($) =>
      seq('let', field('name', $.identifier), optional(seq(':', field('type', $.type))), '=', field('value', $._expression)),
    assignment: ($) => seq(field('name', $.identifier), '=', field('value', $._expression)),

    layer_declaration: ($) =>
      seq('layer', field('name', $.identifier), optional(field('parameters', $.parameter_list)), field('body', $.layer_body)),
    layer_body: ($) => seq('{', repeat(choice($.parameter_declaration, $.let_declaration, $.forward_declaration)), '}'),
    forward_declaration: ($) =>
      seq('forward', field('parameters', $.parameter_list), optional(seq('->', field('return_type', $.type))), $._body),

    function_declaration: ($) =>
      seq('fn', field('name', $.identifier), field('parameters', $.parameter_list), optional(seq('->', field('return_type', $.type))), $._body),

    // An initializer is evaluated once per parameter, with that parameter's shape in scope.
    init_declaration: ($) => seq('init', field('name', $.identifier), field('parameters', $.parameter_list), $._body),

    optimizer_declaration: ($) =>
      seq('optimizer', field('name', $.identifier), field('parameters', $.parameter_list), field('body', $.optimizer_body)),
    optimizer_body: ($) => seq('{', repeat($.state_declaration), $.update_declaration, '}'),
    state_declaration: ($) => seq('state', field('name', $.identifier), '=', field('value', $._expression)),
    update_declaration: ($) =>
      seq('update', field('parameters', $.parameter_list), '{', repeat(choice($.let_declaration, $.assignment)), '}'),

    // `train M { … }` is the model's default program; `train M.name { … }` a named one.
    train_declaration: ($) =>
      seq('train', field('model', $.identifier), optional(seq('.', field('program', $.identifier))), field('body', $.train_body)),
    train_body: ($) => seq('{', repeat(choice($.target_declaration, $.let_declaration, $.train_setting)), '}'),
    target_declaration: ($) => seq('target', field('name', $.identifier), ':', field('type', $.type)),
    train_setting: ($) =>
      seq(field('key', choice('loss', 'optimizer', 'clip_norm', 'trainable')), '=', field('value', $._expression)),

    // `= expr` or `{ let …  expr }`: the value of a block is its last expression.
    _body: ($) => choice(seq('=', field('body', $._expression)), field('body', $.block)),
    block: ($) => seq('{', repeat(choice($.let_declaration, $.assignment)), field('value', $._expression), '}'),

    parameter_list: ($) => seq('(', commaSep($.parameter), ')'),
    parameter: ($) =>
      seq(field('name', $.identifier), optional(seq(':', field('type', $.type))), optional(seq('=', field('default', $._expression)))),

    // f32[B, 784], i32[B], f32[...], int, float, fn
    type: ($) =>
      seq(field('name', choice(alias($.identifier, $.type_identifier), alias('fn', $.type_identifier))), optional(field('dimensions', $.dimension_list))),
    dimension_list: ($) => seq('[', commaSep($.dimension), ']'),
    dimension: ($) => choice($.ellipsis, $._arithmetic),
    ellipsis: (_) => '...',

    _expression: ($) => choice($.pipeline, $._arithmetic),
    pipeline: ($) => prec.left(PREC.pipe, seq(field('input', $._expression), '|>', field('stage', $._arithmetic))),

    _arithmetic: ($) => choice($.binary_expression, $.unary_expression, $._postfix),
    binary_expression: ($) =>
      choice(
        ...[
          [PREC.add, choice('+', '-')],
          [PREC.multiply, choice('*', '/', '@')],
        ].map(([precedence, operator]) =>
          prec.left(precedence, seq(field('left', $._arithmetic), field('operator', operator), field('right', $._arithmetic))),
        ),
        prec.right(PREC.power, seq(field('left', $._arithmetic), field('operator', '^'), field('right', $._arithmetic))),
      ),
    unary_expression: ($) => prec(PREC.unary, seq(field('operator', '-'), field('operand', $._arithmetic))),

    _postfix: ($) => choice($._primary, $.call_expression, $.index_expression, $.member_expression),
    call_expression: ($) => prec(PREC.postfix, seq(field('function', $._postfix), $._same_line, field('arguments', $.argument_list))),
    index_expression: ($) => prec(PREC.postfix, seq(field('value', $._postfix), $._same_line, field('index', $.index_list))),
    member_expression: ($) => prec(PREC.postfix, seq(field('object', $._postfix), '.', field('member', $.identifier))),

    argument_list: ($) => seq('(', commaSep(choice($._expression, $.named_argument)), ')'),
    // `name = value` is a mistake the compiler reports clearly (DNN0002); it is read here too.
    named_argument: ($) => seq(field('name', $.identifier), choice(':', '='), field('value', $._expression)),

    // i, a:b, :b, a:, :, ..., and a step after a second colon: a:b:s, ::-1, a::2
    index_list: ($) => seq('[', commaSep1(choice($.ellipsis, $.slice, $._arithmetic)), ']'),
    slice: ($) =>
      seq(
        optional(field('start', $._arithmetic)),
        ':',
        optional(field('end', $._arithmetic)),
        optional(seq(':', optional(field('step', $._arithmetic)))),
      ),

    _primary: ($) =>
      choice(
        $.identifier,
        $.integer,
        $.float,
        $.string,
        $.true,
        $.false,
        $.parenthesized_expression,
        $.array,
        $.if_expression,
      ),
    parenthesized_expression: ($) => seq('(', $._expression, ')'),
    array: ($) => seq('[', commaSep($._expression), ']'),

    // `if c { … } else if d { … } else { … }`: c is known at compile time.
    if_expression: ($) =>
      seq(
        'if',
        field('condition', $._expression),
        field('consequence', $.block),
        repeat($.else_if_clause),
        'else',
        field('alternative', $.block),
      ),
    else_if_clause: ($) => seq('else', 'if', field('condition', $._expression), field('consequence', $.block)),

    identifier: (_) => /[A-Za-z_][A-Za-z0-9_]*/,
    // A float has a '.' or an exponent; everything else is an integer.
    float: (_) => token(choice(/\d+\.\d*([eE][+-]?\d+)?/, /\.\d+([eE][+-]?\d+)?/, /\d+[eE][+-]?\d+/)),
    integer: (_) => /\d+/,
    // One line, backslash escapes any character.
    string: (_) => /"([^"\\\n\r]|\\.)*"/,
    true: (_) => 'true',
    false: (_) => 'false',
    comment: (_) => token(seq('//', /[^\n\r]*/)),
  },
});
