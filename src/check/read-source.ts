// Reading a .dnn file from disk: the one function the CLI (its FILE arguments), import loading
// (modules.ts) and the language server (through modules.ts's fsHost) use. Only a regular file
// no larger than MAX_SOURCE_BYTES is read: a FIFO would block `check` and the language server
// forever, a symlink to /dev/zero would grow without end, and a directory or an unreadable file
// was an internal error. The file is checked with stat before it is opened (opening a device
// can have effects of its own), and again through the open descriptor, since the path may have
// been replaced in between; it is opened non-blocking, so even then a FIFO cannot hang the read.
import { closeSync, constants, fstatSync, openSync, readSync, statSync, type Stats } from "node:fs";

/** The largest source file read: 10 MiB, far beyond any hand-written model (docs/language.md). */
export const MAX_SOURCE_BYTES = 10 * 1024 * 1024;

/** Why a file that exists cannot be used as source. `message` completes "cannot read FILE: …". */
export class SourceReadError extends Error {
  constructor(
    /** `unreadable`: the system refused (permissions, a symlink loop, …); `not-a-file`: a
     * directory, FIFO, device or socket; `too-large`: over MAX_SOURCE_BYTES. */
    readonly kind: "unreadable" | "not-a-file" | "too-large",
    message: string,
  ) {
    super(message);
  }
}

/** The text of the source file at `path`, or undefined when there is no such file. Throws
 * SourceReadError when it exists but cannot be used. */
export function readSourceFile(path: string): string | undefined {
  let st: Stats;
  try {
    st = statSync(path); // follows symlinks: what matters is what the link points to
  } catch (e) {
    if (isMissing(e)) return undefined;
    throw unreadable(e);
  }
  checkStats(st);
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (e) {
    if (isMissing(e)) return undefined;
    throw unreadable(e);
  }
  try {
    const opened = fstatSync(fd);
    checkStats(opened);
    return readAll(fd, opened.size).toString("utf8");
  } catch (e) {
    throw e instanceof SourceReadError ? e : unreadable(e);
  } finally {
    closeSync(fd);
  }
}

function checkStats(st: Stats): void {
  if (!st.isFile()) throw new SourceReadError("not-a-file", `it is ${kindOf(st)}, not a regular file`);
  if (st.size > MAX_SOURCE_BYTES) throw tooLarge(st.size);
}

// Reads to the end, but never past the cap, whatever the size said (a file can grow). The first
// read asks for the size fstat gave and one byte more, so a file that did not grow is read in one
// buffer of its size: a 1 MiB buffer per file was most of reading the stdlib's small files.
function readAll(fd: number, size: number): Buffer {
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    const want = chunks.length === 0 ? size + 1 : 1 << 16;
    const chunk = Buffer.allocUnsafe(Math.min(want, MAX_SOURCE_BYTES + 1 - total));
    const n = readSync(fd, chunk, 0, chunk.length, null);
    if (n === 0) break;
    chunks.push(chunk.subarray(0, n));
    total += n;
    if (total > MAX_SOURCE_BYTES) throw new SourceReadError("too-large", `it grew past ${mib(MAX_SOURCE_BYTES)} while being read; source files are limited to that`);
  }
  return Buffer.concat(chunks, total);
}

const tooLarge = (bytes: number) => new SourceReadError("too-large", `it is ${mib(bytes)}; source files are limited to ${mib(MAX_SOURCE_BYTES)}`);

const mib = (bytes: number): string => `${(bytes / (1024 * 1024)).toFixed(bytes % (1024 * 1024) === 0 ? 0 : 1)} MiB`;

function kindOf(st: Stats): string {
  if (st.isDirectory()) return "a directory";
  if (st.isFIFO()) return "a named pipe (FIFO)";
  if (st.isCharacterDevice() || st.isBlockDevice()) return "a device";
  if (st.isSocket()) return "a socket";
  return "not a regular file";
}

const errno = (e: unknown): string | undefined => (e as NodeJS.ErrnoException | undefined)?.code;
const isMissing = (e: unknown): boolean => errno(e) === "ENOENT" || errno(e) === "ENOTDIR";

const REASONS: Record<string, string> = {
  EACCES: "permission denied",
  EPERM: "operation not permitted",
  ELOOP: "too many levels of symbolic links",
  ENAMETOOLONG: "the file name is too long",
  EIO: "input/output error",
  EISDIR: "it is a directory, not a regular file",
  ENXIO: "it is a socket or a device that is not there, not a regular file",
  EMFILE: "too many open files",
};

function unreadable(e: unknown): SourceReadError {
  const code = errno(e);
  if (code === "EISDIR" || code === "ENXIO") return new SourceReadError("not-a-file", REASONS[code]!);
  const reason = (code && REASONS[code]) ?? (e instanceof Error ? e.message.replace(/^[A-Z]+: /, "").replace(/, \w+ '.*'$/, "") : String(e));
  return new SourceReadError("unreadable", reason);
}
