// A module-resolution hook for the dnnc command: `chevrotain` resolves to the package's own
// single-file build instead of its entry, which loads lodash-es as ~650 separate modules and
// took most of the command's start-up (docs/performance.md). Same version, same code; every
// import in the process goes through here, so there is only ever one copy.
export async function resolve(specifier, context, next) {
  if (specifier !== "chevrotain") return next(specifier, context);
  const entry = await next(specifier, context); // …/chevrotain/lib/src/api.js, wherever npm put it
  return { url: new URL("../chevrotain.mjs", entry.url).href, format: "module", shortCircuit: true };
}
