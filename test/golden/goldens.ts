// Golden-file comparison: UPDATE_GOLDEN=1 rewrites the files instead of comparing.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { expect } from "vitest";

export function expectGolden(path: string, actual: string): void {
  if (process.env["UPDATE_GOLDEN"] === "1" || !existsSync(path)) {
    if (process.env["CI"] && !existsSync(path)) throw new Error(`golden file ${path} is missing; run UPDATE_GOLDEN=1 npm test locally and commit it`);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, actual);
    return;
  }
  expect(actual, `${path} differs; if the change is intended, run UPDATE_GOLDEN=1 npm test`).toBe(readFileSync(path, "utf8"));
}
