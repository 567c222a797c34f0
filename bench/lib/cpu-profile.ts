// A sampled CPU profile of a function run several times (check-speed.ts --profile): written as
// a .cpuprofile for Chrome DevTools, and summarised as self time per file and per function.
import { writeFileSync } from "node:fs";
import { findSourceMap } from "node:module";
import { relative } from "node:path";
import { fileURLToPath } from "node:url";

export interface ProfileSummary {
  byFile: { file: string; ms: number; share: number }[];
  byFunction: { fn: string; ms: number; share: number }[];
}

/** Profiles `runs` calls of `body`; times are per call. Paths are shown relative to `root`. */
export async function profileRuns(body: () => void, runs: number, root: string, out: string): Promise<ProfileSummary> {
  const { Session } = await import("node:inspector/promises");
  const session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.setSamplingInterval", { interval: 100 });
  await session.post("Profiler.start");
  for (let i = 0; i < runs; i++) body();
  const { profile } = (await session.post("Profiler.stop")) as { profile: CpuProfile };
  session.disconnect();
  writeFileSync(out, JSON.stringify(profile));

  // Self time per node = samples hitting it × the average interval.
  const hits = new Map<number, number>();
  for (const id of profile.samples) hits.set(id, (hits.get(id) ?? 0) + 1);
  const totalMs = (profile.endTime - profile.startTime) / 1000;
  const perSample = totalMs / profile.samples.length;
  const byFile = new Map<string, number>();
  const byFunction = new Map<string, number>();
  for (const node of profile.nodes) {
    const n = hits.get(node.id) ?? 0;
    if (!n) continue;
    const { url, functionName, lineNumber, columnNumber } = node.callFrame;
    const where = url ? relative(root, url.startsWith("file://") ? fileURLToPath(url.split("?")[0]!) : url) : `(${functionName || "native"})`;
    byFile.set(where, (byFile.get(where) ?? 0) + n * perSample);
    // tsx emits each module on one line: map the function's position back through its source map.
    let line = lineNumber + 1;
    const entry = (url ? findSourceMap(url.split("?")[0]!)?.findEntry(lineNumber, columnNumber) : undefined) as { originalLine?: number } | undefined;
    if (typeof entry?.originalLine === "number") line = entry.originalLine + 1;
    const fn = `${functionName || "(anonymous)"}  ${where}${url ? `:${line}` : ""}`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + n * perSample);
  }
  const rank = <K extends string>(m: Map<string, number>, key: K) =>
    [...m].sort((a, b) => b[1] - a[1]).map(([k, v]) => ({ [key]: k, ms: v / runs, share: v / totalMs }) as { [P in K]: string } & { ms: number; share: number });
  return { byFile: rank(byFile, "file"), byFunction: rank(byFunction, "fn") };
}

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number } }[];
  samples: number[];
  startTime: number;
  endTime: number;
}

