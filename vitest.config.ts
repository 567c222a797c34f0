// Two groups, one after the other: the CPU tests, files in parallel; then the tests that run
// WebGPU (Dawn on lavapipe, chromium on SwiftShader), one file at a time. A software GPU spreads
// every dispatch over all cores and waits for all of them, so two such processes at once — or one
// beside CPU-heavy tests — run many times slower than each alone (the WGSL kernel tests: 47 s
// alone, over 12 minutes beside the API tests on this 2-core machine).
import { defineConfig } from "vitest/config";

const gpu = ["test/webgpu/**/*.test.ts", "test/browser/**/*.test.ts"];

export default defineConfig({
  test: {
    projects: [
      { extends: true, test: { name: "cpu", include: ["test/**/*.test.ts"], exclude: gpu, sequence: { groupOrder: 0 } } },
      { extends: true, test: { name: "gpu", include: gpu, fileParallelism: false, sequence: { groupOrder: 1 } } },
    ],
  },
});
