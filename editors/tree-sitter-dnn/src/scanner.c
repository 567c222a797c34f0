// External scanner for tree-sitter-dnn: the one place line breaks matter (docs/language.md §6.9).
// A `(` or `[` continues the expression before it (a call, an index) only when it is on the same
// line; at the start of a line it begins a new expression. The grammar asks for `_same_line`
// before a call's or an index's bracket; this scanner produces that zero-width token when the
// next character after spaces and tabs (no line break, no comment) is `(` or `[`.
#include "tree_sitter/parser.h"

enum TokenType { SAME_LINE, ERROR_SENTINEL };

void *tree_sitter_dnn_external_scanner_create(void) { return NULL; }
void tree_sitter_dnn_external_scanner_destroy(void *payload) { (void)payload; }
unsigned tree_sitter_dnn_external_scanner_serialize(void *payload, char *buffer) {
  (void)payload;
  (void)buffer;
  return 0;  // stateless
}
void tree_sitter_dnn_external_scanner_deserialize(void *payload, const char *buffer, unsigned length) {
  (void)payload;
  (void)buffer;
  (void)length;
}

bool tree_sitter_dnn_external_scanner_scan(void *payload, TSLexer *lexer, const bool *valid_symbols) {
  (void)payload;
  // During error recovery every token is valid; a zero-width token there could loop, so let the
  // ordinary lexer recover.
  if (valid_symbols[ERROR_SENTINEL] || !valid_symbols[SAME_LINE]) return false;
  while (lexer->lookahead == ' ' || lexer->lookahead == '\t') lexer->advance(lexer, true);
  if (lexer->lookahead == '(' || lexer->lookahead == '[') {
    lexer->result_symbol = SAME_LINE;
    lexer->mark_end(lexer);
    return true;
  }
  return false;
}
