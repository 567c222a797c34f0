; Highlights for tree-sitter-dnn, in the capture names of Neovim (0.10+) and tree-sitter's own
; highlighter. Neovim lets a later pattern win where two capture the same node, so the general
; patterns come first and the specific ones after them. (Helix reads the first match and names its
; scopes differently: queries/helix/highlights.scm.)

(comment) @comment @spell
(string) @string
(integer) @number
(float) @number.float
[(true) (false)] @boolean

(identifier) @variable

; Types, and the sizes inside them (B, T, in: compile-time values).
(type_identifier) @type
((type_identifier) @type.builtin
  (#any-of? @type.builtin "f32" "i32" "int" "float" "bool" "string" "fn"))
(dimension (identifier) @constant)
(dimension (binary_expression (identifier) @constant))
(ellipsis) @punctuation.special

; Definitions.
(model_declaration name: (identifier) @type.definition)
(layer_declaration name: (identifier) @type.definition)
(function_declaration name: (identifier) @function)
(init_declaration name: (identifier) @function)
(optimizer_declaration name: (identifier) @function)
(train_declaration model: (identifier) @type)
(train_declaration program: (identifier) @function)
(parameter name: (identifier) @variable.parameter)
(named_argument name: (identifier) @variable.parameter)
(member_expression member: (identifier) @variable.member)

; Calls: functions, and layers (CamelCase by convention, docs/language.md "Names").
(call_expression function: (identifier) @function.call)
((call_expression function: (identifier) @constructor)
  (#match? @constructor "^[A-Z]"))
(call_expression function: (member_expression member: (identifier) @function.method.call))
((identifier) @variable.builtin
  (#eq? @variable.builtin "training"))

; Imports.
(module_name) @module
(import_list (identifier) @type)

; Keywords.
["model" "layer" "init" "optimizer" "train"] @keyword.type
"fn" @keyword.function
["input" "output" "param" "state" "let" "forward" "update" "target"] @keyword
(train_setting key: _ @keyword)
"import" @keyword.import
["if" "else"] @keyword.conditional

["+" "-" "*" "/" "@" "^" "|>" "->" "="] @operator
["(" ")" "[" "]" "{" "}"] @punctuation.bracket
["," ":" "."] @punctuation.delimiter
