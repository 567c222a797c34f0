; Scopes, definitions and references for tree-sitter-dnn (Neovim's locals; Helix reads the same
; captures): a name defined by a parameter, `let`, `input`, `param` and the like is highlighted
; alike wherever it is used in that scope.

[
  (source_file)
  (model_declaration)
  (layer_declaration)
  (function_declaration)
  (init_declaration)
  (optimizer_declaration)
  (train_declaration)
  (forward_declaration)
  (update_declaration)
  (block)
] @local.scope

(parameter name: (identifier) @local.definition.parameter)
(let_declaration name: (identifier) @local.definition.var)
(input_declaration name: (identifier) @local.definition.var)
(output_declaration name: (identifier) @local.definition.var)
(parameter_declaration name: (identifier) @local.definition.field)
(state_declaration name: (identifier) @local.definition.var)
(target_declaration name: (identifier) @local.definition.var)
(function_declaration name: (identifier) @local.definition.function)
(layer_declaration name: (identifier) @local.definition.type)
(model_declaration name: (identifier) @local.definition.type)

(identifier) @local.reference
