// A small driver for testing tree-sitter-dnn without the tree-sitter CLI: built with gcc against
// the C runtime (libtree-sitter) and src/parser.c + src/scanner.c, it parses one file and
//   - prints `tree <S-expression>`;
//   - prints `error ROW:COL <kind>` for every ERROR node and every MISSING node (exit status 1);
//   - with `--query FILE`, compiles that query (a query error is `query-error OFFSET <kind>`,
//     exit status 2) and prints `capture ROW:COL-ROW:COL PATTERN @NAME TEXT` for every capture
//     whose pattern's predicates hold (rows and columns from 1; PATTERN is the pattern's index in
//     the query file, which decides which capture an editor shows when several take one node).
// The predicates understood are the ones editors share: #eq?, #not-eq?, #any-of?, #not-any-of?,
// #match? and #not-match? (POSIX extended regular expressions); any other is a query error, so a
// query cannot pass here while using something the test never evaluates.
// With `--tokens` it also prints `token START END TYPE` (byte offsets) for every leaf, comments
// included, for comparing with the compiler's lexer.
// Usage: parse [--tokens] [--query QUERY_FILE] SOURCE_FILE
#include <regex.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tree_sitter/api.h>

const TSLanguage *tree_sitter_dnn(void);

static char *read_file(const char *path, uint32_t *length) {
  FILE *file = fopen(path, "rb");
  if (!file) {
    fprintf(stderr, "cannot open %s\n", path);
    exit(3);
  }
  fseek(file, 0, SEEK_END);
  long size = ftell(file);
  fseek(file, 0, SEEK_SET);
  char *text = malloc((size_t)size + 1);
  if (fread(text, 1, (size_t)size, file) != (size_t)size) {
    fprintf(stderr, "cannot read %s\n", path);
    exit(3);
  }
  fclose(file);
  text[size] = '\0';
  *length = (uint32_t)size;
  return text;
}

// Every ERROR and MISSING node, depth first; returns how many.
static int report_errors(TSNode node) {
  int found = 0;
  TSPoint at = ts_node_start_point(node);
  // (by type: libtree-sitter 0.20 has no ts_node_is_error)
  if (strcmp(ts_node_type(node), "ERROR") == 0) {
    printf("error %u:%u ERROR\n", at.row + 1, at.column + 1);
    found++;
  } else if (ts_node_is_missing(node)) {
    printf("error %u:%u MISSING %s\n", at.row + 1, at.column + 1, ts_node_type(node));
    found++;
  }
  uint32_t count = ts_node_child_count(node);
  for (uint32_t i = 0; i < count; i++) found += report_errors(ts_node_child(node, i));
  return found;
}

// The leaves, in order: the tokens as the parser saw them.
static void print_tokens(TSNode node) {
  uint32_t count = ts_node_child_count(node);
  if (count == 0) {
    if (ts_node_end_byte(node) > ts_node_start_byte(node))  // not a MISSING (zero-width) node
      printf("token %u %u %s\n", ts_node_start_byte(node), ts_node_end_byte(node), ts_node_type(node));
    return;
  }
  for (uint32_t i = 0; i < count; i++) print_tokens(ts_node_child(node, i));
}

static char *node_text(TSNode node, const char *source) {
  uint32_t start = ts_node_start_byte(node), end = ts_node_end_byte(node);
  char *text = malloc(end - start + 1);
  memcpy(text, source + start, end - start);
  text[end - start] = '\0';
  return text;
}

// The text of the node captured as `capture_id` in `match` (NULL when it is not captured there).
static char *captured_text(const TSQueryMatch *match, uint32_t capture_id, const char *source) {
  for (uint16_t i = 0; i < match->capture_count; i++) {
    if (match->captures[i].index == capture_id) return node_text(match->captures[i].node, source);
  }
  return NULL;
}

static const char *step_string(const TSQuery *query, const TSQueryPredicateStep *step) {
  uint32_t length;
  return ts_query_string_value_for_id(query, step->value_id, &length);
}

// Whether one predicate (steps up to a Done step) holds; exits on a predicate it does not know.
static bool predicate_holds(const TSQuery *query, const TSQueryPredicateStep *steps, uint32_t count,
                            const TSQueryMatch *match, const char *source) {
  const char *name = step_string(query, &steps[0]);
  bool negated = strncmp(name, "not-", 4) == 0;
  const char *base = negated ? name + 4 : name;
  if (count < 3 || steps[1].type != TSQueryPredicateStepTypeCapture) {
    printf("query-error 0 predicate #%s needs a capture and an argument\n", name);
    exit(2);
  }
  char *text = captured_text(match, steps[1].value_id, source);
  if (!text) return true;  // the capture is in an optional part that did not match
  bool holds = false;
  if (strcmp(base, "eq?") == 0 && count == 3) {
    char *other = steps[2].type == TSQueryPredicateStepTypeCapture ? captured_text(match, steps[2].value_id, source)
                                                                     : strdup(step_string(query, &steps[2]));
    holds = other && strcmp(text, other) == 0;
    free(other);
  } else if (strcmp(base, "any-of?") == 0) {
    for (uint32_t i = 2; i < count && !holds; i++) holds = strcmp(text, step_string(query, &steps[i])) == 0;
  } else if (strcmp(base, "match?") == 0 && count == 3) {
    regex_t pattern;
    if (regcomp(&pattern, step_string(query, &steps[2]), REG_EXTENDED | REG_NOSUB) != 0) {
      printf("query-error 0 bad regular expression in #%s\n", name);
      exit(2);
    }
    holds = regexec(&pattern, text, 0, NULL, 0) == 0;
    regfree(&pattern);
  } else {
    printf("query-error 0 unknown predicate #%s\n", name);
    exit(2);
  }
  free(text);
  return negated ? !holds : holds;
}

static bool predicates_hold(const TSQuery *query, const TSQueryMatch *match, const char *source) {
  uint32_t step_count;
  const TSQueryPredicateStep *steps = ts_query_predicates_for_pattern(query, match->pattern_index, &step_count);
  uint32_t start = 0;
  for (uint32_t i = 0; i < step_count; i++) {
    if (steps[i].type != TSQueryPredicateStepTypeDone) continue;
    if (!predicate_holds(query, &steps[start], i - start, match, source)) return false;
    start = i + 1;
  }
  return true;
}

static const char *QUERY_ERRORS[] = {"none", "syntax", "node type", "field", "capture", "structure", "language"};

static void run_query(const char *query_path, TSNode root, const char *source) {
  uint32_t length;
  char *text = read_file(query_path, &length);
  uint32_t error_offset;
  TSQueryError error;
  TSQuery *query = ts_query_new(tree_sitter_dnn(), text, length, &error_offset, &error);
  if (!query) {
    printf("query-error %u %s\n", error_offset, error < 7 ? QUERY_ERRORS[error] : "unknown");
    exit(2);
  }
  TSQueryCursor *cursor = ts_query_cursor_new();
  ts_query_cursor_exec(cursor, query, root);
  TSQueryMatch match;
  while (ts_query_cursor_next_match(cursor, &match)) {
    if (!predicates_hold(query, &match, source)) continue;
    for (uint16_t i = 0; i < match.capture_count; i++) {
      TSNode node = match.captures[i].node;
      uint32_t name_length;
      const char *name = ts_query_capture_name_for_id(query, match.captures[i].index, &name_length);
      if (name[0] == '_') continue;  // helper captures (used only by predicates)
      TSPoint start = ts_node_start_point(node), end = ts_node_end_point(node);
      char *captured = node_text(node, source);
      for (char *c = captured; *c; c++) if (*c == '\n') *c = ' ';
      printf("capture %u:%u-%u:%u %u @%s %s\n", start.row + 1, start.column + 1, end.row + 1, end.column + 1,
             match.pattern_index, name, captured);
      free(captured);
    }
  }
  ts_query_cursor_delete(cursor);
  ts_query_delete(query);
  free(text);
}

int main(int argc, char **argv) {
  const char *query_path = NULL;
  bool tokens = false;
  int arg = 1;
  if (arg < argc && strcmp(argv[arg], "--tokens") == 0) {
    tokens = true;
    arg++;
  }
  if (arg + 1 < argc && strcmp(argv[arg], "--query") == 0) {
    query_path = argv[arg + 1];
    arg += 2;
  }
  if (arg != argc - 1) {
    fprintf(stderr, "usage: parse [--tokens] [--query QUERY_FILE] SOURCE_FILE\n");
    return 3;
  }
  uint32_t length;
  char *source = read_file(argv[arg], &length);
  TSParser *parser = ts_parser_new();
  if (!ts_parser_set_language(parser, tree_sitter_dnn())) {
    fprintf(stderr, "the runtime (ABI %d) cannot load this parser (ABI %u)\n", TREE_SITTER_LANGUAGE_VERSION,
            ts_language_version(tree_sitter_dnn()));
    return 3;
  }
  TSTree *tree = ts_parser_parse_string(parser, NULL, source, length);
  TSNode root = ts_tree_root_node(tree);
  char *sexp = ts_node_string(root);
  printf("tree %s\n", sexp);
  free(sexp);
  if (tokens) print_tokens(root);
  int errors = report_errors(root);
  if (query_path) run_query(query_path, root, source);
  ts_tree_delete(tree);
  ts_parser_delete(parser);
  free(source);
  return errors > 0 ? 1 : 0;
}
