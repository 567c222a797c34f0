; Highlights for tree-sitter-dnn in Helix's scope names. Helix takes the first pattern that
; captures a node, so the specific patterns come first and the general ones last (the reverse of
; queries/highlights.scm, which is in Neovim's names and order).

(comment) @comment.line
(string) @string
(integer) @constant.numeric.integer
(float) @constant.numeric.float
[(true) (false)] @constant.builtin.boolean

; Keywords.
["model" "layer" "init" "optimizer" "train"] @keyword.storage.type
"fn" @keyword.function
"import" @keyword.control.import
["if" "else"] @keyword.control.conditional
["input" "output" "param" "state" "let" "forward" "update" "target"] @keyword
(train_setting key: _ @keyword)

; Types, and the sizes inside them (B, T, in: compile-time values).
((type_identifier) @type.builtin
  (#any-of? @type.builtin "f32" "i32" "int" "float" "bool" "string" "fn"))
(type_identifier) @type
(dimension (identifier) @constant)
(dimension (binary_expression (identifier) @constant))
(ellipsis) @punctuation.special

; Definitions.
(model_declaration name: (identifier) @type)
(layer_declaration name: (identifier) @type)
(function_declaration name: (identifier) @function)
(init_declaration name: (identifier) @function)
(optimizer_declaration name: (identifier) @function)
(train_declaration model: (identifier) @type)
(train_declaration program: (identifier) @function)
(parameter name: (identifier) @variable.parameter)
(named_argument name: (identifier) @variable.parameter)
(call_expression function: (member_expression member: (identifier) @function.method))
(member_expression member: (identifier) @variable.other.member)

; Calls: layers (CamelCase by convention) and functions.
((call_expression function: (identifier) @constructor)
  (#match? @constructor "^[A-Z]"))
(call_expression function: (identifier) @function)
((identifier) @variable.builtin
  (#eq? @variable.builtin "training"))

; Imports.
(module_name) @namespace
(import_list (identifier) @type)

["+" "-" "*" "/" "@" "^" "|>" "->" "="] @operator
["(" ")" "[" "]" "{" "}"] @punctuation.bracket
["," ":" "."] @punctuation.delimiter

(identifier) @variable
