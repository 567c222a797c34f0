// `dnnc compile --watch`: build, then build again whenever a file the last build read changes —
// the .dnn file and every module it imports, the standard library's included (the API's
// `inputs`). The folders holding them are watched, not the files: an editor that saves by
// writing a new file and renaming it over the old one replaces the file a watch would follow.
import { watch as watchFs, type FSWatcher } from "node:fs";
import { basename, dirname, resolve } from "node:path";

/** Changes closer together than this are one change (an editor's save is often several writes). */
const SETTLE_MS = 50;

/**
 * Watches `inputs` (the first build's) and calls `build` after each change, which returns the
 * files the new result depends on. `build` reports its own outcome and never throws. Runs until
 * the process is stopped.
 */
export function watchInputs(inputs: readonly string[], build: () => Promise<string[]>, say: (line: string) => void): Promise<never> {
  // One watcher per folder, kept from build to build while the folder still holds an input: a
  // watcher closed and opened again would drop the changes it had not yet delivered.
  const folders = new Map<string, { watcher: FSWatcher | undefined; names: Set<string> }>();
  let timer: NodeJS.Timeout | undefined;
  let building = false;
  let changedWhileBuilding = false;

  const watchAll = (files: readonly string[]) => {
    const wanted = new Map<string, Set<string>>();
    for (const f of files) {
      const path = resolve(f);
      const names = wanted.get(dirname(path)) ?? new Set();
      wanted.set(dirname(path), names.add(basename(path)));
    }
    for (const [dir, folder] of folders)
      if (!wanted.has(dir)) {
        folder.watcher?.close();
        folders.delete(dir);
      }
    for (const [dir, names] of wanted) {
      const folder = folders.get(dir);
      if (folder) {
        folder.names = names;
        continue;
      }
      const entry: { watcher: FSWatcher | undefined; names: Set<string> } = { watcher: undefined, names };
      try {
        // A platform that does not name the file changed (filename null) rebuilds on any change in the folder.
        entry.watcher = watchFs(dir, (_event, name) => (name === null || entry.names.has(String(name)) ? changed() : undefined));
      } catch {
        // A folder that does not exist (an import of a missing folder): nothing there to change until it does.
      }
      folders.set(dir, entry);
    }
    say(`watching ${files.length} file${files.length === 1 ? "" : "s"} for changes (Ctrl-C stops)\n`);
  };

  const changed = () => {
    if (building) return void (changedWhileBuilding = true);
    clearTimeout(timer);
    timer = setTimeout(rebuild, SETTLE_MS);
  };

  const rebuild = async () => {
    building = true;
    say(`\nchange detected: compiling again\n`);
    const files = await build();
    building = false;
    watchAll(files);
    if (changedWhileBuilding) {
      changedWhileBuilding = false;
      changed();
    }
  };

  watchAll(inputs);
  return new Promise<never>(() => {});
}
