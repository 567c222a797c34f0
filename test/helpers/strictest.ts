// The strictest settings a project importing dnnc's output might use (issue 19), as tsc flags:
// every generated module (test/backend/strict-consumer.test.ts), its `--emit js` declarations
// (test/backend/javascript.test.ts) and the consumer projects (test/consumers/) are held to them.
// tsconfig.strict.json holds the runtime's sources to the same.
export const STRICTEST = [
  "--strict", "--noUnusedLocals", "--noUnusedParameters", "--erasableSyntaxOnly", "--verbatimModuleSyntax", "--isolatedModules",
  "--exactOptionalPropertyTypes", "--noUncheckedIndexedAccess", "--noPropertyAccessFromIndexSignature", "--noImplicitOverride",
  "--noFallthroughCasesInSwitch", "--noImplicitReturns",
];
