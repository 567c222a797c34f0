// The kinds of compile-time values a definition's parameter may declare (besides tensor types).
export const KNOWN_KINDS = new Set(["int", "float", "bool", "string", "fn", "init"]);
