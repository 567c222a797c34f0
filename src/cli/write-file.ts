// Writing a file so that a crash, a full disk or a kill mid-write never leaves it half written or
// emptied: the new bytes go to a temporary file beside it (the same filesystem, so the rename is
// atomic), are flushed to the disk, and the temporary file is then renamed over the old one.
// `dnnc fmt` rewrites sources this way, and `dnnc compile` its outputs.
import { accessSync, closeSync, constants, fchmodSync, fchownSync, fsyncSync, openSync, realpathSync, renameSync, rmSync, statSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";

/**
 * Replaces (or creates) `path` with `data`. An existing file must be writable by the process, and
 * keeps its mode (and, where the process may set it, its owner); a symbolic link is followed, its
 * target replaced. On failure
 * the file is as it was and the temporary file is gone.
 */
export function writeFileAtomically(path: string, data: string | Uint8Array): void {
  let target = path;
  let old: { mode: number; uid: number; gid: number } | undefined;
  try {
    target = realpathSync(path);
    old = statSync(target);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
  }
  // A rename would replace a file the process may not write (read-only, another user's): as
  // writing in place would, refuse it.
  if (old) accessSync(target, constants.W_OK);
  const temporary = join(dirname(target), `.${basename(target)}.${process.pid}-${Date.now().toString(36)}.tmp`);
  const fd = openSync(temporary, "wx", 0o666);
  try {
    if (old) {
      fchmodSync(fd, old.mode & 0o7777);
      try {
        fchownSync(fd, old.uid, old.gid);
      } catch {
        // only root may give a file away; the file is then the writer's, as any new file
      }
    }
    const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : data;
    for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at, bytes.length - at);
    fsyncSync(fd);
    closeSync(fd);
    renameSync(temporary, target);
  } catch (e) {
    try {
      closeSync(fd);
    } catch {
      // already closed
    }
    rmSync(temporary, { force: true });
    throw e;
  }
  syncDirectory(dirname(target));
}

/** Flushes a directory's entries (the rename) to the disk, where the platform can. */
function syncDirectory(dir: string): void {
  try {
    const fd = openSync(dir, "r");
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // not every platform or filesystem syncs a directory (Windows cannot open one): the data is safe
  }
}

/** "no space left on device (ENOSPC)" from Node's "ENOSPC: no space left on device, write". */
export function describeFsError(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const code = (e as NodeJS.ErrnoException).code;
  const m = /^[A-Z]+: (.*?)(?:, \w+(?: '.*')?)?$/.exec(e.message);
  return code && m ? `${m[1]} (${code})` : e.message;
}
