// Whether dist/ (scripts/build.mjs) may run: every file it was built from exists and is older
// than the build. A missing or unreadable dist/inputs.json means no.
import { existsSync, readFileSync, statSync } from "node:fs";

/** `root`: the package's directory, as a file: URL ending in `/`. */
export function builtIsCurrent(root) {
  try {
    const { builtAt, inputs } = JSON.parse(readFileSync(new URL("dist/inputs.json", root), "utf8"));
    return Array.isArray(inputs) && inputs.length > 0 && inputs.every((f) => statSync(new URL(f, root)).mtimeMs < builtAt);
  } catch {
    return false;
  }
}

/** Whether `root` is the package as npm installs it: dist/ and no sources (package.json `files`). */
export function isInstalledPackage(root) {
  return !existsSync(new URL("src/", root)) && existsSync(new URL("dist/cli.mjs", root));
}
