// docs/recipes.md names the files each change touches; a rename that leaves a recipe pointing at
// a file that no longer exists fails here. (That the primitive recipe's list for a unary op is
// complete, tsc shows: see the recipe.)
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const doc = readFileSync(join(ROOT, "docs", "recipes.md"), "utf8");

describe("docs/recipes.md", () => {
  it("names only files that exist", () => {
    const named = [...doc.matchAll(/`((?:src|test|docs|bench|scripts|stdlib|grammar|editors)\/[\w./-]+\.\w+)`/g)].map((m) => m[1]!);
    expect(named.length).toBeGreaterThan(10);
    expect(named.filter((f) => !existsSync(join(ROOT, f)))).toEqual([]);
  });
});
